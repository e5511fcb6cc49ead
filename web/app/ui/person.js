// People pieces shared by the profile, network, notifications and settings
// screens: a photo, a person row (photo, name, title · department, actions),
// a paginated list of people, and the relationship actions (Connect with an
// optional message / invitation sent (withdraw) / accept or ignore /
// disconnect, and Follow / Unfollow).
//
//   personRow(account, { actions: [nodes], note })           → <li>
//   peopleList({ path, query, signal, label, empty, actions }) → { el, ready }
//   connectActions(account, relationship, { withMessage, onChange })  → <div>
//   followButton(account, relationship, { onChange })                 → <button>
//   relationships(ids, signal) → Map id → Relationship
import { h, replace, uid, announce } from '../dom.js';
import { t, addStrings } from '../i18n.js';
import { api, get, post } from '../api.js';

addStrings({
  en: {
    'person.connect': 'Connect', 'person.connectWith': 'Connect with {name}', 'person.message': 'Message (optional)',
    'person.messageHint': 'Say why you would like to connect.', 'person.send': 'Send invitation', 'person.cancel': 'Cancel',
    'person.sent': 'Invitation sent', 'person.withdraw': 'Withdraw', 'person.withdrawn': 'Invitation withdrawn.',
    'person.received': '{name} invited you to connect', 'person.accept': 'Accept', 'person.ignore': 'Ignore',
    'person.ignored': 'Invitation ignored.', 'person.connected': 'Connected', 'person.disconnect': 'Disconnect',
    'person.confirmDisconnect': 'Remove {name} from your connections?', 'person.yesDisconnect': 'Yes, disconnect',
    'person.nowConnected': 'You are now connected with {name}.', 'person.disconnected': 'You are no longer connected with {name}.',
    'person.invited': 'Invitation sent to {name}.', 'person.follow': 'Follow', 'person.unfollow': 'Unfollow',
    'person.followLabel': 'Follow {name}', 'person.unfollowLabel': 'Unfollow {name}',
    'person.following': 'You follow {name}.', 'person.unfollowed': 'You no longer follow {name}.',
    'person.more': 'Load more', 'person.loading': 'Loading…', 'person.retry': 'Try again', 'person.end': 'No one yet.',
  },
  fr: {
    'person.connect': 'Se connecter', 'person.connectWith': 'Se connecter avec {name}', 'person.message': 'Message (facultatif)',
    'person.messageHint': 'Dites pourquoi vous souhaitez vous connecter.', 'person.send': "Envoyer l'invitation", 'person.cancel': 'Annuler',
    'person.sent': 'Invitation envoyée', 'person.withdraw': 'Retirer', 'person.withdrawn': 'Invitation retirée.',
    'person.received': '{name} vous invite à vous connecter', 'person.accept': 'Accepter', 'person.ignore': 'Ignorer',
    'person.ignored': 'Invitation ignorée.', 'person.connected': 'Relation', 'person.disconnect': 'Retirer la relation',
    'person.confirmDisconnect': 'Retirer {name} de vos relations ?', 'person.yesDisconnect': 'Oui, retirer',
    'person.nowConnected': 'Vous êtes maintenant en relation avec {name}.', 'person.disconnected': "Vous n'êtes plus en relation avec {name}.",
    'person.invited': 'Invitation envoyée à {name}.', 'person.follow': 'Suivre', 'person.unfollow': 'Ne plus suivre',
    'person.followLabel': 'Suivre {name}', 'person.unfollowLabel': 'Ne plus suivre {name}',
    'person.following': 'Vous suivez {name}.', 'person.unfollowed': 'Vous ne suivez plus {name}.',
    'person.more': 'Afficher plus', 'person.loading': 'Chargement…', 'person.retry': 'Réessayer', 'person.end': "Personne pour l'instant.",
  },
});

export const nameOf = (a) => a.display_name || a.username;
export const profilePath = (a) => `/@${a.username}`;

// A person's photo (decorative: the name is always next to it).
export function avatar(a, size = 48) {
  const src = size <= 48 ? (a.moka && a.moka.avatar_48) || a.avatar_48 || a.avatar : a.avatar || a.avatar_static;
  return h('img', { class: 'avatar', src, alt: '', width: size, height: size, loading: 'lazy', decoding: 'async' });
}

// "Title · Department" (SUMMARY, Profile or Account).
export function roleOf(a) {
  const m = a.moka || a;
  return [m.title, m.department].filter(Boolean).join(' · ');
}

