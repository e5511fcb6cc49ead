// The header: logo, people lookup, navigation with the live notifications
// badge, language switch and sign-out. setUnread(n) / refreshUnread() let
// the notifications screen reset the badge after marking them read.
import { h, replace, uid } from './dom.js';
import { get } from './api.js';
import { t, addStrings, lang, languages, setLang, formatNumber } from './i18n.js';
import { session, signOut } from './session.js';
import { navigate, onNavigate } from './router.js';
import * as live from './live.js';

addStrings({
  en: {
    'nav.label': 'Main', 'nav.home': 'Home', 'nav.company': 'Company', 'nav.network': 'My network', 'nav.communities': 'Communities', 'nav.questions': 'Questions', 'nav.files': 'Files',
    'nav.notifications': 'Notifications', 'nav.profile': 'Profile', 'nav.signout': 'Sign out',
    'nav.me': 'Me', 'nav.menu': 'Your account and more', 'nav.settings': 'Settings',
    'nav.messages': 'Messages', 'nav.messagesUnread': { one: '{count} unread message', other: '{count} unread messages' },
    'nav.unread': { one: '{count} unread notification', other: '{count} unread notifications' },
    'search.label': 'Search', 'search.placeholder': 'Search people, expertise, posts…',
    'search.none': 'Nobody found', 'search.everything': 'Search everything for “{q}”', 'lang.label': 'Language', 'lang.en': 'English', 'lang.fr': 'Français',
  },
  fr: {
    'nav.label': 'Principale', 'nav.home': 'Accueil', 'nav.company': 'Entreprise', 'nav.network': 'Mon réseau', 'nav.communities': 'Communautés', 'nav.questions': 'Questions', 'nav.files': 'Fichiers',
    'nav.notifications': 'Notifications', 'nav.profile': 'Profil', 'nav.signout': 'Se déconnecter',
    'nav.me': 'Moi', 'nav.menu': 'Votre compte et plus', 'nav.settings': 'Paramètres',
    'nav.messages': 'Messages', 'nav.messagesUnread': { one: '{count} message non lu', other: '{count} messages non lus' },
    'nav.unread': { one: '{count} notification non lue', other: '{count} notifications non lues' },
    'search.label': 'Rechercher', 'search.placeholder': 'Personnes, expertises, publications…',
    'search.none': 'Personne trouvé', 'search.everything': 'Tout rechercher : « {q} »', 'lang.label': 'Langue', 'lang.en': 'English', 'lang.fr': 'Français',
  },
});

let unread = 0;
let badge = null;
let headerEl = null;

function paintBadge() {
  if (!badge) return;
  badge.hidden = unread === 0;
  badge.textContent = unread > 99 ? '99+' : formatNumber(unread);
  badge.setAttribute('aria-label', t('nav.unread', { count: unread }));
}

export function setUnread(n) { unread = Math.max(0, n); paintBadge(); }

// A count asked again: one request at a time, and a refresh asked while
// one is in flight runs once more after it, since the answer in flight
// may predate what the caller knows has changed (the stream opening after
// sign-in asked: a notification made in between would be lost).
function oneAtATime(ask) {
  let asking = null;
  let again = false;
  const run = () => {
    if (!session.account) return Promise.resolve();
    if (asking) { again = true; return asking; }
    asking = ask().finally(() => { asking = null; if (again) { again = false; run(); } });
    return asking;
  };
  return run;
}

const askUnread = oneAtATime(() => get('/api/v1/notifications/unread_count')
  .then((r) => setUnread(r.count), () => { /* keep the last count */ }));
export function refreshUnread() { return askUnread(); }

live.on('notification', () => setUnread(unread + 1));

// Messages: the total of unread messages in conversations not muted, asked
// again whenever a conversation changes (a message from someone else, a
// read marker moved on another device, a mute, leaving).
let msgUnread = 0;
let msgBadge = null;
function paintMsgBadge() {
  if (!msgBadge) return;
  msgBadge.hidden = msgUnread === 0;
  msgBadge.textContent = msgUnread > 99 ? '99+' : formatNumber(msgUnread);
  msgBadge.setAttribute('aria-label', t('nav.messagesUnread', { count: msgUnread }));
}
const askMessagesUnread = oneAtATime(() => get('/api/moka/v1/conversations/unread_count')
  .then((r) => { msgUnread = r.unread; paintMsgBadge(); }, () => { /* keep the last count */ }));
