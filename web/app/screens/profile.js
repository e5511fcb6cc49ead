// A person's profile (/@username; /profile/ID and /profile/me lead there):
// photo, name, title, department, location, contact, about, projects,
// expertise (links to the tag stream), languages, counts, how the viewer is
// connected to them ("who connects us"), the org chart (manager chain, peers,
// reports), the actions (Connect with a message / invitation / Disconnect,
// Follow, Post on their board) and their wall (infinite scroll, live).
import { h, append, replace, uid, announce } from '../dom.js';
import { route, navigate } from '../router.js';
import { t, addStrings, formatNumber } from '../i18n.js';
import { get, api, ApiError } from '../api.js';
import { session } from '../session.js';
import * as live from '../live.js';
import { stream } from '../ui/stream.js';
import { avatar, nameOf, personRow, profilePath, connectActions, followButton, relationshipOf } from '../ui/person.js';
import { notFound } from './notfound.js';

addStrings({
  en: {
    'profile.photo': 'Photo of {name}', 'profile.contact': 'Contact', 'profile.email': 'Email', 'profile.phone': 'Phone',
    'profile.location': 'Location', 'profile.about': 'About', 'profile.projects': 'Current projects',
    'profile.expertise': 'Expertise', 'profile.languages': 'Languages', 'profile.tag': 'Posts tagged #{tag}',
    'profile.connections': { one: '{count} connection', other: '{count} connections' },
    'profile.followers': { one: '{count} follower', other: '{count} followers' },
    'profile.following': { one: '{count} following', other: '{count} following' },
    'profile.posts': { one: '{count} post', other: '{count} posts' },
    'profile.stats': 'In numbers', 'profile.actions': 'Actions', 'profile.edit': 'Edit my profile', 'profile.settings': 'Settings',
    'profile.distance0': 'This is you', 'profile.distance1': 'Direct connection', 'profile.distance2': 'Colleague of a colleague',
    'profile.distance3': 'Outside your network', 'profile.connects': 'Who connects you',
    'profile.common': { one: '{count} person connects you with {name}', other: '{count} people connect you with {name}' },
    'profile.nocommon': 'Nobody connects you with {name} yet.', 'profile.direct': 'You and {name} are connected.',
    'profile.org': 'Org chart', 'profile.chain': 'Reporting line', 'profile.peers': 'Peers', 'profile.reports': 'Direct reports',
    'profile.top': '{name} is at the top of the org chart.', 'profile.nopeers': 'No peers.', 'profile.noreports': 'No direct reports.',
    'profile.here': '(this profile)', 'profile.side': 'Connections and org chart',
    'profile.allPeers': { one: 'Show the {count} peer', other: 'Show all {count} peers' },
    'profile.allReports': { one: 'Show the {count} report', other: 'Show all {count} direct reports' },
    'profile.board': 'Post on {name}’s board', 'profile.boardText': 'Your message to {name}', 'profile.boardSend': 'Post',
    'profile.boardPosting': 'Posting…', 'profile.boardPosted': 'Posted on {name}’s board.', 'profile.boardEmpty': 'Write something first.',
    'profile.audience': 'Audience', 'profile.aud.public': 'Company', 'profile.aud.network': 'My network',
    'profile.aud.connections': 'My connections',
    'profile.wall': 'Posts', 'profile.wallEmpty': 'No posts to show yet.',
  },
  fr: {
    'profile.photo': 'Photo de {name}', 'profile.contact': 'Contact', 'profile.email': 'E-mail', 'profile.phone': 'Téléphone',
    'profile.location': 'Lieu', 'profile.about': 'À propos', 'profile.projects': 'Projets en cours',
    'profile.expertise': 'Expertise', 'profile.languages': 'Langues', 'profile.tag': 'Publications avec #{tag}',
    'profile.connections': { one: '{count} relation', other: '{count} relations' },
    'profile.followers': { one: '{count} abonné', other: '{count} abonnés' },
    'profile.following': { one: '{count} abonnement', other: '{count} abonnements' },
    'profile.posts': { one: '{count} publication', other: '{count} publications' },
    'profile.stats': 'En chiffres', 'profile.actions': 'Actions', 'profile.edit': 'Modifier mon profil', 'profile.settings': 'Paramètres',
    'profile.distance0': "C'est vous", 'profile.distance1': 'Relation directe', 'profile.distance2': "Relation d'une relation",
    'profile.distance3': 'Hors de votre réseau', 'profile.connects': 'Qui vous relie',
    'profile.common': { one: '{count} personne vous relie à {name}', other: '{count} personnes vous relient à {name}' },
    'profile.nocommon': "Personne ne vous relie encore à {name}.", 'profile.direct': 'Vous êtes en relation avec {name}.',
    'profile.org': 'Organigramme', 'profile.chain': 'Ligne hiérarchique', 'profile.peers': 'Collègues directs', 'profile.reports': 'Collaborateurs directs',
    'profile.top': "{name} est au sommet de l'organigramme.", 'profile.nopeers': 'Aucun collègue direct.', 'profile.noreports': 'Aucun collaborateur direct.',
    'profile.here': '(ce profil)', 'profile.side': 'Relations et organigramme',
    'profile.allPeers': { one: 'Afficher le collègue direct', other: 'Afficher les {count} collègues directs' },
    'profile.allReports': { one: 'Afficher le collaborateur direct', other: 'Afficher les {count} collaborateurs directs' },
    'profile.board': 'Publier sur le mur de {name}', 'profile.boardText': 'Votre message pour {name}', 'profile.boardSend': 'Publier',
    'profile.boardPosting': 'Publication…', 'profile.boardPosted': 'Publié sur le mur de {name}.', 'profile.boardEmpty': "Écrivez d'abord quelque chose.",
    'profile.audience': 'Audience', 'profile.aud.public': 'Entreprise', 'profile.aud.network': 'Mon réseau',
    'profile.aud.connections': 'Mes relations',
    'profile.wall': 'Publications', 'profile.wallEmpty': 'Aucune publication à afficher pour le moment.',
  },
});

