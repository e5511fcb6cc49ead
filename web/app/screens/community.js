// A community's page (/communities/ID and its tabs /forum, /members, /files,
// /settings; a forum topic at /communities/ID/topics/TOPIC): its name, type,
// description and tags, my membership with join / ask to join / accept the
// invitation / leave, and the tabs:
// - stream: the composer (members; audience "community"), pinned posts
//   first, then the community's posts with live updates (members get them
//   on the app's live stream, as on Home);
// - forum: the topics (replies count, last activity, questions marked) and
//   a form for a new topic; a topic's page shows its post and replies;
// - members: roles; owners promote, demote, remove, decide requests and
//   invite by name;
// - files: what is shared with the community (the files API's community
//   list), and an upload shared with it;
// - settings (owners): edit, archive.
// A community the viewer may not see is the not-found screen; a listed
// restricted one shows only its name and description. Leaving draws the
// page again at once (a restricted community then disappears).
import { h, append, replace, uid, announce } from '../dom.js';
import { route, navigate, refresh } from '../router.js';
import { t, addStrings, formatRelative, formatDate } from '../i18n.js';
import { api, get, post, patch, del, ApiError } from '../api.js';
import { session } from '../session.js';
import { stream } from '../ui/stream.js';
import { composer } from '../ui/composer.js';
import { postCard } from '../ui/post.js';
import * as live from '../live.js';
import { personRow, nameOf } from '../ui/person.js';
import { notFound } from './notfound.js';
import { communityBadges, communityForm, communityPath } from './communities.js';

