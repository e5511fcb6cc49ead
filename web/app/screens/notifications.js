// Notifications (/notifications): newest first with infinite scroll; each
// says what happened and links to the thing (the post's thread, the person,
// the invitations). New ones arrive live at the top. Opening the page marks
// them read (the `notifications` marker) and clears the header badge.
import { h, append, richContent } from '../dom.js';
import { route } from '../router.js';
import { t, addStrings, formatRelative, formatDate } from '../i18n.js';
import { api, post } from '../api.js';
import { session } from '../session.js';
import { setUnread } from '../header.js';
import * as live from '../live.js';
import { avatar, nameOf, profilePath } from '../ui/person.js';
import { threadPath } from '../ui/post.js';

addStrings({
  en: {
    'notif.title': 'Notifications', 'notif.list': 'Your notifications', 'notif.empty': 'No notifications yet.',
    'notif.loading': 'Loading…', 'notif.more': 'Load older notifications', 'notif.retry': 'Try again', 'notif.new': 'New',
    'notif.mention': '{name} mentioned you', 'notif.reply': '{name} replied to you', 'notif.favourite': '{name} liked your post',
    'notif.reblog': '{name} reposted your post', 'notif.follow': '{name} followed you',
    'notif.update': '{name} edited a post you reposted', 'notif.follow_request': '{name} invited you to connect',
    'notif.moka.connection_accepted': '{name} accepted your invitation', 'notif.moka.board_post': '{name} posted on your board',
    'notif.other': '{name} did something', 'notif.invitationGone': 'This invitation has been answered.',
    'notif.moka.community_invitation': '{name} invited you to the community {community}',
    'notif.moka.community_request': '{name} asks to join {community}', 'notif.moka.community_approved': '{name} let you into {community}',
    'notif.moka.community_topic': '{name} opened a topic in {community}',
    'notif.moka.answer': '{name} answered your question', 'notif.moka.answer_accepted': '{name} accepted your answer',
    'notif.moka.file_shared': '{name} shared the file {file} with you',
  },
  fr: {
    'notif.title': 'Notifications', 'notif.list': 'Vos notifications', 'notif.empty': 'Aucune notification pour le moment.',
    'notif.loading': 'Chargement…', 'notif.more': 'Charger les notifications plus anciennes', 'notif.retry': 'Réessayer', 'notif.new': 'Nouveau',
    'notif.mention': '{name} vous a mentionné', 'notif.reply': '{name} vous a répondu', 'notif.favourite': '{name} aime votre publication',
    'notif.reblog': '{name} a republié votre publication', 'notif.follow': '{name} vous suit',
    'notif.update': '{name} a modifié une publication que vous avez republiée', 'notif.follow_request': '{name} vous invite à vous connecter',
    'notif.moka.connection_accepted': '{name} a accepté votre invitation', 'notif.moka.board_post': '{name} a publié sur votre mur',
    'notif.other': '{name} a fait quelque chose', 'notif.invitationGone': 'Cette invitation a reçu une réponse.',
    'notif.moka.community_invitation': '{name} vous invite dans la communauté {community}',
    'notif.moka.community_request': '{name} demande à rejoindre {community}', 'notif.moka.community_approved': '{name} vous a accepté dans {community}',
    'notif.moka.community_topic': '{name} a ouvert un sujet dans {community}',
    'notif.moka.answer': '{name} a répondu à votre question', 'notif.moka.answer_accepted': '{name} a accepté votre réponse',
    'notif.moka.file_shared': '{name} a partagé le fichier {file} avec vous',
  },
});

const KNOWN = ['mention', 'favourite', 'reblog', 'follow', 'update', 'follow_request', 'moka.connection_accepted', 'moka.board_post',
  'moka.community_invitation', 'moka.community_request', 'moka.community_approved', 'moka.community_topic',
  'moka.answer', 'moka.answer_accepted', 'moka.file_shared'];
const community = (n) => (n.type.startsWith('moka.community_') && n.moka && n.moka.community_id ? n.moka : null);

function what(n) {
  const name = nameOf(n.account);
  if (n.type === 'mention' && n.status && n.status.in_reply_to_account_id === (session.account && session.account.id)) return t('notif.reply', { name });
  const c = community(n);
  const file = n.moka && n.moka.file ? n.moka.file.name : '';
  return t(KNOWN.includes(n.type) ? `notif.${n.type}` : 'notif.other', { name, community: c && c.community ? c.community.name : '', file });
}

