// The post box: text with @mention and #hashtag suggestions, the audience
// (Company / My network / My connections / Only people mentioned → public /
// network / connections / direct), "this is a question", a character
// counter, and Post (also Ctrl+Enter). A refused post keeps everything typed
// and shows the server's message. In a community (or replying to one of its
// posts) the audience is the community's, shown instead of the choice.
//
//   composer({ inReplyTo: status | null, community: Community | null, onPosted(status), signal, label })  → <form>
import { h, replace, uid } from '../dom.js';
import { t, addStrings } from '../i18n.js';
import { session } from '../session.js';
import { get, api } from '../api.js';
import { audienceOf, recentTags } from './post.js';
import { expertsPanel } from './experts.js';
import { attachPicker } from './attachments.js';

addStrings({
  en: {
    'composer.label': 'Write a post', 'composer.reply': 'Write a reply', 'composer.placeholder': 'Share something with your colleagues…',
    'composer.audience': 'Audience', 'composer.question': 'This is a question', 'composer.post': 'Post',
    'composer.send': 'Reply', 'composer.posting': 'Posting…', 'composer.left': { one: '{count} character left', other: '{count} characters left' },
    'composer.over': { one: '{count} character too many', other: '{count} characters too many' },
    'composer.posted': 'Posted.', 'composer.suggestions': 'Suggestions', 'composer.empty': 'Write something first.',
    'audience.public': 'Company', 'audience.network': 'My network', 'audience.connections': 'My connections', 'audience.direct': 'Only people mentioned',
    'audience.community': 'Audience: the community {name}', 'audience.thisCommunity': 'Audience: this community',
  },
  fr: {
    'composer.label': 'Écrire une publication', 'composer.reply': 'Écrire une réponse', 'composer.placeholder': 'Partagez quelque chose avec vos collègues…',
    'composer.audience': 'Audience', 'composer.question': "C'est une question", 'composer.post': 'Publier',
    'composer.send': 'Répondre', 'composer.posting': 'Publication…', 'composer.left': { one: '{count} caractère restant', other: '{count} caractères restants' },
    'composer.over': { one: '{count} caractère de trop', other: '{count} caractères de trop' },
    'composer.posted': 'Publié.', 'composer.suggestions': 'Suggestions', 'composer.empty': "Écrivez d'abord quelque chose.",
    'audience.public': 'Entreprise', 'audience.network': 'Mon réseau', 'audience.connections': 'Mes relations', 'audience.direct': 'Personnes mentionnées',
    'audience.community': 'Audience : la communauté {name}', 'audience.thisCommunity': 'Audience : cette communauté',
  },
});

const AUDIENCES = ['public', 'network', 'connections', 'direct'];
let maxChars = 5000;
let limitsLoaded = null;
function loadLimits() {
  limitsLoaded ||= get('/api/v2/instance').then((i) => {
    const n = i && i.configuration && i.configuration.statuses && i.configuration.statuses.max_characters;
    if (n) maxChars = n;
  }).catch(() => {});
  return limitsLoaded;
}

