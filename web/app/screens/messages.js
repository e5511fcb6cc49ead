// Messages (/messages, /messages/new, /messages/:id): private conversations.
// The list shows my conversations by last activity with their unread counts
// (archived ones behind a switch); a conversation shows its messages oldest
// first, a composer (Enter sends, Shift+Enter starts a new line), reactions,
// edit and delete of my own messages, and for groups its people (add, and
// remove for admins), leave, mute and archive. Everything arrives live
// (moka.message, moka.message.update, moka.message.delete, moka.conversation,
// moka.conversation.delete on the user stream) and the header's Messages
// badge follows the total unread count.
import { h, append, replace, richContent, announce, uid } from '../dom.js';
import { route, navigate } from '../router.js';
import { t, addStrings, formatRelative, formatDate } from '../i18n.js';
import { api, get, post, patch, del } from '../api.js';
import { session } from '../session.js';
import { refreshMessagesUnread } from '../header.js';
import * as live from '../live.js';
import { avatar, nameOf, profilePath } from '../ui/person.js';

addStrings({
  en: {
    'msg.title': 'Messages', 'msg.list': 'Your conversations', 'msg.empty': 'No conversations yet.', 'msg.new': 'New conversation',
    'msg.archived': 'Archived', 'msg.showArchived': 'Show archived', 'msg.showInbox': 'Show conversations',
    'msg.unread': { one: '{count} unread message', other: '{count} unread messages' },
    'msg.noMessages': 'No messages yet: say hello.', 'msg.back': 'All conversations',
    'msg.compose': 'Message', 'msg.composeHint': 'Enter sends; Shift+Enter starts a new line.', 'msg.send': 'Send',
    'msg.messages': 'Messages in this conversation', 'msg.edited': 'edited', 'msg.edit': 'Edit', 'msg.delete': 'Delete',
    'msg.save': 'Save', 'msg.cancel': 'Cancel', 'msg.react': 'React', 'msg.reactWith': 'React with {emoji}',
    'msg.reaction': { one: '{emoji} {count} person', other: '{emoji} {count} people' },
    'msg.people': 'People', 'msg.peopleCount': { one: '{count} person', other: '{count} people' }, 'msg.admin': 'admin',
    'msg.add': 'Add people', 'msg.addThem': 'Add', 'msg.remove': 'Remove', 'msg.removeWho': 'Remove {name}',
    'msg.leave': 'Leave', 'msg.confirmLeave': 'Leave this conversation? You will no longer see its messages.',
    'msg.mute': 'Mute', 'msg.unmute': 'Unmute', 'msg.archive': 'Archive', 'msg.unarchive': 'Unarchive',
    'msg.muted': 'Muted', 'msg.gone': 'You are no longer in this conversation.',
    'msg.pick': 'People', 'msg.pickHint': 'Type a name, then choose.', 'msg.groupTitle': 'Group name (optional)',
    'msg.start': 'Start', 'msg.pickSomeone': 'Choose at least one person.', 'msg.removePick': 'Take {name} out',
    'msg.none': 'Nobody found', 'msg.you': 'You', 'msg.older': 'Load older messages', 'msg.sent': 'Message sent.',
    'msg.group': 'Group', 'msg.with': 'Conversation with {names}',
  },
  fr: {
    'msg.title': 'Messages', 'msg.list': 'Vos conversations', 'msg.empty': 'Aucune conversation pour le moment.', 'msg.new': 'Nouvelle conversation',
    'msg.archived': 'Archivées', 'msg.showArchived': 'Voir les archives', 'msg.showInbox': 'Voir les conversations',
    'msg.unread': { one: '{count} message non lu', other: '{count} messages non lus' },
    'msg.noMessages': 'Aucun message : dites bonjour.', 'msg.back': 'Toutes les conversations',
    'msg.compose': 'Message', 'msg.composeHint': 'Entrée envoie ; Maj+Entrée passe à la ligne.', 'msg.send': 'Envoyer',
    'msg.messages': 'Messages de cette conversation', 'msg.edited': 'modifié', 'msg.edit': 'Modifier', 'msg.delete': 'Supprimer',
    'msg.save': 'Enregistrer', 'msg.cancel': 'Annuler', 'msg.react': 'Réagir', 'msg.reactWith': 'Réagir avec {emoji}',
    'msg.reaction': { one: '{emoji} {count} personne', other: '{emoji} {count} personnes' },
    'msg.people': 'Participants', 'msg.peopleCount': { one: '{count} participant', other: '{count} participants' }, 'msg.admin': 'admin',
    'msg.add': 'Ajouter des personnes', 'msg.addThem': 'Ajouter', 'msg.remove': 'Retirer', 'msg.removeWho': 'Retirer {name}',
    'msg.leave': 'Quitter', 'msg.confirmLeave': 'Quitter cette conversation ? Vous ne verrez plus ses messages.',
    'msg.mute': 'Mettre en sourdine', 'msg.unmute': 'Réactiver', 'msg.archive': 'Archiver', 'msg.unarchive': 'Désarchiver',
    'msg.muted': 'En sourdine', 'msg.gone': 'Vous ne faites plus partie de cette conversation.',
    'msg.pick': 'Personnes', 'msg.pickHint': 'Tapez un nom, puis choisissez.', 'msg.groupTitle': 'Nom du groupe (facultatif)',
    'msg.start': 'Commencer', 'msg.pickSomeone': 'Choisissez au moins une personne.', 'msg.removePick': 'Retirer {name}',
    'msg.none': 'Personne trouvé', 'msg.you': 'Vous', 'msg.older': 'Charger les messages plus anciens', 'msg.sent': 'Message envoyé.',
    'msg.group': 'Groupe', 'msg.with': 'Conversation avec {names}',
  },
});

