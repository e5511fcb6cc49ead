// A post's thread (/@username/ID, /statuses/ID): what it answers (oldest
// first), the post, its replies (depth first, indented), and a reply box.
// Replies arriving live are added in place. On a question, the answers come
// as the server orders them (accepted first, then by likes), the accepted
// ones highlighted; the asker (or an owner of the question's community)
// gets Accept / Accepted on each answer, and
// the list is redrawn when the accepted answers change (here or live).
import { h, append, announce } from '../dom.js';
import { route } from '../router.js';
import { t, addStrings } from '../i18n.js';
import { get, post, del } from '../api.js';
import { session } from '../session.js';
import * as live from '../live.js';
import { postCard, displayName } from '../ui/post.js';
import { composer } from '../ui/composer.js';

addStrings({
  en: {
    'thread.title': 'Post by {name}', 'thread.replies': 'Replies', 'thread.context': 'Earlier in the thread', 'thread.noreplies': 'No replies yet.',
    'thread.answers': 'Answers', 'thread.noanswers': 'No answers yet.', 'thread.accept': 'Accept this answer', 'thread.accepted': 'Accepted',
    'thread.unaccept': 'Accepted: select to take back', 'thread.didAccept': 'Answer accepted', 'thread.didUnaccept': 'Answer no longer accepted',
  },
  fr: {
    'thread.title': 'Publication de {name}', 'thread.replies': 'Réponses', 'thread.context': 'Plus tôt dans la discussion', 'thread.noreplies': 'Pas encore de réponse.',
    'thread.answers': 'Réponses', 'thread.noanswers': 'Pas encore de réponse.', 'thread.accept': 'Accepter cette réponse', 'thread.accepted': 'Acceptée',
    'thread.unaccept': 'Acceptée : choisir pour annuler', 'thread.didAccept': 'Réponse acceptée', 'thread.didUnaccept': "Réponse n'est plus acceptée",
  },
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
  const question = focus.moka && focus.moka.question_state ? focus : null;
  // the asker accepts answers — and so do the owners of a question's community
  let asker = question && session.account && question.account.id === session.account.id;
  if (question && !asker && question.moka.community_id) {
    try {
      const c = await get(`/api/moka/v1/communities/${question.moka.community_id}`, { signal });
      asker = c.role === 'owner';
    } catch { /* not an owner's to accept */ }
  }
  let accepted = question ? question.moka.accepted_answer_ids.join() : '';

  // The asker's Accept / Accepted toggle on a direct answer.
  function acceptButton(s) {
    if (!asker || s.in_reply_to_id !== question.id) return null;
    const on = !!(s.moka && s.moka.accepted_answer);
    return h('button', {
      type: 'button', class: ['btn', 'accept-answer', on && 'is-on'], 'aria-pressed': String(on),
      'aria-label': t(on ? 'thread.unaccept' : 'thread.accept'),
      onclick: async (e) => {
        e.currentTarget.disabled = true;
        try {
          const path = `/api/moka/v1/questions/${question.id}/accept`;
          const q = on ? await del(path, { json: { answer_id: s.id } }) : await post(path, { answer_id: s.id });
          announce(t(on ? 'thread.didUnaccept' : 'thread.didAccept'));
          await redraw(q, s.id);
        } catch (err) {
          announce(err.message);
          e.currentTarget.disabled = false;
        }
      },
    }, t(on ? 'thread.accepted' : 'thread.accept'));
  }
  const replies = h('div', { class: 'thread-replies-list', role: 'feed', 'aria-label': t('thread.replies') });
  const none = h('p', { class: 'muted' }, t(question ? 'thread.noanswers' : 'thread.noreplies'));

  function addReply(s) {
    if (shown.has(s.id)) return;
    shown.add(s.id);
    const d = Math.min((depth.get(s.in_reply_to_id) ?? 0) + 1, 6);
    depth.set(s.id, d);
    const card = postCard(s, { extraAction: question ? acceptButton : undefined });
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
    h('h2', { class: 'thread-heading' }, t(question ? 'thread.answers' : 'thread.replies')), replies, none);
  for (const s of context.descendants) addReply(s);
  none.hidden = context.descendants.length > 0;

  // The accepted answers changed: the answers again, in the server's order
  // (focus kept on the answer acted on).
  async function redraw(q, keep) {
    accepted = q.moka.accepted_answer_ids.join();
    const fresh = await get(`/api/v1/statuses/${question.id}/context`, { signal });
    replies.replaceChildren();
    shown.clear();
    shown.add(focus.id);
    for (const s of fresh.descendants) addReply(s);
    const el = keep && replies.querySelector(`.post[data-id="${CSS.escape(keep)}"] .accept-answer`);
    if (el) el.focus();
  }
  if (question) {
    live.on('status.update', (s) => {
      if (s.id === question.id && s.moka && s.moka.accepted_answer_ids.join() !== accepted) redraw(s).catch(() => {});
    }, signal);
  }

  const arrived = (s) => { if (s && s.in_reply_to_id && shown.has(s.in_reply_to_id)) addReply(s); };
  live.on('update', arrived, signal);
  live.on('notification', (n) => arrived(n.status), signal);
  if (location.hash === '#reply') requestAnimationFrame(() => box.querySelector('textarea').focus());
}
