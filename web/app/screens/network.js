// My network (/network and its tabs /network/connections, /following,
// /followers): invitations received (accept / ignore) and sent (withdraw),
// people you may know (Connect), and the paginated lists of connections,
// people followed and followers (Follow / Unfollow).
import { h, append, uid, announce } from '../dom.js';
import { route } from '../router.js';
import { t, addStrings, formatRelative, formatDate } from '../i18n.js';
import { get, post } from '../api.js';
import { session } from '../session.js';
import * as live from '../live.js';
import { nameOf, personRow, peopleList, connectActions, followButton } from '../ui/person.js';

addStrings({
  en: {
    'network.title': 'My network', 'network.tabs': 'Sections', 'network.overview': 'Invitations and suggestions',
    'network.connections': 'Connections', 'network.following': 'Following', 'network.followers': 'Followers',
    'network.received': 'Invitations received', 'network.sent': 'Invitations sent', 'network.suggestions': 'People you may know',
    'network.noReceived': 'No invitations waiting for you.', 'network.noSent': 'You have no invitations waiting for an answer.',
    'network.noSuggestions': 'No suggestions for now.', 'network.noConnections': 'You have no connections yet.',
    'network.noFollowing': 'You do not follow anyone yet.', 'network.noFollowers': 'Nobody follows you yet.',
    'network.sentAgo': 'Sent {when}', 'network.receivedAgo': 'Received {when}',
    'network.accepted': 'You are now connected with {name}.', 'network.ignored': 'Invitation from {name} ignored.',
    'network.withdrawn': 'Invitation to {name} withdrawn.', 'network.accept': 'Accept', 'network.ignore': 'Ignore',
    'network.withdraw': 'Withdraw',
    'network.mutual': { one: '{count} shared connection', other: '{count} shared connections' },
    'network.reason.manager': 'Your manager', 'network.reason.same_manager': 'Same manager',
    'network.reason.report': 'Reports to you', 'network.reason.same_department': 'Same department',
  },
  fr: {
    'network.title': 'Mon réseau', 'network.tabs': 'Rubriques', 'network.overview': 'Invitations et suggestions',
    'network.connections': 'Relations', 'network.following': 'Abonnements', 'network.followers': 'Abonnés',
    'network.received': 'Invitations reçues', 'network.sent': 'Invitations envoyées', 'network.suggestions': 'Personnes que vous pourriez connaître',
    'network.noReceived': 'Aucune invitation en attente.', 'network.noSent': "Aucune de vos invitations n'attend de réponse.",
    'network.noSuggestions': 'Aucune suggestion pour le moment.', 'network.noConnections': "Vous n'avez pas encore de relations.",
    'network.noFollowing': 'Vous ne suivez encore personne.', 'network.noFollowers': 'Personne ne vous suit encore.',
    'network.sentAgo': 'Envoyée {when}', 'network.receivedAgo': 'Reçue {when}',
    'network.accepted': 'Vous êtes maintenant en relation avec {name}.', 'network.ignored': 'Invitation de {name} ignorée.',
    'network.withdrawn': 'Invitation à {name} retirée.', 'network.accept': 'Accepter', 'network.ignore': 'Ignorer',
    'network.withdraw': 'Retirer',
    'network.mutual': { one: '{count} relation en commun', other: '{count} relations en commun' },
    'network.reason.manager': 'Votre responsable', 'network.reason.same_manager': 'Même responsable',
    'network.reason.report': 'Vous est rattaché', 'network.reason.same_department': 'Même service',
  },
});

const TABS = [
  ['/network', 'network.overview'], ['/network/connections', 'network.connections'],
  ['/network/following', 'network.following'], ['/network/followers', 'network.followers'],
];

function tabs(path) {
  return h('nav', { class: 'tabs', 'aria-label': t('network.tabs') }, h('ul', null, TABS.map(([href, key]) =>
    h('li', null, h('a', { href, class: 'tab', 'aria-current': href === path ? 'page' : null }, t(key))))));
}

function block(title, body) {
  const id = uid('sec');
  return h('section', { class: 'panel network-section', 'aria-labelledby': id }, h('h2', { id }, title), body);
}

route('/network', { render: overview });
route('/network/connections', { render: (ctx) => listTab(ctx, 'connections') });
route('/network/following', { render: (ctx) => listTab(ctx, 'following') });
route('/network/followers', { render: (ctx) => listTab(ctx, 'followers') });

function header(main, path, key) {
  document.title = `${t(key)} · Moka`;
  append(main, h('h1', null, t('network.title')), tabs(path));
}