const C = '/api/moka/v1/conversations';
const QUICK = ['👍', '❤️', '😂', '🎉', '👀'];

function titleOf(c) {
  if (c.title) return c.title;
  const names = c.accounts.map(nameOf);
  if (!names.length) return t('msg.you');
  const more = c.members_count - 1 - names.length;
  return names.join(', ') + (more > 0 ? ` +${more}` : '');
}

function excerpt(m) {
  if (!m) return '';
  const text = richContent(m.content).textContent.trim();
  const who = session.account && m.account && m.account.id === session.account.id ? `${t('msg.you')}: ` : '';
  return who + (text.length > 90 ? `${text.slice(0, 89)}…` : text);
}

// --- the list -----------------------------------------------------------------

function listItem(c) {
  const unread = c.unread_count > 0;
  return h('li', { class: ['conv', unread && 'is-unread', c.muted && 'is-muted'], dataset: { id: c.id } },
    c.accounts[0] ? avatar(c.accounts[0], 40) : h('span', { class: 'avatar conv-avatar' }),
    h('div', { class: 'conv-main' },
      h('a', { href: `/messages/${c.id}`, class: 'conv-link' }, titleOf(c)),
      c.muted ? h('span', { class: 'muted conv-flag' }, ` · ${t('msg.muted')}`) : null,
      h('p', { class: 'conv-last muted' }, excerpt(c.last_message))),
    h('div', { class: 'conv-side' },
      h('span', { class: 'muted conv-time' }, formatRelative(c.last_activity_at)),
      unread ? h('span', { class: 'badge conv-badge', 'aria-label': t('msg.unread', { count: c.unread_count }) },
        c.unread_count > 99 ? '99+' : String(c.unread_count)) : null));
}