addStrings({
  en: {
    'community.tabs': 'Community sections', 'community.stream': 'Stream', 'community.forum': 'Forum', 'community.members': 'Members',
    'community.files': 'Files', 'community.settings': 'Settings', 'community.join': 'Join', 'community.ask': 'Ask to join',
    'community.leave': 'Leave', 'community.withdraw': 'Withdraw my request', 'community.accept': 'Accept the invitation',
    'community.decline': 'Decline', 'community.invitedText': 'You are invited to this community.',
    'community.requestedText': 'Your request to join waits for an owner.', 'community.limitedText': 'This community is by invitation only.',
    'community.archivedText': 'This community is archived: it is read-only.',
    'community.joined': 'You joined {name}.', 'community.left': 'You left {name}.', 'community.requested': 'Request sent to the owners of {name}.',
    'community.pinned': 'Pinned posts', 'community.posts': 'Posts in {name}', 'community.empty': 'No posts in this community yet.',
    'community.write': 'Write in {name}', 'community.pin': 'Pin', 'community.unpin': 'Unpin', 'community.pinnedDone': 'Post pinned.',
    'community.unpinnedDone': 'Post unpinned.',
    'community.topics': 'Topics', 'community.newTopic': 'New topic', 'community.topicTitle': 'Title', 'community.topicBody': 'Message',
    'community.topicQuestion': 'This is a question', 'community.topicCreate': 'Open the topic', 'community.topicCreating': 'Opening…',
    'community.noTopics': 'No topics yet.', 'community.moreTopics': 'Load more topics', 'community.loading': 'Loading…',
    'community.replies': { one: '{count} reply', other: '{count} replies' }, 'community.lastActivity': 'last activity {when}',
    'community.question': 'Question', 'community.topicBy': 'Opened by {name}', 'community.backToForum': 'Back to the forum',
    'community.requests': 'Requests to join', 'community.noRequests': 'No requests waiting.', 'community.approve': 'Approve',
    'community.refuse': 'Refuse', 'community.approved': '{name} is now a member.', 'community.refused': 'Request from {name} refused.',
    'community.invite': 'Invite someone', 'community.inviteName': 'Name or username', 'community.inviteSend': 'Invite',
    'community.invited': '{name} is invited.', 'community.nobody': 'Nobody found with this name.',
    'community.memberList': 'Members of {name}', 'community.owner': 'Owner', 'community.member': 'Member',
    'community.promote': 'Make owner', 'community.demote': 'Make member', 'community.remove': 'Remove',
    'community.removed': '{name} removed.', 'community.roleChanged': '{name} is now {role}.',
    'community.edit': 'Edit the community', 'community.save': 'Save', 'community.saving': 'Saving…', 'community.saved': 'Saved.',
    'community.archive': 'Archive the community', 'community.archiveHelp': 'Nobody can join, post or change it any more; members still read it.',
    'community.archiveConfirm': 'Archive for good', 'community.cancel': 'Cancel', 'community.archivedDone': 'Community archived.',
    'community.noFiles': 'No files shared with this community yet.', 'community.upload': 'Share a file with the community',
    'community.uploadFile': 'File', 'community.uploadSend': 'Upload', 'community.uploading': 'Uploading…', 'community.uploaded': '{name} shared.',
    'community.fileList': 'Files shared with {name}',
  },
  fr: {
    'community.tabs': 'Rubriques de la communauté', 'community.stream': 'Fil', 'community.forum': 'Forum', 'community.members': 'Membres',
    'community.files': 'Fichiers', 'community.settings': 'Paramètres', 'community.join': 'Rejoindre', 'community.ask': 'Demander à rejoindre',
    'community.leave': 'Quitter', 'community.withdraw': 'Retirer ma demande', 'community.accept': "Accepter l'invitation",
    'community.decline': 'Refuser', 'community.invitedText': 'Vous êtes invité dans cette communauté.',
    'community.requestedText': 'Votre demande attend la réponse d’un propriétaire.', 'community.limitedText': 'Cette communauté est sur invitation.',
    'community.archivedText': 'Cette communauté est archivée : elle est en lecture seule.',
    'community.joined': 'Vous avez rejoint {name}.', 'community.left': 'Vous avez quitté {name}.', 'community.requested': 'Demande envoyée aux propriétaires de {name}.',
    'community.pinned': 'Publications épinglées', 'community.posts': 'Publications de {name}', 'community.empty': 'Aucune publication dans cette communauté pour le moment.',
    'community.write': 'Écrire dans {name}', 'community.pin': 'Épingler', 'community.unpin': 'Désépingler', 'community.pinnedDone': 'Publication épinglée.',
    'community.unpinnedDone': 'Publication désépinglée.',
    'community.topics': 'Sujets', 'community.newTopic': 'Nouveau sujet', 'community.topicTitle': 'Titre', 'community.topicBody': 'Message',
    'community.topicQuestion': "C'est une question", 'community.topicCreate': 'Ouvrir le sujet', 'community.topicCreating': 'Ouverture…',
    'community.noTopics': 'Aucun sujet pour le moment.', 'community.moreTopics': 'Charger plus de sujets', 'community.loading': 'Chargement…',
    'community.replies': { one: '{count} réponse', other: '{count} réponses' }, 'community.lastActivity': 'dernière activité {when}',
    'community.question': 'Question', 'community.topicBy': 'Ouvert par {name}', 'community.backToForum': 'Retour au forum',
    'community.requests': 'Demandes pour rejoindre', 'community.noRequests': 'Aucune demande en attente.', 'community.approve': 'Accepter',
    'community.refuse': 'Refuser', 'community.approved': '{name} est maintenant membre.', 'community.refused': 'Demande de {name} refusée.',
    'community.invite': 'Inviter quelqu’un', 'community.inviteName': "Nom ou nom d'utilisateur", 'community.inviteSend': 'Inviter',
    'community.invited': '{name} est invité.', 'community.nobody': 'Personne ne porte ce nom.',
    'community.memberList': 'Membres de {name}', 'community.owner': 'Propriétaire', 'community.member': 'Membre',
    'community.promote': 'Nommer propriétaire', 'community.demote': 'Rendre membre', 'community.remove': 'Retirer',
    'community.removed': '{name} retiré.', 'community.roleChanged': '{name} est maintenant {role}.',
    'community.edit': 'Modifier la communauté', 'community.save': 'Enregistrer', 'community.saving': 'Enregistrement…', 'community.saved': 'Enregistré.',
    'community.archive': 'Archiver la communauté', 'community.archiveHelp': 'Plus personne ne peut la rejoindre, y publier ni la modifier ; les membres la lisent toujours.',
    'community.archiveConfirm': 'Archiver définitivement', 'community.cancel': 'Annuler', 'community.archivedDone': 'Communauté archivée.',
    'community.noFiles': 'Aucun fichier partagé avec cette communauté pour le moment.', 'community.upload': 'Partager un fichier avec la communauté',
    'community.uploadFile': 'Fichier', 'community.uploadSend': 'Envoyer', 'community.uploading': 'Envoi…', 'community.uploaded': '{name} partagé.',
    'community.fileList': 'Fichiers partagés avec {name}',
  },
});

