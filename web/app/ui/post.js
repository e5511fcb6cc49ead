// A post card: author, time (relative, localized, a link into the thread),
// audience, question tag (open / answered; "accepted answer" on answers,
// highlighted), content (the server's sanitized HTML through
// richContent), and reply / repost / like with counts. Likes and reposts are
// optimistic, then set from the server's answer (or undone on error).
//
//   postCard(status, { focus: false, onReply })  → <article>
//
// Every card on screen is kept up to date from live events: an edit
// (status.update), a like or repost of one's own post (the notification
// carries the post with its counts), a new reply (the parent is fetched
// again: the server counts only replies the viewer may see), a deletion.
import { h, replace, richContent, announce } from '../dom.js';
import { t, addStrings, formatRelative, formatDate, formatNumber } from '../i18n.js';
import { get, post } from '../api.js';
import { navigate } from '../router.js';
import * as live from '../live.js';
import { mediaList } from './attachments.js';

addStrings({
  en: {
    'post.public': 'Company', 'post.network': 'My network', 'post.connections': 'My connections',
    'post.direct': 'Only people mentioned', 'post.unlisted': 'Unlisted', 'post.private': 'Followers', 'post.community': 'Community',
    'post.audience': 'Audience: {name}', 'post.question': 'Question', 'post.reposted': '{name} reposted',
    'post.reply': 'Reply', 'post.repost': 'Repost', 'post.like': 'Like',
    'post.replies': { one: '{count} reply', other: '{count} replies' },
    'post.reposts': { one: '{count} repost', other: '{count} reposts' },
    'post.likes': { one: '{count} like', other: '{count} likes' },
    'post.deleted': 'This post was deleted.', 'post.edited': 'edited', 'post.by': 'Post by {name}',
    'post.open': 'Open question', 'post.answered': 'Answered', 'post.accepted': 'Accepted answer',
  },
  fr: {
    'post.public': 'Entreprise', 'post.network': 'Mon réseau', 'post.connections': 'Mes relations',
    'post.direct': 'Personnes mentionnées', 'post.unlisted': 'Non listé', 'post.private': 'Abonnés', 'post.community': 'Communauté',
    'post.audience': 'Audience : {name}', 'post.question': 'Question', 'post.reposted': '{name} a republié',
    'post.reply': 'Répondre', 'post.repost': 'Republier', 'post.like': "J'aime",
    'post.replies': { one: '{count} réponse', other: '{count} réponses' },
    'post.reposts': { one: '{count} republication', other: '{count} republications' },
    'post.likes': { one: '{count} mention J’aime', other: '{count} mentions J’aime' },
    'post.deleted': 'Cette publication a été supprimée.', 'post.edited': 'modifié', 'post.by': 'Publication de {name}',
    'post.open': 'Question ouverte', 'post.answered': 'Résolue', 'post.accepted': 'Réponse acceptée',
  },
});

// Hashtags seen in posts on screen, newest first: the composer suggests them.
export const recentTags = [];
function noteTags(status) {
  for (const tag of status.tags || []) {
    const i = recentTags.indexOf(tag.name);
    if (i >= 0) recentTags.splice(i, 1);
    recentTags.unshift(tag.name);
  }
  if (recentTags.length > 200) recentTags.length = 200;
}

export const audienceOf = (s) => (s.moka && s.moka.visibility) || s.visibility;
export const threadPath = (s) => `/@${s.account.username}/${s.id}`;
export const displayName = (a) => a.display_name || a.username;

const SVG = 'http://www.w3.org/2000/svg';
const ICONS = {
  reply: 'M4 12l7-7v4c6 0 9 3 9 10-2-4-5-5-9-5v4z',
  repost: 'M7 7h10l-3-3M17 17H7l3 3M17 7v6M7 17v-6',
  like: 'M12 20s-7-4.5-7-10a4 4 0 0 1 7-2.6A4 4 0 0 1 19 10c0 5.5-7 10-7 10z',
};
function icon(name) {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('aria-hidden', 'true');
  const path = document.createElementNS(SVG, 'path');
  path.setAttribute('d', ICONS[name]);
  path.setAttribute('stroke-linecap', 'round');
  path.setAttribute('stroke-linejoin', 'round');
  svg.append(path);
  return svg;
}