export function refreshMessagesUnread() { return askMessagesUnread(); }
live.on('moka.message', (m) => { if (!session.account || !m.account || m.account.id !== session.account.id) refreshMessagesUnread(); });
live.on('moka.conversation', () => refreshMessagesUnread());
live.on('moka.conversation.delete', () => refreshMessagesUnread());
live.on('moka.message.delete', () => refreshMessagesUnread());
live.on('open', () => refreshMessagesUnread());
live.on('open', () => refreshUnread());

function peopleSearch() {
  const listId = uid('people');
  const input = h('input', {
    type: 'search', id: uid('q'), class: 'search-input', autocomplete: 'off', role: 'combobox',
    'aria-expanded': 'false', 'aria-controls': listId, 'aria-autocomplete': 'list',
    placeholder: t('search.placeholder'), maxlength: 100,
  });
  const list = h('ul', { id: listId, role: 'listbox', class: 'search-results', hidden: true, 'aria-label': t('search.label') });
  let items = [], active = -1, timer = null, ctl = null;

  const close = () => { list.hidden = true; input.setAttribute('aria-expanded', 'false'); input.removeAttribute('aria-activedescendant'); active = -1; };
  const go = (acct) => { close(); input.value = ''; navigate(`/@${acct.username}`); };
  const highlight = (i) => {
    active = i;
    items.forEach((li, j) => li.setAttribute('aria-selected', String(j === i)));
    if (i >= 0) input.setAttribute('aria-activedescendant', items[i].id);
  };
  // Suggestions as you type: people by name prefix (one typo forgiven), then
  // "search everything", which Enter also picks when nothing is selected.
  const everything = (q) => { close(); input.value = ''; navigate(`/search?q=${encodeURIComponent(q)}`); };
  async function lookup() {
    const q = input.value.trim().replace(/^@/, '');
    if (ctl) ctl.abort();
    if (!q) { close(); return; }
    ctl = new AbortController();
    let accounts;
    try {
      const r = await get('/api/moka/v1/search', { query: { q, type: 'people', as_you_type: true, limit: 8 }, signal: ctl.signal });
      accounts = r.people.items.map((i) => i.account).filter(Boolean);
    } catch { return; }
    items = accounts.map((a) => h('li', {
      role: 'option', id: uid('opt'), class: 'search-option', 'aria-selected': 'false',
      onmousedown: (e) => { e.preventDefault(); go(a); },
    }, h('img', { src: a.avatar_static || a.avatar, alt: '', width: 28, height: 28, class: 'avatar' }),
    h('span', { class: 'search-name' }, a.display_name || a.username), h('span', { class: 'muted' }, ` @${a.username}`)));
    items.forEach((li, i) => { li.dataset.index = i; li._account = accounts[i]; });
    const all = h('li', { role: 'option', id: uid('opt'), class: 'search-option search-everything', 'aria-selected': 'false',
      onmousedown: (e) => { e.preventDefault(); everything(q); } }, t('search.everything', { q }));
    all._query = q;
    items.push(all);
    replace(list, accounts.length ? items : [h('li', { class: 'search-none', role: 'option', 'aria-disabled': 'true' }, t('search.none')), all]);
    list.hidden = false;
    input.setAttribute('aria-expanded', 'true');
    active = -1;
  }
  input.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(lookup, 150); });
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && (list.hidden || active < 0)) {
      e.preventDefault();
      const q = input.value.trim().replace(/^@/, '');
      if (q) everything(q);
      return;
    }
    if (list.hidden || !items.length) { if (e.key === 'Escape') close(); return; }
    if (e.key === 'ArrowDown') { e.preventDefault(); highlight((active + 1) % items.length); }
    else if (e.key === 'ArrowUp') { e.preventDefault(); highlight((active - 1 + items.length) % items.length); }
    else if (e.key === 'Enter') { e.preventDefault(); const it = items[active]; if (it._account) go(it._account); else everything(it._query); }
    else if (e.key === 'Escape') { e.preventDefault(); close(); }
  });
  input.addEventListener('blur', () => setTimeout(close, 100));
  return h('form', { class: 'search', role: 'search', onsubmit: (e) => e.preventDefault() },
    h('label', { for: input.id, class: 'visually-hidden' }, t('search.label')), input, list);
}

// cls: "nav-wide" links are in the bar on wide screens only; on phones the
// tab bar keeps five and the others are in the "Me" menu ("menu-narrow").
function navLink(href, label, extra, cls = '') {
  return h('li', { class: cls || null }, h('a', { href, class: 'nav-link', dataset: { path: href } }, h('span', null, label), extra));
}