// Where a notification leads.
function target(n) {
  if (n.type === 'follow_request' && n.moka && n.moka.invitation) return '/network';
  const c = community(n);
  if (c && n.type === 'moka.community_topic' && n.status) return `/communities/${c.community_id}/topics/${n.status.id}`;
  if (c) return `/communities/${c.community_id}${n.type === 'moka.community_request' ? '/members' : ''}`;
  // an answer (received or accepted) leads to its question's thread
  if (n.type.startsWith('moka.answer') && n.status && n.status.in_reply_to_id) return `/statuses/${n.status.in_reply_to_id}`;
  if (n.type === 'moka.file_shared') return '/files/shared';
  if (n.status) return threadPath(n.status.reblog || n.status);
  return profilePath(n.account);
}

function excerpt(status) {
  const s = status.reblog || status;
  const text = richContent(s.content).textContent.trim();
  return text.length > 200 ? `${text.slice(0, 199)}…` : text;
}

function item(n, fresh) {
  const s = n.status;
  const invitation = n.type === 'follow_request' && n.moka && 'invitation' in n.moka ? n.moka.invitation : undefined;
  return h('li', { class: ['notif', `notif-${n.type.replace('.', '-')}`, fresh && 'is-new'], dataset: { id: n.id, type: n.type } },
    avatar(n.account, 40),
    h('div', { class: 'notif-main' },
      h('a', { href: target(n), class: 'notif-link' }, what(n)),
      s ? h('p', { class: 'notif-excerpt' }, excerpt(s)) : null,
      invitation && invitation.message ? h('blockquote', { class: 'invitation-message' }, invitation.message) : null,
      invitation === null ? h('p', { class: 'muted' }, t('notif.invitationGone')) : null,
      h('p', { class: 'notif-time muted' }, h('time', { datetime: n.created_at, title: formatDate(n.created_at) }, formatRelative(n.created_at)),
        fresh ? h('span', { class: 'post-tag notif-new' }, t('notif.new')) : null)));
}

route('/notifications', {
  async render({ main, signal }) {
    document.title = `${t('notif.title')} · Moka`;
    const list = h('ol', { class: 'notif-list', 'aria-label': t('notif.list') });
    const status = h('p', { class: 'notif-status muted', 'aria-live': 'polite' }, t('notif.loading'));
    const more = h('button', { type: 'button', class: 'btn notif-more', hidden: true, onclick: () => load() }, t('notif.more'));
    append(main, h('h1', null, t('notif.title')), h('section', { class: 'panel notif-panel' }, list, status, more));
    const shown = new Set();
    let next = '/api/v1/notifications', first = true, loading = false, newest = null;

    // Everything shown is read: move the marker to the newest and clear the badge.
    async function markRead() {
      if (!newest) { setUnread(0); return; }
      try {
        await post('/api/v1/markers', { notifications: { last_read_id: newest } });
        setUnread(0);
      } catch { /* the badge stays: they are not marked */ }
    }

    async function load() {
      if (loading || !next) return;
      loading = true;
      more.hidden = true;
      status.hidden = false;
      status.removeAttribute('role');
      status.textContent = t('notif.loading');
      try {
        const res = await api('GET', next, { query: first ? { limit: 30 } : undefined, signal });
        for (const n of res.data) {
          if (shown.has(n.id)) continue;
          shown.add(n.id);
          list.append(item(n, false));
        }
        if (first && res.data[0]) newest = res.data[0].id;
        next = res.data.length ? res.link.next || null : null;
        status.textContent = t('notif.empty');
        status.hidden = list.children.length > 0;
        more.textContent = t('notif.more');
        more.hidden = !next;
        // not awaited: while the marker is saved, a scroll to the button must
        // already load the next page (the observer says so only once)
        if (first) { first = false; markRead(); }
      } catch (e) {
        if (e.name === 'AbortError') return;
        status.textContent = e.message;
        status.setAttribute('role', 'alert');
        more.textContent = t('notif.retry');
        more.hidden = false;
      } finally {
        loading = false;
      }
    }

    const io = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting) && next && !first && !loading) load();
    }, { rootMargin: '800px 0px' });
    io.observe(more);
    signal.addEventListener('abort', () => io.disconnect(), { once: true });

    // Live: new ones go on top and are read at once (the page is open).
    live.on('notification', (n) => {
      if (shown.has(n.id)) return;
      shown.add(n.id);
      list.prepend(item(n, true));
      status.hidden = true;
      if (!newest || BigInt(n.id) > BigInt(newest)) newest = n.id;
      markRead();
    }, signal);
    // Back from a lost connection: fetch what arrived meanwhile.
    live.on('open', async () => {
      if (first || !newest) return;
      try {
        const res = await api('GET', '/api/v1/notifications', { query: { since_id: newest, limit: 30 }, signal });
        for (const n of [...res.data].reverse()) {
          if (shown.has(n.id)) continue;
          shown.add(n.id);
          list.prepend(item(n, true));
          if (BigInt(n.id) > BigInt(newest)) newest = n.id;
        }
        markRead();
      } catch { /* the next event will tell */ }
    }, signal);

    await load();
  },
});