export function personRow(a, { actions = [], note = null, size = 48 } = {}) {
  const role = roleOf(a);
  return h('li', { class: 'person', dataset: { id: a.id } },
    avatar(a, size),
    h('div', { class: 'person-main' },
      h('a', { href: profilePath(a), class: 'person-name' }, nameOf(a)),
      h('span', { class: 'person-handle' }, ` @${a.username}`),
      role ? h('p', { class: 'person-role' }, role) : null,
      note),
    actions.length ? h('div', { class: 'person-actions' }, actions) : null);
}

// Relationships for a page of people (at most 100 ids per call).
export async function relationships(ids, signal) {
  const out = new Map();
  for (let i = 0; i < ids.length; i += 100) {
    const rels = await get('/api/v1/accounts/relationships', { query: { id: ids.slice(i, i + 100) }, signal });
    for (const r of rels) out.set(r.id, r);
  }
  return out;
}

export const relationshipOf = (id, signal) =>
  get('/api/v1/accounts/relationships', { query: { id: [id] }, signal }).then((rs) => rs[0]);

// An inline error next to the buttons that failed.
function failure(box, e) {
  let p = box.querySelector('.person-error');
  if (!p) { p = h('p', { class: 'form-error person-error', role: 'alert', tabindex: '-1' }); box.append(p); }
  p.textContent = e.message;
  p.focus();
}

// Runs a relationship change: the buttons are disabled meanwhile; the
// server's Relationship comes back to `done`; an error stays next to them.
async function act(box, fn, done) {
  const buttons = [...box.querySelectorAll('button')];
  buttons.forEach((b) => { b.disabled = true; });
  try {
    done(await fn());
  } catch (e) {
    buttons.forEach((b) => { b.disabled = false; });
    failure(box, e);
  }
}

// Connect / invitation / connected controls, re-drawn after every change.
export function connectActions(a, rel, { withMessage = false, onChange = () => {} } = {}) {
  const box = h('div', { class: 'connect-actions' });
  const name = nameOf(a);
  let focusAfter = null;
  // After a change the focus goes to the new first button (the one pressed is gone).
  const update = (r, message) => {
    rel = r;
    focusAfter = true;
    draw();
    if (message) announce(message);
    onChange(r);
  };

  function draw() {
    const m = rel.moka || {};
    let parts;
    if (m.distance === 0) parts = [];
    else if (m.connected) {
      parts = [h('span', { class: 'state state-connected' }, t('person.connected')),
        h('button', { type: 'button', class: 'btn btn-small', onclick: confirmDisconnect }, t('person.disconnect'))];
    } else if (m.invitation === 'sent') {
      parts = [h('span', { class: 'state' }, t('person.sent')),
        h('button', { type: 'button', class: 'btn btn-small', 'aria-label': `${t('person.withdraw')} (${name})`, onclick: () => act(box,
          () => post(`/api/moka/v1/invitations/${m.invitation_id}/withdraw`).then(() => relationshipOf(a.id)),
          (r) => update(r, t('person.withdrawn'))) }, t('person.withdraw'))];
    } else if (m.invitation === 'received') {
      parts = [
        h('button', { type: 'button', class: 'btn btn-primary btn-small', 'aria-label': `${t('person.accept')} (${name})`, onclick: () => act(box,
          () => post(`/api/moka/v1/accounts/${a.id}/connect`), (r) => update(r, t('person.nowConnected', { name }))) }, t('person.accept')),
        h('button', { type: 'button', class: 'btn btn-small', 'aria-label': `${t('person.ignore')} (${name})`, onclick: () => act(box,
          () => post(`/api/moka/v1/invitations/${m.invitation_id}/ignore`).then(() => relationshipOf(a.id)),
          (r) => update(r, t('person.ignored'))) }, t('person.ignore'))];
    } else {
      parts = [h('button', {
        type: 'button', class: 'btn btn-primary btn-small', 'aria-label': withMessage ? null : t('person.connectWith', { name }),
        onclick: withMessage ? openForm : () => act(box, () => post(`/api/moka/v1/accounts/${a.id}/connect`), (r) => update(r, t('person.invited', { name }))),
      }, t('person.connect'))];
    }
    replace(box, parts);
    if (focusAfter) { const b = box.querySelector('button'); if (b) b.focus(); focusAfter = null; }
  }

  function confirmDisconnect() {
    const no = h('button', { type: 'button', class: 'btn btn-small', onclick: () => { focusAfter = true; draw(); } }, t('person.cancel'));
    replace(box, h('p', { class: 'confirm', role: 'group', 'aria-label': t('person.disconnect') },
      h('span', null, t('person.confirmDisconnect', { name })),
      h('button', { type: 'button', class: 'btn btn-danger btn-small', onclick: () => act(box,
        () => post(`/api/moka/v1/accounts/${a.id}/disconnect`), (r) => { focusAfter = true; update(r, t('person.disconnected', { name })); }) }, t('person.yesDisconnect')),
      no));
    no.focus();
  }

  function openForm() {
    const id = uid('msg'), hint = uid('hint');
    const text = h('textarea', { id, name: 'message', rows: 3, maxlength: 500, 'aria-describedby': hint });
    const form = h('form', { class: 'form connect-form', novalidate: true, 'aria-label': t('person.connectWith', { name }) },
      h('div', { class: 'field' }, h('label', { for: id }, t('person.message')),
        h('p', { id: hint, class: 'muted hint' }, t('person.messageHint')), text),
      h('div', { class: 'row' },
        h('button', { type: 'submit', class: 'btn btn-primary btn-small' }, t('person.send')),
        h('button', { type: 'button', class: 'btn btn-small', onclick: () => { focusAfter = true; draw(); } }, t('person.cancel'))));
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const message = text.value.trim();
      act(form, () => post(`/api/moka/v1/accounts/${a.id}/connect`, message ? { message } : {}),
        (r) => { focusAfter = true; update(r, t('person.invited', { name })); });
    });
    replace(box, form);
    text.focus();
  }

  draw();
  return box;
}