async function renderList(ctx) {
  const archived = ctx.query.get('archived') === '1';
  document.title = `${t('msg.title')} · Moka`;
  const ul = h('ul', { class: 'convs', 'aria-label': t('msg.list') });
  const empty = h('p', { class: 'muted', hidden: true }, t('msg.empty'));
  append(ctx.main,
    h('div', { class: 'row' }, h('h1', null, archived ? t('msg.archived') : t('msg.title')), h('span', { class: 'spacer' }),
      h('a', { href: '/messages/new', class: 'btn btn-primary btn-small' }, t('msg.new'))),
    ul, empty,
    h('p', null, h('a', { href: archived ? '/messages' : '/messages?archived=1' }, archived ? t('msg.showInbox') : t('msg.showArchived'))));
  const byId = new Map();
  const put = (c, top) => {
    const old = byId.get(c.id);
    const li = listItem(c);
    byId.set(c.id, li);
    if (old) old.remove();
    if (top) ul.prepend(li); else ul.append(li);
    empty.hidden = true;
  };
  const list = await get(C, { query: { archived: archived ? 'true' : undefined, limit: 40 }, signal: ctx.signal });
  list.forEach((c) => put(c, false));
  empty.hidden = list.length > 0;
  // a conversation changed: ask for it again, as the viewer sees it now
  const again = async (id) => {
    try {
      const c = await get(`${C}/${id}`, { signal: ctx.signal });
      if (c.archived !== archived) { const li = byId.get(id); if (li) li.remove(); byId.delete(id); return; }
      put(c, true);
    } catch { /* gone */ }
  };
  live.on('moka.message', (m) => again(m.conversation_id), ctx.signal);
  live.on('moka.conversation', (c) => {
    if (c.archived !== archived) { const li = byId.get(c.id); if (li) li.remove(); byId.delete(c.id); return; }
    if (byId.has(c.id)) { const li = listItem(c); byId.get(c.id).replaceWith(li); byId.set(c.id, li); } else put(c, true);
  }, ctx.signal);
  live.on('moka.conversation.delete', (c) => { const li = byId.get(c.id); if (li) li.remove(); byId.delete(c.id); }, ctx.signal);
}

// --- the people picker -------------------------------------------------------

function peoplePicker({ label, exclude = [] }) {
  const picked = new Map();
  const inputId = uid('pick'), listId = uid('pick-list'), hintId = uid('hint');
  const chips = h('ul', { class: 'chips pick-chips', 'aria-label': label });
  const input = h('input', { id: inputId, type: 'search', autocomplete: 'off', role: 'combobox', 'aria-expanded': 'false',
    'aria-controls': listId, 'aria-describedby': hintId, maxlength: 100 });
  const options = h('ul', { id: listId, role: 'listbox', class: 'search-results pick-results', hidden: true, 'aria-label': label });
  const paint = () => replace(chips, [...picked.values()].map((a) => h('li', { class: 'chip' }, nameOf(a),
    h('button', { type: 'button', class: 'chip-x', 'aria-label': t('msg.removePick', { name: nameOf(a) }),
      onclick: () => { picked.delete(a.id); paint(); input.focus(); } }, '×'))));
  const choose = (a) => { picked.set(a.id, a); paint(); input.value = ''; options.hidden = true; input.setAttribute('aria-expanded', 'false'); input.focus(); };
  let timer = null, ctl = null;
  input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const q = input.value.trim().replace(/^@/, '');
      if (ctl) ctl.abort();
      if (!q) { options.hidden = true; return; }
      ctl = new AbortController();
      let found;
      try { found = await get('/api/v1/accounts/search', { query: { q, limit: 8 }, signal: ctl.signal }); } catch { return; }
      const me = session.account && session.account.id;
      found = found.filter((a) => a.id !== me && !picked.has(a.id) && !exclude.includes(a.id));
      replace(options, found.length ? found.map((a) => h('li', { role: 'option', class: 'search-option', tabindex: '-1',
        onmousedown: (e) => { e.preventDefault(); choose(a); }, onkeydown: (e) => { if (e.key === 'Enter') { e.preventDefault(); choose(a); } } },
      avatar(a, 28), h('span', { class: 'search-name' }, nameOf(a)), h('span', { class: 'muted' }, ` @${a.username}`)))
        : h('li', { class: 'search-none', role: 'option', 'aria-disabled': 'true' }, t('msg.none')));
      options.hidden = false;
      input.setAttribute('aria-expanded', 'true');
    }, 150);
  });
  input.addEventListener('keydown', (e) => {
    const first = options.querySelector('[role=option]:not([aria-disabled])');
    if (e.key === 'Enter') { e.preventDefault(); if (first && !options.hidden) first.dispatchEvent(new MouseEvent('mousedown')); }
    else if (e.key === 'ArrowDown' && first) { e.preventDefault(); first.focus(); }
    else if (e.key === 'Escape') options.hidden = true;
  });
  const el = h('div', { class: 'field pick' },
    h('label', { for: inputId }, label), h('p', { id: hintId, class: 'hint muted' }, t('msg.pickHint')), chips, input, options);
  return { el, ids: () => [...picked.keys()], input };
}