// Cards on screen by the id of the post they show (a repost shows its original).
const cards = new Map();
function track(id, el) {
  if (!cards.has(id)) cards.set(id, new Set());
  cards.get(id).add(el);
}
function cardsOf(id) {
  const set = cards.get(id);
  if (!set) return [];
  for (const el of set) if (!el.isConnected && !el._pending) set.delete(el);
  if (!set.size) cards.delete(id);
  return [...set];
}

function actionButton(kind, label, pressed, count, onclick) {
  const n = h('span', { class: 'count' });
  const b = h('button', { type: 'button', class: `action action-${kind}`, onclick, dataset: { action: kind } }, icon(kind), n);
  if (pressed !== null) b.setAttribute('aria-pressed', String(pressed));
  setCount(b, kind, label, count);
  return b;
}
function setCount(b, kind, label, count) {
  b.querySelector('.count').textContent = count ? formatNumber(count) : '';
  const plural = { reply: 'post.replies', repost: 'post.reposts', like: 'post.likes' }[kind];
  b.setAttribute('aria-label', `${label} (${t(plural, { count })})`);
  b.dataset.count = String(count);
}

// The card's inner parts for a status (the original, for a repost).
function fill(el, s) {
  el._status = s;
  const head = el.querySelector('.post-head'), body = el.querySelector('.post-content'), actions = el.querySelector('.post-actions');
  const aud = audienceOf(s);
  replace(head,
    h('a', { href: `/@${s.account.username}`, class: 'post-author', id: `${el.id}-author` }, displayName(s.account)),
    h('span', { class: 'post-meta' }, `@${s.account.username}`),
    h('span', { class: 'post-meta' }, '·'),
    h('a', { href: threadPath(s), class: 'post-meta post-time' },
      h('time', { datetime: s.created_at }, formatRelative(s.created_at))),
    s.edited_at ? h('span', { class: 'post-meta' }, `(${t('post.edited')})`) : null,
    h(s.moka && s.moka.community_id ? 'a' : 'span', {
      class: 'post-tag post-audience', title: t('post.audience', { name: t(`post.${aud}`) }),
      href: s.moka && s.moka.community_id ? `/communities/${s.moka.community_id}` : null, // a community post leads to it
    }, h('span', { class: 'visually-hidden' }, t('post.audience', { name: '' })), t(`post.${aud}`)),
    questionTag(s),
    s.moka && s.moka.accepted_answer ? h('span', { class: 'post-tag post-accepted' }, t('post.accepted')) : null);
  el.classList.toggle('is-accepted', !!(s.moka && s.moka.accepted_answer));
  replace(body, richContent(s.content), mediaList(s));
  replace(actions,
    actionButton('reply', t('post.reply'), null, s.replies_count, () => el._onReply(s)),
    actionButton('repost', t('post.repost'), !!s.reblogged, s.reblogs_count, () => toggle(s.id, 'repost')),
    actionButton('like', t('post.like'), !!s.favourited, s.favourites_count, () => toggle(s.id, 'like')),
    el._extraAction ? el._extraAction(s) : null);
  noteTags(s);
}

// A question's tag: open or answered (as the viewer sees it).
function questionTag(s) {
  if (!s.moka || !s.moka.question) return null;
  const state = s.moka.question_state;
  if (!state) return h('span', { class: 'post-tag post-question' }, t('post.question'));
  return h('span', { class: ['post-tag', 'post-question', `is-${state}`], dataset: { state } },
    t(state === 'answered' ? 'post.answered' : 'post.open'));
}

// Applies a fresher copy of a post to every card showing it.
export function updatePost(s) {
  if (s.reblog) s = s.reblog;
  for (const el of cardsOf(s.id)) {
    const mine = el._status;
    // Counts and content come from the server; the viewer's own flags only
    // when the copy was rendered for the viewer (a notification's is).
    fill(el, { ...mine, ...s, favourited: s.favourited ?? mine.favourited, reblogged: s.reblogged ?? mine.reblogged });
  }
}