// Follow / Unfollow (a toggle button; its label names the person).
export function followButton(a, rel, { onChange = () => {} } = {}) {
  const name = nameOf(a);
  const box = h('span', { class: 'follow-action' });
  const b = h('button', { type: 'button', class: 'btn btn-small' });
  const draw = () => {
    b.textContent = rel.following ? t('person.unfollow') : t('person.follow');
    b.setAttribute('aria-label', rel.following ? t('person.unfollowLabel', { name }) : t('person.followLabel', { name }));
    b.classList.toggle('is-on', !!rel.following);
  };
  b.addEventListener('click', () => {
    const verb = rel.following ? 'unfollow' : 'follow';
    act(box, () => post(`/api/v1/accounts/${a.id}/${verb}`), (r) => {
      rel = r;
      b.disabled = false;
      draw();
      b.focus();
      announce(t(r.following ? 'person.following' : 'person.unfollowed', { name }));
      onChange(r);
    });
  });
  draw();
  box.append(b);
  return box;
}

// A list of people from a paginated endpoint (Link rel="next"), loading the
// next page as its end comes near (and with a button, for keyboards).
// actions(account, relationship) → nodes; relationships are fetched per page
// only when `actions` wants them (withRelationships).
export function peopleList({ path, query = {}, signal, label, empty, actions = null, withRelationships = false, map = (x) => x }) {
  const list = h('ul', { class: 'people', 'aria-label': label });
  const status = h('p', { class: 'people-status muted', 'aria-live': 'polite' }, t('person.loading'));
  const more = h('button', { type: 'button', class: 'btn people-more', hidden: true, onclick: () => load() }, t('person.more'));
  const el = h('div', { class: 'people-block' }, list, status, more);
  let next = path, first = true, loading = false;

  async function load() {
    if (loading || !next) return;
    loading = true;
    more.hidden = true;
    status.hidden = false;
    status.removeAttribute('role');
    status.textContent = t('person.loading');
    try {
      const res = await api('GET', next, { query: first ? query : undefined, signal });
      const items = res.data.map(map);
      const rels = withRelationships && items.length ? await relationships(items.map((x) => x.id), signal) : null;
      if (signal && signal.aborted) return;
      for (const a of items) {
        list.append(personRow(a, { actions: actions ? actions(a, rels && rels.get(a.id)) : [] }));
      }
      first = false;
      next = res.data.length ? res.link.next || null : null;
      status.textContent = empty || t('person.end');
      status.hidden = !!list.firstElementChild;
      more.textContent = t('person.more');
      more.hidden = !next;
    } catch (e) {
      if (e.name === 'AbortError') return;
      status.textContent = e.message;
      status.setAttribute('role', 'alert');
      more.textContent = t('person.retry');
      more.hidden = false;
    } finally {
      loading = false;
    }
  }

  const io = new IntersectionObserver((entries) => {
    if (entries.some((e) => e.isIntersecting) && next && !first && !loading) load();
  }, { rootMargin: '600px 0px' });
  io.observe(more);
  if (signal) signal.addEventListener('abort', () => io.disconnect(), { once: true });
  return { el, ready: load(), list };
}