async function renderNew(ctx) {
  document.title = `${t('msg.new')} · Moka`;
  const picker = peoplePicker({ label: t('msg.pick') });
  const titleId = uid('title');
  const title = h('input', { id: titleId, type: 'text', maxlength: 200 });
  const error = h('p', { class: 'field-error', role: 'alert', hidden: true });
  const form = h('form', { class: 'stack new-conv', onsubmit: async (e) => {
    e.preventDefault();
    error.hidden = true;
    const ids = picker.ids();
    if (!ids.length) { error.textContent = t('msg.pickSomeone'); error.hidden = false; picker.input.focus(); return; }
    try {
      const c = await post(C, { account_ids: ids, title: title.value.trim() || undefined });
      navigate(`/messages/${c.id}`);
    } catch (err) { error.textContent = err.message; error.hidden = false; }
  } },
  picker.el,
  h('div', { class: 'field' }, h('label', { for: titleId }, t('msg.groupTitle')), title),
  error,
  h('div', { class: 'row' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('msg.start')),
    h('a', { href: '/messages' }, t('msg.back'))));
  append(ctx.main, h('h1', null, t('msg.new')), form);
  picker.input.focus();
}

// --- one conversation ----------------------------------------------------------

function reactions(m, onReact) {
  const wrap = h('div', { class: 'msg-reactions' },
    m.reactions.map((r) => h('button', { type: 'button', class: ['btn', 'btn-small', 'reaction', r.me && 'is-on'], 'aria-pressed': String(r.me),
      'aria-label': t('msg.reaction', { emoji: r.name, count: r.count }), onclick: () => onReact(r.name) }, `${r.name} ${r.count}`)));
  const picker = h('div', { class: 'msg-quick', hidden: true }, QUICK.map((e) => h('button', { type: 'button', class: 'btn btn-quiet btn-small',
    'aria-label': t('msg.reactWith', { emoji: e }), onclick: () => { picker.hidden = true; onReact(e); } }, e)));
  append(wrap, h('button', { type: 'button', class: 'btn btn-quiet btn-small msg-react', 'aria-expanded': 'false',
    onclick: (e) => { picker.hidden = !picker.hidden; e.currentTarget.setAttribute('aria-expanded', String(!picker.hidden)); } }, t('msg.react')), picker);
  return wrap;
}

function messageItem(m, conv) {
  const mine = session.account && m.account && m.account.id === session.account.id;
  const body = h('div', { class: 'msg-body' }, richContent(m.content));
  const li = h('li', { class: ['msg', mine && 'is-mine'], dataset: { id: m.id } });
  const react = async (emoji) => {
    try { const fresh = await post(`${C}/${conv.id}/messages/${m.id}/reactions`, { emoji }); li.replaceWith(messageItem(fresh, conv)); } catch (e) { announce(e.message); }
  };
  const edit = () => {
    const id = uid('edit');
    const area = h('textarea', { id, rows: 3, maxlength: 20000 });
    area.value = m.text;
    const form = h('form', { class: 'msg-edit', onsubmit: async (e) => {
      e.preventDefault();
      try { li.replaceWith(messageItem(await patch(`${C}/${conv.id}/messages/${m.id}`, { text: area.value }), conv)); } catch (err) { announce(err.message); }
    } }, h('label', { for: id, class: 'visually-hidden' }, t('msg.edit')), area,
    h('div', { class: 'row' }, h('button', { type: 'submit', class: 'btn btn-primary btn-small' }, t('msg.save')),
      h('button', { type: 'button', class: 'btn btn-quiet btn-small', onclick: () => li.replaceWith(messageItem(m, conv)) }, t('msg.cancel'))));
    replace(body, form);
    area.focus();
  };
  append(li, avatar(m.account, 36), h('div', { class: 'msg-main' },
    h('div', { class: 'msg-head' },
      h('a', { href: profilePath(m.account), class: 'msg-author' }, nameOf(m.account)), ' ',
      h('time', { datetime: m.created_at, title: formatDate(m.created_at), class: 'muted' }, formatRelative(m.created_at)),
      m.edited_at ? h('span', { class: 'muted' }, ` · ${t('msg.edited')}`) : null),
    body,
    reactions(m, react),
    mine ? h('div', { class: 'msg-actions' },
      h('button', { type: 'button', class: 'btn btn-quiet btn-small', onclick: edit }, t('msg.edit')),
      h('button', { type: 'button', class: 'btn btn-quiet btn-small', onclick: async () => {
        try { await del(`${C}/${conv.id}/messages/${m.id}`); li.remove(); } catch (e) { announce(e.message); }
      } }, t('msg.delete'))) : null));
  return li;
}