route('/profile/:id', {
  async render({ params, signal }) {
    const p = await get(`/api/moka/v1/profiles/${encodeURIComponent(params.id)}`, { signal });
    if (!signal.aborted) navigate(profilePath(p), { replace: true });
  },
});

route('/@:username', {
  async render(ctx) {
    let acct;
    try {
      acct = await get('/api/v1/accounts/lookup', { query: { acct: ctx.params.username }, signal: ctx.signal });
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) return notFound.render(ctx);
      throw e;
    }
    return renderProfile(ctx, acct);
  },
});

const section = (title, ...children) => {
  const id = uid('sec');
  return h('section', { class: 'panel profile-section', 'aria-labelledby': id }, h('h2', { id }, title), ...children);
};

function stats(p) {
  return h('ul', { class: 'profile-stats', 'aria-label': t('profile.stats') },
    h('li', null, t('profile.connections', { count: p.connections_count })),
    h('li', null, t('profile.followers', { count: p.followers_count })),
    h('li', null, t('profile.following', { count: p.following_count })));
}

function distanceBadge(p) {
  const d = p.network ? p.network.distance : 0;
  return h('p', { class: ['distance', `distance-${d}`], dataset: { distance: d } }, t(`profile.distance${d}`));
}

const relationActions = (p, rel, onChange) => [connectActions(p, rel, { withMessage: true, onChange }), followButton(p, rel, { onChange })];

function head(p, self, rel, onChange) {
  const name = nameOf(p);
  const where = [p.department, p.location].filter(Boolean).join(' · ');
  const photo = avatar(p, 112);
  photo.setAttribute('alt', t('profile.photo', { name }));
  photo.removeAttribute('loading');
  photo.classList.add('profile-photo');
  const actions = self
    ? [h('a', { href: '/profile/edit', class: 'btn btn-primary' }, t('profile.edit')), h('a', { href: '/settings', class: 'btn' }, t('profile.settings'))]
    : relationActions(p, rel, onChange);
  return h('section', { class: 'panel profile-head' },
    photo,
    h('div', { class: 'profile-id' },
      h('h1', null, name),
      h('p', { class: 'profile-handle muted' }, `@${p.username}`),
      p.title ? h('p', { class: 'profile-title' }, p.title) : null,
      where ? h('p', { class: 'profile-where' }, where) : null,
      distanceBadge(p)),
    h('div', { class: 'profile-stats-box' }, stats(p)),
    h('div', { class: 'profile-actions', role: 'group', 'aria-label': t('profile.actions') }, actions));
}