const C = '/api/moka/v1/communities';
const isMember = (c) => c.membership === 'member' || c.membership === 'owner';
const isOwner = (c) => c.membership === 'owner';

// The community as the viewer sees it, or null (not found: the screen says so).
async function load(ctx) {
  try {
    return await get(`${C}/${ctx.params.id}`, { signal: ctx.signal });
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) { notFound.render(ctx); return null; }
    throw e;
  }
}

// Runs an action, then draws the page again with the focus on the actions.
async function act(el, fn, done) {
  const err = el.querySelector('.community-error');
  err.hidden = true;
  try {
    await fn();
    if (done) announce(done);
    await refresh();
    const b = document.querySelector('.community-actions button');
    (b || document.querySelector('main h1')).focus();
  } catch (e) {
    if (e.name === 'AbortError') return;
    err.textContent = e.message;
    err.hidden = false;
    err.focus();
  }
}

function actions(c) {
  const box = h('div', { class: 'community-actions' });
  const err = h('p', { class: 'form-error community-error', role: 'alert', tabindex: '-1', hidden: true });
  const button = (label, fn, done, primary = false) =>
    h('button', { type: 'button', class: ['btn', primary && 'btn-primary'], onclick: () => act(wrap, fn, done) }, label);
  const name = c.name;
  const m = c.membership;
  const note = (key) => h('p', { class: 'muted community-note' }, t(key));
  if (m === 'invited') {
    box.append(note('community.invitedText'),
      button(t('community.accept'), () => post(`${C}/${c.id}/invitation/accept`), t('community.joined', { name }), true),
      button(t('community.decline'), () => post(`${C}/${c.id}/invitation/decline`)));
  } else if (m === 'requested') {
    box.append(note('community.requestedText'), button(t('community.withdraw'), () => post(`${C}/${c.id}/leave`)));
  } else if (isMember(c)) {
    box.append(button(t('community.leave'), () => post(`${C}/${c.id}/leave`), t('community.left', { name })));
  } else if (c.limited) {
    box.append(note('community.limitedText'));
  } else if (!c.archived && c.type === 'public') {
    box.append(button(t('community.join'), () => post(`${C}/${c.id}/join`), t('community.joined', { name }), true));
  } else if (!c.archived && c.type === 'moderated') {
    box.append(button(t('community.ask'), () => post(`${C}/${c.id}/join`), t('community.requested', { name }), true));
  }
  const wrap = h('div', { class: 'community-actions-wrap' }, box, err);
  return wrap;
}

function head(c) {
  return h('header', { class: 'panel community-head' },
    h('h1', null, c.name), communityBadges(c),
    c.description ? h('p', { class: 'community-desc' }, c.description) : null,
    (c.tags || []).length ? h('ul', { class: 'chips' }, c.tags.map((tag) =>
      h('li', null, h('a', { class: 'chip', href: `/communities?tag=${encodeURIComponent(tag)}` }, `#${tag}`)))) : null,
    c.limited ? null : h('p', { class: 'muted community-meta' }, t('communities.members', { count: c.members_count || 0 })),
    c.archived ? h('p', { class: 'muted' }, t('community.archivedText')) : null,
    actions(c));
}

function tabs(c, current) {
  const base = communityPath(c);
  const items = [['', 'stream'], ['/forum', 'forum'], ['/members', 'members'], ['/files', 'files']];
  if (isOwner(c)) items.push(['/settings', 'settings']);
  return h('nav', { class: 'tabs', 'aria-label': t('community.tabs') }, h('ul', null, items.map(([suffix, key]) =>
    h('li', null, h('a', { href: base + suffix, class: 'tab', 'aria-current': key === current ? 'page' : null }, t(`community.${key}`))))));
}

// --- Stream ------------------------------------------------------------------

// An owner's pin / unpin button under a post card.
function pinButton(c, status, pinned, onDone) {
  return h('button', {
    type: 'button', class: 'btn btn-small community-pin',
    onclick: async () => {
      try {
        const s = await api(pinned ? 'DELETE' : 'POST', `${C}/${c.id}/pins/${status.id}`);
        announce(t(pinned ? 'community.unpinnedDone' : 'community.pinnedDone'));
        onDone(s.data);
      } catch (e) { announce(e.message); }
    },
  }, t(pinned ? 'community.unpin' : 'community.pin'));
}