// The people of a group, folded away (the messages come first); open
// keeps it unfolded when it is drawn again after a change.
function peoplePanel(conv, onChange, open) {
  const full = conv.members; // [{account, role}] built below from accounts + admin ids
  const amAdmin = conv.role === 'admin';
  const rows = full.map(({ account, admin }) => h('li', { class: 'person', dataset: { id: account.id } },
    avatar(account, 32),
    h('div', { class: 'person-main' }, h('a', { href: profilePath(account), class: 'person-name' }, nameOf(account)),
      admin ? h('span', { class: 'muted' }, ` · ${t('msg.admin')}`) : null),
    amAdmin && conv.kind === 'group' && account.id !== session.account.id
      ? h('button', { type: 'button', class: 'btn btn-quiet btn-small', 'aria-label': t('msg.removeWho', { name: nameOf(account) }),
        onclick: async () => { try { onChange(await del(`${C}/${conv.id}/members/${account.id}`)); } catch (e) { announce(e.message); } } }, t('msg.remove'))
      : null));
  const panel = h('details', { class: 'conv-people', 'aria-label': t('msg.people'), open: open.value || null },
    h('summary', null, h('h2', null, t('msg.peopleCount', { count: conv.members_count }))), h('ul', { class: 'people people-compact' }, rows));
  panel.addEventListener('toggle', () => { open.value = panel.open; });
  if (conv.kind === 'group') {
    const picker = peoplePicker({ label: t('msg.add'), exclude: full.map((x) => x.account.id) });
    append(panel, h('form', { class: 'stack', onsubmit: async (e) => {
      e.preventDefault();
      if (!picker.ids().length) return;
      try { onChange(await post(`${C}/${conv.id}/members`, { account_ids: picker.ids() })); } catch (err) { announce(err.message); }
    } }, picker.el, h('button', { type: 'submit', class: 'btn btn-small' }, t('msg.addThem'))));
  }
  return panel;
}

// The conversation entity with its members as [{account, admin}] (me included).
function withMembers(c) {
  const me = session.account;
  const all = [{ account: me, admin: c.admin_ids.includes(me.id) },
    ...c.accounts.map((a) => ({ account: a, admin: c.admin_ids.includes(a.id) }))];
  return { ...c, members: all };
}