const TOKEN = /(^|[\s(])([@#])([\p{L}\p{N}_.-]*)$/u;

// Suggestions for the word being typed: people (@) or recent hashtags (#).
function autocomplete(textarea, signal) {
  const list = h('ul', { class: 'suggest-list', role: 'listbox', id: uid('suggest'), hidden: true, 'aria-label': t('composer.suggestions') });
  textarea.setAttribute('aria-autocomplete', 'list');
  textarea.setAttribute('aria-controls', list.id);
  textarea.setAttribute('aria-expanded', 'false');
  let options = [], active = 0, token = null, ctl = null, timer = null;

  const close = () => {
    list.hidden = true; options = []; token = null;
    textarea.setAttribute('aria-expanded', 'false');
    textarea.removeAttribute('aria-activedescendant');
  };
  const highlight = (i) => {
    active = i;
    options.forEach((o, j) => o.li.setAttribute('aria-selected', String(i === j)));
    if (options[i]) textarea.setAttribute('aria-activedescendant', options[i].li.id);
  };
  const show = (items) => {
    if (!items.length) { close(); return; }
    options = items.map((it) => ({ ...it, li: h('li', { role: 'option', id: uid('opt'), onmousedown: (e) => { e.preventDefault(); pick(it); } }, it.label) }));
    replace(list, options.map((o) => o.li));
    list.hidden = false;
    textarea.setAttribute('aria-expanded', 'true');
    highlight(0);
  };
  function pick(it) {
    const before = textarea.value.slice(0, textarea.selectionStart);
    const after = textarea.value.slice(textarea.selectionStart);
    const m = TOKEN.exec(before);
    if (!m) { close(); return; }
    const start = before.length - m[2].length - m[3].length;
    const insert = `${m[2]}${it.value} `;
    textarea.value = before.slice(0, start) + insert + after;
    const caret = start + insert.length;
    textarea.setSelectionRange(caret, caret);
    textarea.dispatchEvent(new Event('input'));
    close();
  }
  async function update() {
    const m = TOKEN.exec(textarea.value.slice(0, textarea.selectionStart));
    if (!m || (m[2] === '@' && !m[3])) { close(); return; }
    token = m[2] + m[3];
    if (m[2] === '#') {
      const q = m[3].toLowerCase();
      show(recentTags.filter((tag) => tag.startsWith(q) && tag !== q).slice(0, 6).map((tag) => ({ value: tag, label: `#${tag}` })));
      return;
    }
    if (ctl) ctl.abort();
    ctl = new AbortController();
    const mine = token;
    let accounts;
    try { accounts = await get('/api/v1/accounts/search', { query: { q: m[3], limit: 6 }, signal: ctl.signal }); } catch { return; }
    if (mine !== token) return;
    show(accounts.map((a) => ({ value: a.username, label: `${a.display_name || a.username} @${a.username}` })));
  }
  textarea.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(update, 120); }, { signal });
  textarea.addEventListener('keydown', (e) => {
    if (list.hidden) return;
    if (e.key === 'ArrowDown') { e.preventDefault(); highlight((active + 1) % options.length); }
    else if (e.key === 'ArrowUp') { e.preventDefault(); highlight((active - 1 + options.length) % options.length); }
    else if ((e.key === 'Enter' || e.key === 'Tab') && !e.ctrlKey && !e.metaKey && options[active]) { e.preventDefault(); pick(options[active]); }
    else if (e.key === 'Escape') { e.preventDefault(); e.stopPropagation(); close(); }
  }, { signal });
  textarea.addEventListener('blur', () => setTimeout(close, 150), { signal });
  return list;
}

export function composer({ inReplyTo = null, community = null, onPosted, signal, label } = {}) {
  const inCommunity = community || (inReplyTo && inReplyTo.moka && inReplyTo.moka.community_id);
  loadLimits().then(() => count());
  const areaId = uid('text'), errId = uid('err'), countId = uid('count'), audId = uid('aud'), qId = uid('q');
  const textarea = h('textarea', {
    id: areaId, name: 'status', rows: inReplyTo ? 3 : 4, placeholder: t('composer.placeholder'),
    'aria-describedby': `${countId} ${errId}`,
  });
  const prefill = () => (inReplyTo && inReplyTo.account && session.account && inReplyTo.account.id !== session.account.id
    ? `@${inReplyTo.account.username} ` : '');
  textarea.value = prefill();
  const audience = h('select', { id: audId, name: 'visibility' },
    AUDIENCES.map((a) => h('option', { value: a }, t(`audience.${a}`))));
  audience.value = inReplyTo ? (AUDIENCES.includes(audienceOf(inReplyTo)) ? audienceOf(inReplyTo) : 'direct') : 'public';
  const question = h('input', { type: 'checkbox', id: qId, name: 'question' });
  const counter = h('span', { id: countId, class: 'counter', 'aria-live': 'off' });
  const error = h('p', { id: errId, class: 'form-error', role: 'alert', hidden: true });
  const button = h('button', { type: 'submit', class: 'btn btn-primary' }, inReplyTo ? t('composer.send') : t('composer.post'));
  const suggest = autocomplete(textarea, signal);
  const experts = inReplyTo ? null : expertsPanel({ textarea, question, signal }); // who could answer a question
  const attach = inReplyTo ? null : attachPicker({ signal }); // images, through /api/v2/media

  function count() {
    const left = maxChars - [...textarea.value].length;
    counter.textContent = left >= 0 ? t('composer.left', { count: left }) : t('composer.over', { count: -left });
    counter.classList.toggle('over', left < 0);
    counter.dataset.left = String(left);
  }
  textarea.addEventListener('input', count, { signal });
  count();

  let idempotency = null, lastBody = null;
  async function submit(e) {
    e.preventDefault();
    if (button.disabled || (attach && attach.busy())) return;
    error.hidden = true;
    if (!textarea.value.trim() && !(attach && attach.ids().length)) {
      error.textContent = t('composer.empty');
      error.hidden = false;
      textarea.focus();
      return;
    }
    const body = { status: textarea.value, visibility: inCommunity ? 'community' : audience.value };
    if (community) body.community_id = community.id;
    if (question.checked) body.question = true;
    if (inReplyTo) body.in_reply_to_id = inReplyTo.id;
    if (attach && attach.ids().length) body.media_ids = attach.ids();
    const key = JSON.stringify(body);
    if (key !== lastBody) { idempotency = crypto.randomUUID(); lastBody = key; }
    button.disabled = true;
    button.textContent = t('composer.posting');
    try {
      const { data } = await api('POST', '/api/v1/statuses', { json: body, headers: { 'Idempotency-Key': idempotency } });
      textarea.value = prefill();
      question.checked = false;
      if (attach) attach.clear();
      lastBody = null;
      count();
      if (onPosted) onPosted(data);
      if (experts && body.question) experts.askFor(data).catch(() => {});
    } catch (err) {
      if (err.name === 'AbortError') return;
      error.textContent = err.message;
      error.hidden = false;
      textarea.focus();
    } finally {
      button.disabled = false;
      button.textContent = inReplyTo ? t('composer.send') : t('composer.post');
    }
  }
  textarea.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) submit(e);
  }, { signal });

  return h('form', { class: 'panel composer form', novalidate: true, onsubmit: submit },
    h('div', { class: 'field suggest' },
      h('label', { for: areaId }, label || (inReplyTo ? t('composer.reply') : t('composer.label'))), textarea, suggest),
    error,
    attach && attach.el,
    h('div', { class: 'composer-row' },
      inCommunity ? h('span', { class: 'label composer-community' }, community ? t('audience.community', { name: community.name }) : t('audience.thisCommunity'))
        : [h('label', { for: audId, class: 'label' }, t('composer.audience')), audience],
      h('span', { class: 'switch' }, question, h('label', { for: qId }, t('composer.question')))),
    h('div', { class: 'composer-row' }, counter, h('span', { class: 'spacer' }), button),
    experts && experts.el);
}