async function streamTab(ctx, c, body) {
  const { signal } = ctx;
  const pinnedList = h('div', { class: 'community-pins' });
  const pinnedBox = h('section', { class: 'community-pinned', 'aria-label': t('community.pinned'), hidden: true },
    h('h2', null, t('community.pinned')), pinnedList);
  const posts = stream({
    path: `${C}/${c.id}/timeline`, signal, label: t('community.posts', { name: c.name }), empty: t('community.empty'),
    live: (s) => !!(s.moka && s.moka.community_id === c.id),
    // members get its posts on their user stream; other readers on its own
    source: isMember(c) ? null : `/api/moka/v1/streaming/community?id=${encodeURIComponent(c.id)}`,
  });
  const box = isMember(c) && !c.archived ? composer({
    signal, community: c, label: t('community.write', { name: c.name }),
    onPosted(s) { posts.prepend(s); announce(t('composer.posted')); },
  }) : null;
  async function drawPins() {
    const pins = await get(`${C}/${c.id}/pins`, { signal });
    if (signal.aborted) return;
    replace(pinnedList, pins.map((s) => {
      const card = postCard(s);
      card.classList.add('is-pinned');
      if (isOwner(c) && !c.archived) card.append(h('div', { class: 'pin-row' }, pinButton(c, s, true, drawPins)));
      return card;
    }));
    pinnedBox.hidden = pins.length === 0;
  }
  // Owners pin from the stream: a button under each card as it arrives.
  if (isOwner(c) && !c.archived) {
    const mo = new MutationObserver(() => {
      for (const card of posts.el.querySelectorAll('.stream-list > .post:not([data-pin])')) {
        card.dataset.pin = '1';
        card.append(h('div', { class: 'pin-row' }, pinButton(c, card._status || { id: card.dataset.id }, false, drawPins)));
      }
    });
    mo.observe(posts.el, { childList: true, subtree: true });
    signal.addEventListener('abort', () => mo.disconnect(), { once: true });
  }
  append(body, box, pinnedBox, h('h2', { class: 'visually-hidden' }, t('community.posts', { name: c.name })), posts.el);
  await Promise.all([drawPins(), posts.ready]);
}

// --- Forum -------------------------------------------------------------------

function topicRow(c, topic) {
  const s = topic.status;
  return h('li', { class: 'topic', dataset: { id: topic.id } },
    h('div', { class: 'topic-main' },
      h('a', { class: 'topic-title', href: `${communityPath(c)}/topics/${topic.id}` }, topic.title),
      s && s.moka && s.moka.question ? h('span', { class: 'post-tag post-question' }, t('community.question')) : null,
      h('p', { class: 'muted topic-meta' },
        s ? `${t('community.topicBy', { name: nameOf(s.account) })} · ` : '',
        h('time', { datetime: topic.last_activity_at, title: formatDate(topic.last_activity_at) },
          t('community.lastActivity', { when: formatRelative(topic.last_activity_at) })))),
    h('span', { class: 'topic-replies' }, t('community.replies', { count: topic.replies_count })));
}

function topicForm(c) {
  const ids = { title: uid('title'), body: uid('body'), q: uid('question') };
  const title = h('input', { id: ids.title, name: 'title', maxlength: 300, required: true, autocomplete: 'off' });
  const text = h('textarea', { id: ids.body, name: 'status', rows: 4, required: true });
  const question = h('input', { type: 'checkbox', id: ids.q, name: 'question' });
  const error = h('p', { class: 'form-error', role: 'alert', tabindex: '-1', hidden: true });
  const button = h('button', { type: 'submit', class: 'btn btn-primary' }, t('community.topicCreate'));
  const form = h('form', { class: 'panel form topic-form', novalidate: true, hidden: true, 'aria-label': t('community.newTopic') },
    h('div', { class: 'field' }, h('label', { for: ids.title }, t('community.topicTitle')), title),
    h('div', { class: 'field' }, h('label', { for: ids.body }, t('community.topicBody')), text),
    h('div', { class: 'switch' }, question, h('label', { for: ids.q }, t('community.topicQuestion'))),
    error, h('div', { class: 'row' }, button));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (button.disabled) return;
    error.hidden = true;
    button.disabled = true;
    button.textContent = t('community.topicCreating');
    try {
      const topic = await post(`${C}/${c.id}/topics`, { title: title.value.trim(), status: text.value, question: question.checked });
      navigate(`${communityPath(c)}/topics/${topic.id}`);
    } catch (err) {
      if (err.name === 'AbortError') return;
      error.textContent = err.message;
      error.hidden = false;
      error.focus();
    } finally {
      button.disabled = false;
      button.textContent = t('community.topicCreate');
    }
  });
  // The form opens from a button, so the topics come first on small screens.
  const open = h('button', {
    type: 'button', class: 'btn btn-primary', 'aria-expanded': 'false',
    onclick: () => {
      form.hidden = !form.hidden;
      open.setAttribute('aria-expanded', String(!form.hidden));
      if (!form.hidden) title.focus();
    },
  }, t('community.newTopic'));
  return h('div', { class: 'topic-new' }, open, form);
}