async function renderConversation(ctx) {
  const id = ctx.params.id;
  let conv = withMembers(await get(`${C}/${id}`, { signal: ctx.signal }));
  const page = await api('GET', `${C}/${id}/messages`, { query: { limit: 40 }, signal: ctx.signal });
  const heading = h('h1', { class: 'conv-title' });
  const tools = h('div', { class: 'row conv-tools' });
  const people = h('div');
  const peopleOpen = { value: false };
  const ul = h('ol', { class: 'msgs', 'aria-label': t('msg.messages'), 'aria-live': 'polite' });
  const none = h('p', { class: 'muted msgs-none' }, t('msg.noMessages'));
  const gone = h('p', { class: 'field-error', role: 'alert', hidden: true }, t('msg.gone'));
  const older = h('button', { type: 'button', class: 'btn btn-quiet btn-small', hidden: !page.link.next }, t('msg.older'));
  let nextPage = page.link.next;
  const items = new Map();
  const add = (m, atEnd = true) => {
    if (items.has(m.id)) { const fresh = messageItem(m, conv); items.get(m.id).replaceWith(fresh); items.set(m.id, fresh); return; }
    const li = messageItem(m, conv);
    items.set(m.id, li);
    if (atEnd) ul.append(li); else ul.prepend(li);
    none.hidden = true;
  };
  const paint = () => {
    document.title = `${titleOf(conv)} · Moka`;
    replace(heading, titleOf(conv));
    const act = (label, path, after) => h('button', { type: 'button', class: 'btn btn-small', onclick: async () => {
      try { const c = await post(`${C}/${id}/${path}`); if (after) after(c); else { conv = withMembers(c); paint(); } } catch (e) { announce(e.message); }
    } }, label);
    replace(tools,
      h('a', { href: '/messages', class: 'btn btn-quiet btn-small' }, `← ${t('msg.back')}`),
      h('span', { class: 'spacer' }),
      act(conv.muted ? t('msg.unmute') : t('msg.mute'), conv.muted ? 'unmute' : 'mute'),
      act(conv.archived ? t('msg.unarchive') : t('msg.archive'), conv.archived ? 'unarchive' : 'archive'),
      conv.kind === 'group' ? h('button', { type: 'button', class: 'btn btn-small btn-danger', onclick: async () => {
        if (!window.confirm(t('msg.confirmLeave'))) return;
        try { await post(`${C}/${id}/leave`); navigate('/messages'); } catch (e) { announce(e.message); }
      } }, t('msg.leave')) : null);
    replace(people, conv.kind === 'group' ? peoplePanel(conv, (c) => { conv = withMembers(c); paint(); }, peopleOpen) : null);
  };
  paint();
  for (const m of [...page.data].reverse()) add(m);
  none.hidden = page.data.length > 0;
  older.addEventListener('click', async () => {
    const r = await api('GET', nextPage, { signal: ctx.signal });
    for (const m of r.data) add(m, false);
    nextPage = r.link.next;
    older.hidden = !nextPage || !r.data.length;
  });

  // read up to the newest message shown
  let reading = null;
  const markRead = () => {
    reading ||= post(`${C}/${id}/read`).then(() => refreshMessagesUnread(), () => {}).finally(() => { reading = null; });
  };
  if (conv.unread_count > 0) markRead();

  const areaId = uid('compose'), hintId = uid('hint');
  const area = h('textarea', { id: areaId, rows: 2, class: 'compose-text', 'aria-describedby': hintId, maxlength: 20000 });
  const error = h('p', { class: 'field-error', role: 'alert', hidden: true });
  const send = async () => {
    const text = area.value;
    if (!text.trim()) return;
    error.hidden = true;
    area.disabled = true;
    try {
      const m = await post(`${C}/${id}/messages`, { text }, { headers: { 'Idempotency-Key': crypto.randomUUID() } });
      add(m);
      area.value = '';
      announce(t('msg.sent'));
    } catch (e) { error.textContent = e.message; error.hidden = false; } finally { area.disabled = false; area.focus(); }
  };
  area.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) { e.preventDefault(); send(); }
  });
  const form = h('form', { class: 'compose msg-compose', onsubmit: (e) => { e.preventDefault(); send(); } },
    h('label', { for: areaId, class: 'visually-hidden' }, t('msg.compose')), area,
    h('div', { class: 'row' }, h('p', { id: hintId, class: 'hint muted' }, t('msg.composeHint')), h('span', { class: 'spacer' }),
      h('button', { type: 'submit', class: 'btn btn-primary' }, t('msg.send'))), error);

  append(ctx.main, tools, heading, people, older, ul, none, gone, form);
  area.focus();

  live.on('moka.message', (m) => {
    if (m.conversation_id !== id) return;
    add(m);
    if (!document.hidden && m.account.id !== session.account.id) markRead();
  }, ctx.signal);
  live.on('moka.message.update', (m) => { if (m.conversation_id === id && items.has(m.id)) add(m); }, ctx.signal);
  live.on('moka.message.delete', (d) => {
    if (d.conversation_id !== id || !items.has(d.id)) return;
    items.get(d.id).remove();
    items.delete(d.id);
  }, ctx.signal);
  live.on('moka.conversation', (c) => {
    if (c.id !== id) return;
    const before = conv;
    conv = withMembers(c);
    if (before.members_count !== c.members_count || before.title !== c.title || before.muted !== c.muted ||
        before.archived !== c.archived || before.role !== c.role) paint();
  }, ctx.signal);
  live.on('moka.conversation.delete', (c) => {
    if (c.id !== id) return;
    gone.hidden = false;
    form.remove();
    replace(people);
  }, ctx.signal);
}

route('/messages', { render: renderList });
route('/messages/new', { render: renderNew });
route('/messages/:id', { render: renderConversation });
