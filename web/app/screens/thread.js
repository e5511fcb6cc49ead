// A post's thread (/@username/ID, /statuses/ID): what it answers (oldest
// first), the post, its replies (depth first, indented), and a reply box.
// Replies arriving live are added in place.
import { h, append, announce } from '../dom.js';
import { route } from '../router.js';
import { t, addStrings } from '../i18n.js';
import { get } from '../api.js';
import * as live from '../live.js';
import { postCard, displayName } from '../ui/post.js';
import { composer } from '../ui/composer.js';

addStrings({
  en: { 'thread.title': 'Post by {name}', 'thread.replies': 'Replies', 'thread.context': 'Earlier in the thread', 'thread.noreplies': 'No replies yet.' },
  fr: { 'thread.title': 'Publication de {name}', 'thread.replies': 'Réponses', 'thread.context': 'Plus tôt dans la discussion', 'thread.noreplies': 'Pas encore de réponse.' },
});

route('/@:username/:id(\\d+)', { render: renderThread });
route('/statuses/:id(\\d+)', { render: renderThread });

async function renderThread({ main, params, signal }) {
  const [status, context] = await Promise.all([
    get(`/api/v1/statuses/${params.id}`, { signal }),
    get(`/api/v1/statuses/${params.id}/context`, { signal }),
  ]);
  const focus = status.reblog || status;
  document.title = `${t('thread.title', { name: displayName(focus.account) })} · Moka`;
  const depth = new Map([[focus.id, 0]]);
  const shown = new Set([focus.id]);
  const replies = h('div', { class: 'thread-replies-list', role: 'feed', 'aria-label': t('thread.replies') });
  const none = h('p', { class: 'muted' }, t('thread.noreplies'));

  function addReply(s) {
    if (shown.has(s.id)) return;
    shown.add(s.id);
    const d = Math.min((depth.get(s.in_reply_to_id) ?? 0) + 1, 6);
    depth.set(s.id, d);
    const card = postCard(s);
    card.style.marginInlineStart = `${(d - 1) * 16}px`;
    // After its parent's subtree, so the order stays depth first.
    let after = null;
    for (const el of replies.children) {
      const id = el.dataset.id;
      if (id === s.in_reply_to_id || (after && depth.get(id) >= d)) after = el;
      else if (after) break;
    }
    if (after) after.after(card); else replies.append(card);
    none.hidden = true;
    return card;
  }

  const box = composer({
    inReplyTo: focus, signal,
    onPosted(reply) { const c = addReply(reply); if (c) c.classList.add('is-new'); announce(t('composer.posted')); },
  });
  box.id = 'reply';
  const main_ = postCard(focus, { focus: true, onReply: () => box.querySelector('textarea').focus() });

  append(main,
    context.ancestors.length ? h('section', { 'aria-label': t('thread.context') }, context.ancestors.map((s) => postCard(s))) : null,
    h('h1', { class: 'visually-hidden' }, t('thread.title', { name: displayName(focus.account) })),
    main_, box,
    h('h2', { class: 'thread-heading' }, t('thread.replies')), replies, none);
  for (const s of context.descendants) addReply(s);
  none.hidden = context.descendants.length > 0;

  const arrived = (s) => { if (s && s.in_reply_to_id && shown.has(s.in_reply_to_id)) addReply(s); };
  live.on('update', arrived, signal);
  live.on('notification', (n) => arrived(n.status), signal);
  if (location.hash === '#reply') requestAnimationFrame(() => box.querySelector('textarea').focus());
}