async function forumTab(ctx, c, body) {
  const list = h('ul', { class: 'topic-list', 'aria-label': t('community.topics') });
  const status = h('p', { class: 'people-status muted', 'aria-live': 'polite' }, t('community.loading'));
  const more = h('button', { type: 'button', class: 'btn people-more', hidden: true, onclick: () => page() }, t('community.moreTopics'));
  append(body, isMember(c) && !c.archived ? topicForm(c) : null,
    h('section', { class: 'panel' }, h('h2', null, t('community.topics')), list, status, more));
  let next = `${C}/${c.id}/topics`;
  async function page() {
    more.hidden = true;
    status.hidden = false;
    status.removeAttribute('role');
    try {
      const res = await api('GET', next, { signal: ctx.signal });
      for (const topic of res.data) list.append(topicRow(c, topic));
      next = res.data.length ? res.link.next || null : null;
      status.textContent = t('community.noTopics');
      status.hidden = list.children.length > 0;
      more.hidden = !next;
    } catch (e) {
      if (e.name === 'AbortError') return;
      status.textContent = e.message;
      status.setAttribute('role', 'alert');
    }
  }
  await page();
}

// --- Members -----------------------------------------------------------------

function inviteForm(c) {
  const id = uid('invite');
  const input = h('input', { id, type: 'search', autocomplete: 'off', maxlength: 100 });
  const msg = h('p', { class: 'community-form-msg', role: 'status' });
  const form = h('form', { class: 'form invite-form' },
    h('div', { class: 'field' }, h('label', { for: id }, t('community.inviteName')), input),
    h('div', { class: 'row' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('community.inviteSend'))), msg);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const q = input.value.trim().replace(/^@/, '');
    if (!q) return;
    msg.classList.remove('form-error');
    try {
      const found = await get('/api/v1/accounts/search', { query: { q, limit: 5 } });
      const a = found.find((x) => x.username.toLowerCase() === q.toLowerCase()) || found[0];
      if (!a) throw new Error(t('community.nobody'));
      await post(`${C}/${c.id}/invite`, { account_id: a.id });
      msg.textContent = t('community.invited', { name: nameOf(a) });
      input.value = '';
    } catch (err) {
      msg.textContent = err.message;
      msg.classList.add('form-error');
    }
  });
  return form;
}

// Runs an owner's action on a person; the row says what happened.
function rowAction(label, fn, say) {
  return h('button', {
    type: 'button', class: 'btn btn-small',
    onclick: async (e) => {
      const row = e.target.closest('.person');
      const note = row.querySelector('.person-error') || row.appendChild(h('p', { class: 'person-error', role: 'status' }));
      note.classList.remove('form-error');
      try {
        await fn();
        note.textContent = say;
        for (const b of row.querySelectorAll('button')) b.disabled = true;
      } catch (err) {
        note.textContent = err.message;
        note.classList.add('form-error');
      }
    },
  }, label);
}