function details(p) {
  const out = [];
  const contact = [];
  if (p.email) contact.push(h('dt', null, t('profile.email')), h('dd', null, h('a', { href: `mailto:${p.email}`, rel: 'external' }, p.email)));
  if (p.phone) contact.push(h('dt', null, t('profile.phone')), h('dd', null, h('a', { href: `tel:${p.phone.replace(/[^\d+]/g, '')}`, rel: 'external' }, p.phone)));
  if (p.location) contact.push(h('dt', null, t('profile.location')), h('dd', null, p.location));
  if (contact.length) out.push(section(t('profile.contact'), h('dl', { class: 'contact' }, contact)));
  if (p.about) {
    out.push(section(t('profile.about'), h('div', { class: 'about' },
      p.about.split(/\n{2,}/).map((para) => h('p', null, para.split('\n').flatMap((line, i) => (i ? [h('br'), line] : [line])))))));
  }
  if (p.projects && p.projects.length) out.push(section(t('profile.projects'), h('ul', { class: 'projects' }, p.projects.map((x) => h('li', null, x)))));
  if (p.expertise && p.expertise.length) {
    out.push(section(t('profile.expertise'), h('ul', { class: 'chips' }, p.expertise.map((tag) =>
      h('li', null, h('a', { href: `/tags/${encodeURIComponent(tag)}`, class: 'chip', title: t('profile.tag', { tag }) }, `#${tag}`))))));
  }
  if (p.languages && p.languages.length) out.push(section(t('profile.languages'), h('ul', { class: 'chips' }, p.languages.map((x) => h('li', { class: 'chip' }, x)))));
  return out;
}

function connects(p) {
  const n = p.network;
  const name = nameOf(p);
  if (!n || n.distance === 0) return null;
  let body;
  if (n.distance === 1) body = h('p', null, t('profile.direct', { name }));
  else if (n.common_count > 0) {
    body = [h('p', null, t('profile.common', { count: n.common_count, name })),
      h('ul', { class: 'people people-compact' }, n.common.map((a) => personRow(a, { size: 40 })))];
  } else body = h('p', { class: 'muted' }, t('profile.nocommon', { name }));
  const s = section(t('profile.connects'), body);
  s.classList.add('profile-connects');
  return s;
}

// People in a list, the first few only until "Show all N" is pressed.
const SHORT = 6;
function shortList(items, moreKey) {
  const ul = h('ul', { class: 'people people-compact' }, items.slice(0, SHORT).map((a) => personRow(a, { size: 40 })));
  if (items.length <= SHORT) return ul;
  const more = h('button', { type: 'button', class: 'btn btn-small show-all' }, t(moreKey, { count: items.length }));
  more.addEventListener('click', () => {
    const rest = items.slice(SHORT).map((a) => personRow(a, { size: 40 }));
    ul.append(...rest);
    more.remove();
    rest[0].querySelector('a').focus();
  });
  return h('div', null, ul, more);
}

function orgChart(p) {
  const chain = [...p.org.managers].reverse();
  const me = h('li', { class: 'org-self', 'aria-current': 'true' },
    avatar(p, 40), h('span', null, h('span', { class: 'org-name' }, nameOf(p)), h('span', { class: 'muted' }, t('profile.here'))));
  const list = (items, none, moreKey) => (items.length ? shortList(items, moreKey) : h('p', { class: 'muted' }, none));
  const chainId = uid('chain'), peersId = uid('peers'), reportsId = uid('reports');
  const s = section(t('profile.org'),
    h('h3', { id: chainId }, t('profile.chain')),
    chain.length ? null : h('p', { class: 'muted' }, t('profile.top', { name: nameOf(p) })),
    h('ol', { class: 'org-chain', 'aria-labelledby': chainId },
      chain.map((a) => h('li', null, avatar(a, 40), h('span', null,
        h('a', { href: profilePath(a), class: 'person-name' }, nameOf(a)),
        a.title ? h('span', { class: 'person-role' }, a.title) : null))),
      me),
    h('h3', { id: peersId }, `${t('profile.peers')} (${formatNumber(p.org.peers.length)})`),
    list(p.org.peers, t('profile.nopeers'), 'profile.allPeers'),
    h('h3', { id: reportsId }, `${t('profile.reports')} (${formatNumber(p.org.reports.length)})`),
    list(p.org.reports, t('profile.noreports'), 'profile.allReports'));
  s.classList.add('org-chart');
  return s;
}