// The "Me" menu: a disclosure button and a list of links and tools (profile,
// files, settings, language, sign out; on phones also the destinations the
// tab bar has no room for). Escape or a click elsewhere closes it.
function meMenu(me, langSelect) {
  const listId = uid('menu');
  const button = h('button', { type: 'button', class: 'me-button', 'aria-expanded': 'false', 'aria-controls': listId, 'aria-label': t('nav.menu') },
    h('img', { src: me.avatar_static || me.avatar, alt: '', width: 28, height: 28, class: 'avatar' }),
    h('span', { class: 'me-label' }, t('nav.me')));
  const item = (href, label, cls) => h('li', { class: cls || null }, h('a', { href, class: 'menu-link', dataset: { path: href } }, label));
  const panel = h('ul', { id: listId, class: 'me-menu', hidden: true },
    h('li', { class: 'me-who' }, h('strong', null, me.display_name || me.username), h('span', { class: 'muted' }, ` @${me.username}`)),
    item(`/@${me.username}`, t('nav.profile')),
    item('/company', t('nav.company'), 'menu-narrow'),
    item('/questions', t('nav.questions'), 'menu-narrow'),
    item('/files', t('nav.files')),
    item('/settings', t('nav.settings')),
    h('li', { class: 'me-lang' }, h('label', { for: langSelect.id }, t('lang.label')), langSelect),
    h('li', null, h('button', { type: 'button', class: 'menu-link', onclick: async () => { close(); await signOut(); navigate('/sign_in'); } }, t('nav.signout'))));
  const wrap = h('div', { class: 'me' }, button, panel);
  function open() { panel.hidden = false; button.setAttribute('aria-expanded', 'true'); }
  function close(focus) {
    if (panel.hidden) return;
    panel.hidden = true;
    button.setAttribute('aria-expanded', 'false');
    if (focus) button.focus();
  }
  button.addEventListener('click', () => (panel.hidden ? open() : close()));
  wrap.addEventListener('keydown', (e) => { if (e.key === 'Escape') close(true); });
  panel.addEventListener('click', (e) => { if (e.target.closest('a')) close(); });
  wrap.addEventListener('focusout', (e) => { if (!wrap.contains(e.relatedTarget) && e.relatedTarget) close(); });
  closeMenu = (e) => { if (!wrap.contains(e.target)) close(); };
  return wrap;
}
let closeMenu = null; // the current header's; one listener for all of them
document.addEventListener('click', (e) => closeMenu?.(e));

export function renderHeader(el = headerEl) {
  headerEl = el;
  const me = session.account;
  const brand = h('a', { href: '/', class: 'brand', 'aria-label': 'Moka' },
    h('span', { class: 'brand-mark', 'aria-hidden': 'true' }, 'M'), h('span', { class: 'brand-name' }, 'Moka'));
  if (!me) { replace(el, h('div', { class: 'header-inner' }, brand)); badge = null; return; }
  badge = h('span', { class: 'badge', hidden: true, 'data-testid': 'unread-badge' });
  paintBadge();
  msgBadge = h('span', { class: 'badge', hidden: true, 'data-testid': 'messages-badge' });
  paintMsgBadge();
  const langSelect = h('select', { id: uid('lang'), class: 'lang-select', onchange: (e) => setLang(e.target.value) },
    languages().map((l) => h('option', { value: l, selected: l === lang }, t(`lang.${l}`))));
  replace(el, h('div', { class: 'header-inner' },
    brand,
    peopleSearch(),
    h('nav', { class: 'main-nav', 'aria-label': t('nav.label') }, h('ul', null,
      navLink('/', t('nav.home')),
      navLink('/company', t('nav.company'), null, 'nav-wide'),
      navLink('/network', t('nav.network')),
      navLink('/communities', t('nav.communities')),
      navLink('/questions', t('nav.questions'), null, 'nav-wide'),
      navLink('/messages', t('nav.messages'), msgBadge),
      navLink('/notifications', t('nav.notifications'), badge))),
    meMenu(me, langSelect)));
  markCurrent(location.pathname);
}

function markCurrent(path) {
  if (!headerEl) return;
  for (const a of headerEl.querySelectorAll('.nav-link, .menu-link[data-path]')) {
    const p = a.dataset.path;
    // a section's link stays current on its pages (/communities/12/forum)
    if (p === path) a.setAttribute('aria-current', 'page');
    else if (p !== '/' && path.startsWith(`${p}/`)) a.setAttribute('aria-current', 'true');
    else a.removeAttribute('aria-current');
  }
}
onNavigate(markCurrent);