async function membersTab(ctx, c, body) {
  const { signal } = ctx;
  const owner = isOwner(c) && !c.archived;
  if (owner) {
    const reqList = h('ul', { class: 'people', 'aria-label': t('community.requests') });
    const reqs = await get(`${C}/${c.id}/requests`, { signal });
    for (const a of reqs) {
      const name = nameOf(a);
      reqList.append(personRow(a, { actions: [
        rowAction(t('community.approve'), () => post(`${C}/${c.id}/requests/${a.id}/approve`), t('community.approved', { name })),
        rowAction(t('community.refuse'), () => post(`${C}/${c.id}/requests/${a.id}/refuse`), t('community.refused', { name })),
      ] }));
    }
    if (c.type === 'moderated' || reqs.length) {
      append(body, h('section', { class: 'panel community-requests' }, h('h2', null, t('community.requests')),
        reqs.length ? reqList : h('p', { class: 'muted' }, t('community.noRequests'))));
    }
  }
  const list = h('ul', { class: 'people', 'aria-label': t('community.memberList', { name: c.name }) });
  const more = h('button', { type: 'button', class: 'btn people-more', hidden: true, onclick: () => page() }, t('person.more'));
  append(body, h('section', { class: 'panel' }, h('h2', null, t('community.members')), list, more),
    owner ? h('section', { class: 'panel' }, h('h2', null, t('community.invite')), inviteForm(c)) : null);
  let next = `${C}/${c.id}/members`;
  const me = session.account && session.account.id;
  async function page() {
    const res = await api('GET', next, { signal });
    for (const m of res.data) {
      const a = m.account, name = nameOf(a);
      const role = h('span', { class: `post-tag community-role role-${m.role}` }, t(`community.${m.role}`));
      const acts = [];
      if (owner && a.id !== me) {
        if (m.role === 'owner') acts.push(rowAction(t('community.demote'), () => post(`${C}/${c.id}/members/${a.id}/demote`), t('community.roleChanged', { name, role: t('community.member') })));
        else acts.push(rowAction(t('community.promote'), () => post(`${C}/${c.id}/members/${a.id}/promote`), t('community.roleChanged', { name, role: t('community.owner') })));
        acts.push(rowAction(t('community.remove'), () => del(`${C}/${c.id}/members/${a.id}`), t('community.removed', { name })));
      }
      list.append(personRow(a, { note: role, actions: acts }));
    }
    next = res.data.length ? res.link.next || null : null;
    more.hidden = !next;
  }
  await page();
}

// --- Files -------------------------------------------------------------------

async function filesTab(ctx, c, body) {
  const list = h('ul', { class: 'file-list', 'aria-label': t('community.fileList', { name: c.name }) });
  const status = h('p', { class: 'muted' });
  async function draw() {
    const files = await get('/api/moka/v1/files', { query: { list: 'community', community_id: c.id, limit: 80 }, signal: ctx.signal });
    replace(list, files.map((f) => h('li', { class: 'file' },
      h('a', { href: f.url || `/api/moka/v1/files/${f.id}/download`, download: '' }, f.name),
      h('span', { class: 'muted' }, ` · ${f.owner ? `${nameOf(f.owner)} · ` : ''}`,
        h('time', { datetime: f.updated_at, title: formatDate(f.updated_at) }, formatRelative(f.updated_at))))));
    status.textContent = files.length ? '' : t('community.noFiles');
  }
  if (isMember(c) && !c.archived) {
    const id = uid('file');
    const input = h('input', { id, type: 'file', name: 'file', required: true });
    const msg = h('p', { role: 'status', class: 'community-form-msg' });
    const button = h('button', { type: 'submit', class: 'btn btn-primary' }, t('community.uploadSend'));
    const form = h('form', { class: 'panel form' }, h('h2', null, t('community.upload')),
      h('div', { class: 'field' }, h('label', { for: id }, t('community.uploadFile')), input), h('div', { class: 'row' }, button), msg);
    // Upload (multipart, field "file"), then share with the community.
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      if (!input.files.length || button.disabled) return;
      const file = input.files[0];
      const fd = new FormData();
      fd.append('file', file);
      button.disabled = true;
      msg.classList.remove('form-error');
      msg.textContent = t('community.uploading');
      try {
        const { data } = await api('POST', '/api/moka/v1/files', { form: fd });
        await patch(`/api/moka/v1/files/${data.id}`, { audience: 'community', community_id: c.id });
        msg.textContent = t('community.uploaded', { name: file.name });
        input.value = '';
        await draw();
      } catch (err) {
        msg.textContent = err.message;
        msg.classList.add('form-error');
      } finally {
        button.disabled = false;
      }
    });
    append(body, form);
  }
  append(body, h('section', { class: 'panel' }, h('h2', null, t('community.files')), list, status));
  await draw();
}

// --- Settings ----------------------------------------------------------------