// A post on someone's board: POST /api/v1/statuses with board_id. A refused
// post keeps its text and shows the server's message.
function boardForm(p, onPosted) {
  const name = nameOf(p);
  const textId = uid('board'), audId = uid('aud'), errId = uid('err');
  const text = h('textarea', { id: textId, name: 'status', rows: 3, 'aria-describedby': errId });
  const aud = h('select', { id: audId, name: 'visibility' },
    ['public', 'network', 'connections'].map((v) => h('option', { value: v }, t(`profile.aud.${v}`))));
  const error = h('p', { id: errId, class: 'form-error', role: 'alert', hidden: true, tabindex: '-1' });
  const button = h('button', { type: 'submit', class: 'btn btn-primary' }, t('profile.boardSend'));
  let key = null, last = null;
  const form = h('form', { class: 'form board-form', novalidate: true },
    h('div', { class: 'field' }, h('label', { for: textId }, t('profile.boardText', { name })), text),
    error,
    h('div', { class: 'row' }, h('label', { for: audId, class: 'label' }, t('profile.audience')), aud, h('span', { class: 'spacer' }), button));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (button.disabled) return;
    error.hidden = true;
    if (!text.value.trim()) { error.textContent = t('profile.boardEmpty'); error.hidden = false; text.focus(); return; }
    const body = { status: text.value, visibility: aud.value, board_id: p.id };
    const sig = JSON.stringify(body);
    if (sig !== last) { key = crypto.randomUUID(); last = sig; }
    button.disabled = true;
    button.textContent = t('profile.boardPosting');
    try {
      const { data } = await api('POST', '/api/v1/statuses', { json: body, headers: { 'Idempotency-Key': key } });
      text.value = '';
      last = null;
      announce(t('profile.boardPosted', { name }));
      onPosted(data);
    } catch (err) {
      error.textContent = err.message;
      error.hidden = false;
      error.focus();
    } finally {
      button.disabled = false;
      button.textContent = t('profile.boardSend');
    }
  });
  return section(t('profile.board', { name }), form);
}

async function renderProfile({ main, signal }, acct) {
  const self = !!session.account && session.account.id === acct.id;
  const [p, rel] = await Promise.all([
    get(`/api/moka/v1/profiles/${acct.id}`, { signal }),
    self ? null : relationshipOf(acct.id, signal),
  ]);
  if (signal.aborted) return;
  document.title = `${nameOf(p)} · Moka`;

  const changed = () => refresh(false);
  const headEl = head(p, self, rel, changed);
  let connectsEl = connects(p);
  // After a connect / follow change: new counts, distance and "who connects
  // us"; after one made elsewhere (live), the actions too.
  async function refresh(actions) {
    let fresh, r;
    try {
      [fresh, r] = await Promise.all([get(`/api/moka/v1/profiles/${p.id}`, { signal }), actions ? relationshipOf(p.id, signal) : null]);
    } catch { return; }
    if (signal.aborted) return;
    replace(headEl.querySelector('.profile-stats-box'), stats(fresh));
    headEl.querySelector('.distance').replaceWith(distanceBadge(fresh));
    const c = connects(fresh);
    if (connectsEl && c) { connectsEl.replaceWith(c); connectsEl = c; }
    if (r) {
      const box = headEl.querySelector('.profile-actions');
      const hadFocus = box.contains(document.activeElement);
      replace(box, relationActions(p, r, changed));
      if (hadFocus) { const b = box.querySelector('button'); if (b) b.focus(); }
    }
  }
  // Their answer to an invitation, their invitation or follow, as it happens.
  if (!self) {
    live.on('notification', (n) => {
      if (n.account && n.account.id === p.id && ['follow_request', 'moka.connection_accepted', 'follow'].includes(n.type)) refresh(true);
    }, signal);
  }

  const isHere = (s) => s.account.id === p.id || (s.moka && s.moka.board_owner_id === p.id);
  const wall = stream({
    path: `/api/v1/accounts/${p.id}/statuses`, signal, live: isHere,
    label: t('profile.wall'), empty: t('profile.wallEmpty'),
  });
  const wallId = uid('wall');
  // Wide screens: the head across, then the details, board and wall beside
  // the connections and org chart (before the endless wall in tab order).
  append(main, h('div', { class: 'profile' },
    headEl,
    h('aside', { class: 'profile-side', 'aria-label': t('profile.side') }, connectsEl, orgChart(p)),
    h('div', { class: 'profile-body' },
      ...details(p),
      self ? null : boardForm(p, (s) => wall.prepend(s)),
      h('section', { class: 'profile-wall', 'aria-labelledby': wallId }, h('h2', { id: wallId }, t('profile.wall')), wall.el))));
  await wall.ready;
}