// One invitation row: the other person, the message, when, and its buttons.
function invitationRow(inv, onGone) {
  const a = inv.account, name = nameOf(a);
  const note = h('div', { class: 'invitation-note' },
    inv.message ? h('blockquote', { class: 'invitation-message' }, inv.message) : null,
    h('p', { class: 'muted' }, h('time', { datetime: inv.created_at, title: formatDate(inv.created_at) },
      t(inv.direction === 'sent' ? 'network.sentAgo' : 'network.receivedAgo', { when: formatRelative(inv.created_at) }))));
  const box = h('div', { class: 'connect-actions' });
  const row = personRow(a, { actions: [box], note });
  const run = async (path, message) => {
    for (const b of box.querySelectorAll('button')) b.disabled = true;
    try {
      await post(path);
      announce(message);
      onGone(row);
    } catch (e) {
      for (const b of box.querySelectorAll('button')) b.disabled = false;
      let p = box.querySelector('.person-error');
      if (!p) { p = h('p', { class: 'form-error person-error', role: 'alert' }); box.append(p); }
      p.textContent = e.message;
    }
  };
  if (inv.direction === 'received') {
    box.append(
      h('button', { type: 'button', class: 'btn btn-primary btn-small', 'aria-label': `${t('network.accept')} (${name})`,
        onclick: () => run(`/api/moka/v1/invitations/${inv.id}/accept`, t('network.accepted', { name })) }, t('network.accept')),
      h('button', { type: 'button', class: 'btn btn-small', 'aria-label': `${t('network.ignore')} (${name})`,
        onclick: () => run(`/api/moka/v1/invitations/${inv.id}/ignore`, t('network.ignored', { name })) }, t('network.ignore')));
  } else {
    box.append(h('button', { type: 'button', class: 'btn btn-small', 'aria-label': `${t('network.withdraw')} (${name})`,
      onclick: () => run(`/api/moka/v1/invitations/${inv.id}/withdraw`, t('network.withdrawn', { name })) }, t('network.withdraw')));
  }
  return row;
}

// A list that shows `empty` once its last row is gone; focus moves to the
// next row (or the heading) so keyboard users are not lost.
function invitationList(items, empty, label) {
  const ul = h('ul', { class: 'people', 'aria-label': label });
  const none = h('p', { class: 'muted' }, empty);
  const gone = (row) => {
    const next = row.nextElementSibling || row.previousElementSibling;
    row.remove();
    none.hidden = ul.children.length > 0;
    const target = next ? next.querySelector('a, button') : ul.closest('section').querySelector('h2');
    if (target) { if (!next) target.setAttribute('tabindex', '-1'); target.focus(); }
  };
  for (const inv of items) ul.append(invitationRow(inv, gone));
  none.hidden = items.length > 0;
  return {
    el: h('div', null, ul, none), ul,
    add: (inv) => { ul.prepend(invitationRow(inv, gone)); none.hidden = true; },
    remove: (row) => { row.remove(); none.hidden = ul.children.length > 0; },
  };
}

function suggestionNote(s) {
  const bits = [];
  if (s.mutual_connections) bits.push(t('network.mutual', { count: s.mutual_connections }));
  for (const r of s.reasons || []) if (r !== 'mutual_connections') bits.push(t(`network.reason.${r}`));
  return bits.length ? h('p', { class: 'muted suggestion-why' }, bits.join(' · ')) : null;
}

async function overview({ main, signal, path }) {
  header(main, path, 'network.title');
  const [inv, suggestions] = await Promise.all([
    get('/api/moka/v1/invitations', { signal }),
    get('/api/moka/v1/people/suggestions', { query: { limit: 12 }, signal }),
  ]);
  if (signal.aborted) return;
  const received = invitationList(inv.received, t('network.noReceived'), t('network.received'));
  const sent = invitationList(inv.sent, t('network.noSent'), t('network.sent'));
  const none = { moka: { connected: false, invitation: null, distance: 3 } };
  const sugg = suggestions.length
    ? h('ul', { class: 'people', 'aria-label': t('network.suggestions') }, suggestions.map((s) =>
      personRow(s.account, { note: suggestionNote(s), actions: [connectActions(s.account, none)] })))
    : h('p', { class: 'muted' }, t('network.noSuggestions'));
  append(main,
    block(t('network.received'), received.el),
    block(t('network.suggestions'), sugg),
    block(t('network.sent'), sent.el));
  // A new invitation while the page is open; one of mine accepted.
  live.on('notification', (n) => {
    if (n.type === 'moka.connection_accepted') {
      const row = sent.ul.querySelector(`[data-id="${CSS.escape(n.account.id)}"]`);
      if (row) sent.remove(row);
      return;
    }
    const i = n.type === 'follow_request' && n.moka && n.moka.invitation;
    if (!i || received.ul.querySelector(`[data-id="${CSS.escape(n.account.id)}"]`)) return;
    received.add({ id: i.id, direction: 'received', account: n.account, message: i.message, created_at: i.created_at });
  }, signal);
}

async function listTab({ main, signal, path }, kind) {
  header(main, path, `network.${kind}`);
  const me = session.account;
  const paths = {
    connections: `/api/moka/v1/accounts/${me.id}/connections`,
    following: `/api/v1/accounts/${me.id}/following`,
    followers: `/api/v1/accounts/${me.id}/followers`,
  };
  const empty = { connections: 'network.noConnections', following: 'network.noFollowing', followers: 'network.noFollowers' }[kind];
  const list = peopleList({
    path: paths[kind], query: { limit: 40 }, signal, label: t(`network.${kind}`), empty: t(empty),
    withRelationships: kind !== 'connections',
    actions: kind === 'connections' ? null : (a, rel) => (rel ? [followButton(a, rel)] : []),
  });
  append(main, block(t(`network.${kind}`), list.el));
  await list.ready;
}