const refetching = new Map();
// Fetches a post again (after a reply to it arrived) if it is on screen.
export function refreshPost(id) {
  if (!cardsOf(id).length || refetching.has(id)) return;
  const p = get(`/api/v1/statuses/${id}`).then(updatePost, () => {}).finally(() => refetching.delete(id));
  refetching.set(id, p);
}

async function toggle(id, kind) {
  const [first] = cardsOf(id);
  if (!first) return;
  const s = first._status;
  const on = kind === 'like' ? !s.favourited : !s.reblogged;
  const optimistic = kind === 'like'
    ? { ...s, favourited: on, favourites_count: Math.max(0, s.favourites_count + (on ? 1 : -1)) }
    : { ...s, reblogged: on, reblogs_count: Math.max(0, s.reblogs_count + (on ? 1 : -1)) };
  updatePost(optimistic);
  const verb = kind === 'like' ? (on ? 'favourite' : 'unfavourite') : (on ? 'reblog' : 'unreblog');
  try {
    updatePost(await post(`/api/v1/statuses/${id}/${verb}`));
  } catch (e) {
    updatePost(s);
    announce(e.message);
  }
}

export function markDeleted(id) {
  for (const el of cardsOf(id)) {
    el.classList.add('is-deleted');
    replace(el.querySelector('.post-content'), h('p', { class: 'muted' }, t('post.deleted')));
    el.querySelector('.post-actions').replaceChildren();
  }
}

let seq = 0;
// extraAction(status) → an element added after the card's actions (e.g. the
// thread's Accept button on answers), drawn again whenever the card is.
export function postCard(status, { focus = false, onReply, extraAction } = {}) {
  const s = status.reblog || status;
  const el = h('article', { class: ['post', focus && 'is-focus'], id: `post-${++seq}`, dataset: { id: s.id } });
  el.setAttribute('aria-labelledby', `${el.id}-author`);
  el._onReply = onReply || ((st) => navigate(`${threadPath(st)}#reply`));
  el._extraAction = extraAction;
  if (status.reblog) el.append(h('p', { class: 'post-reblogged' }, t('post.reposted', { name: displayName(status.account) })));
  el.append(
    h('a', { href: `/@${s.account.username}`, tabindex: '-1', 'aria-hidden': 'true' },
      h('img', { class: 'avatar', src: s.account.avatar_static || s.account.avatar, alt: '', width: 48, height: 48, loading: 'lazy', decoding: 'async' })),
    h('div', { class: 'post-main' }, h('div', { class: 'post-head' }), h('div', { class: 'post-content' })),
    h('div', { class: 'post-actions' }));
  fill(el, s);
  track(s.id, el);
  // A click on the card's free space opens the thread (links and buttons keep theirs).
  if (!focus) {
    el.addEventListener('click', (e) => {
      if (e.target.closest('a, button, input, textarea, select') || getSelection().toString()) return;
      navigate(threadPath(el._status));
    });
  }
  return el;
}

// The full date shows on hover or focus (set then: formatting every card's
// date up front would cost more than the whole stream).
function dateTitle(e) {
  const time = e.target.closest && e.target.closest('.post-time');
  const el = time && time.querySelector('time');
  if (el && !el.title) el.title = formatDate(el.dateTime);
}
document.addEventListener('pointerover', dateTitle);
document.addEventListener('focusin', dateTitle);

// Relative times ("3 min ago") move on with the clock.
setInterval(() => {
  for (const el of document.querySelectorAll('.post-time time')) el.textContent = formatRelative(el.dateTime);
}, 60000);

live.on('status.update', updatePost);
live.on('delete', markDeleted);
live.on('update', (s) => { if (s.in_reply_to_id) refreshPost(s.in_reply_to_id); });
live.on('notification', (n) => {
  if (!n.status) return;
  if (n.type === 'favourite' || n.type === 'reblog' || n.type === 'update') updatePost(n.status);
  if (n.status.in_reply_to_id) refreshPost(n.status.in_reply_to_id);
});