function settingsTab(ctx, c, body) {
  if (!isOwner(c)) { notFound.render(ctx); return; }
  const msg = h('p', { class: 'form-ok', role: 'status' });
  const confirm = h('div', { class: 'confirm', hidden: true },
    h('button', { type: 'button', class: 'btn btn-danger', onclick: async () => {
      try {
        await post(`${C}/${c.id}/archive`);
        announce(t('community.archivedDone'));
        navigate(communityPath(c), { replace: true });
      } catch (e) { msg.textContent = e.message; }
    } }, t('community.archiveConfirm')),
    h('button', { type: 'button', class: 'btn', onclick: () => { confirm.hidden = true; archive.hidden = false; archive.focus(); } }, t('community.cancel')));
  const archive = h('button', { type: 'button', class: 'btn btn-danger', onclick: () => {
    archive.hidden = true; confirm.hidden = false; confirm.querySelector('button').focus();
  } }, t('community.archive'));
  append(body,
    c.archived ? null : h('h2', null, t('community.edit')),
    c.archived ? null : communityForm({
      community: c, label: t('community.save'), busy: t('community.saving'),
      async onSubmit(b) { await patch(`${C}/${c.id}`, b); msg.textContent = t('community.saved'); announce(t('community.saved')); },
    }), msg,
    c.archived ? null : h('section', { class: 'panel' }, h('h2', null, t('community.archive')),
      h('p', { class: 'muted' }, t('community.archiveHelp')), archive, confirm));
}

// --- Routes ------------------------------------------------------------------

const TABS = { stream: streamTab, forum: forumTab, members: membersTab, files: filesTab, settings: settingsTab };

async function page(ctx, tab) {
  const c = await load(ctx);
  if (!c || ctx.signal.aborted) return;
  document.title = `${c.name} · Moka`;
  append(ctx.main, head(c));
  if (c.limited) return;
  if (tab === 'settings' && !isOwner(c)) { ctx.main.replaceChildren(); notFound.render(ctx); return; }
  const body = h('div', { class: `community-body community-${tab}` });
  append(ctx.main, tabs(c, tab), body);
  await TABS[tab](ctx, c, body);
}

route('/communities/:id(\\d+)', { render: (ctx) => page(ctx, 'stream') });
route('/communities/:id(\\d+)/forum', { render: (ctx) => page(ctx, 'forum') });
route('/communities/:id(\\d+)/members', { render: (ctx) => page(ctx, 'members') });
route('/communities/:id(\\d+)/files', { render: (ctx) => page(ctx, 'files') });
route('/communities/:id(\\d+)/settings', { render: (ctx) => page(ctx, 'settings') });

// A topic: its title, its first post, the replies and a reply box (replies
// to a community's post belong to the community).
route('/communities/:id(\\d+)/topics/:topic(\\d+)', {
  async render(ctx) {
    const { params, signal, main } = ctx;
    let topic;
    try {
      topic = await get(`${C}/${params.id}/topics/${params.topic}`, { signal });
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) { notFound.render(ctx); return; }
      throw e;
    }
    const [c, context] = await Promise.all([
      get(`${C}/${params.id}`, { signal }), get(`/api/v1/statuses/${topic.id}/context`, { signal })]);
    if (signal.aborted) return;
    document.title = `${topic.title} · ${c.name} · Moka`;
    const s = topic.status;
    const replies = h('div', { class: 'thread-replies-list', role: 'feed', 'aria-label': t('thread.replies') });
    const shown = new Set([s.id]);
    const add = (r, fresh) => {
      if (shown.has(r.id)) return;
      shown.add(r.id);
      const card = postCard(r);
      if (fresh) card.classList.add('is-new');
      replies.append(card);
    };
    const box = isMember(c) && !c.archived ? composer({
      inReplyTo: s, signal, onPosted(r) { add(r, true); announce(t('composer.posted')); },
    }) : null;
    append(main,
      h('p', null, h('a', { href: `${communityPath(c)}/forum` }, `← ${t('community.backToForum')}`), ' · ', h('a', { href: communityPath(c) }, c.name)),
      h('h1', { class: 'topic-heading' }, topic.title,
        s.moka && s.moka.question ? h('span', { class: 'post-tag post-question' }, t('community.question')) : null),
      postCard(s, { focus: true, onReply: () => box && box.querySelector('textarea').focus() }),
      h('h2', { class: 'thread-heading' }, t('community.replies', { count: topic.replies_count })),
      replies, box);
    for (const r of context.descendants) add(r, false);
    const arrived = (r) => { if (r && r.in_reply_to_id && shown.has(r.in_reply_to_id)) add(r, true); };
    live.on('update', arrived, signal);
  },
});

