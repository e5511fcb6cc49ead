// Edit my profile (/profile/edit): every field of the Moka profile (PATCH
// /api/moka/v1/profiles/me with the fields that changed) and the photo (POST
// /api/moka/v1/profiles/me/avatar, previewed before upload). Errors — the
// browser's checks and the server's "field: message" answers — are shown
// next to their field, which gets the focus; nothing typed is lost.
import { h, append, uid, announce } from '../dom.js';
import { route } from '../router.js';
import { t, addStrings } from '../i18n.js';
import { get, api, patch, ApiError } from '../api.js';
import { session, updateAccount } from '../session.js';
import { avatar, nameOf, profilePath } from '../ui/person.js';
import { chipsInput } from '../ui/chips.js';

addStrings({
  en: {
    'edit.title': 'Edit my profile', 'edit.view': 'View my profile', 'edit.photo': 'Photo', 'edit.photoPick': 'Choose a photo',
    'edit.photoHint': 'PNG, JPEG, GIF or WebP. It is cropped to a square.', 'edit.photoUpload': 'Upload photo',
    'edit.photoUploading': 'Uploading…', 'edit.photoDone': 'Your new photo is saved.', 'edit.photoNone': 'Choose a photo first.',
    'edit.photoPreview': 'Preview of your photo',
    'edit.details': 'About me', 'edit.display_name': 'Name', 'edit.title_': 'Title', 'edit.department': 'Department',
    'edit.location': 'Location', 'edit.email': 'Email', 'edit.phone': 'Phone', 'edit.about': 'About',
    'edit.projects': 'Current projects', 'edit.expertise': 'Expertise', 'edit.languages': 'Languages',
    'edit.manager': 'Manager', 'edit.managerHint': 'Their username (start typing a name). Leave empty if you have none.',
    'edit.listHint': 'Press Enter or type a comma after each one (at most 20).',
    'edit.expertiseHint': 'Letters, digits, spaces, “-” and “_”. Press Enter or type a comma after each one (at most 20).',
    'edit.save': 'Save profile', 'edit.saving': 'Saving…', 'edit.saved': 'Your profile is saved.', 'edit.nothing': 'Nothing has changed.',
    'edit.fix': 'Please correct the highlighted field.',
    'edit.err.required': 'Required.', 'edit.err.long': 'Too long (at most {max} bytes).',
    'edit.err.email': 'Not an email address.', 'edit.err.phone': 'Only digits, spaces and + - ( ) . / x.',
    'edit.err.many': 'At most 20 entries.', 'edit.err.item': '“{value}” is too long (at most 100 bytes).',
    'edit.err.tag': '“{value}” is not a valid tag (letters, digits, spaces, “-” or “_”).',
    'edit.err.manager': 'Nobody has the username “{value}”.', 'edit.err.self': 'You cannot be your own manager.',
  },
  fr: {
    'edit.title': 'Modifier mon profil', 'edit.view': 'Voir mon profil', 'edit.photo': 'Photo', 'edit.photoPick': 'Choisir une photo',
    'edit.photoHint': 'PNG, JPEG, GIF ou WebP. Elle est recadrée en carré.', 'edit.photoUpload': 'Envoyer la photo',
    'edit.photoUploading': 'Envoi…', 'edit.photoDone': 'Votre nouvelle photo est enregistrée.', 'edit.photoNone': "Choisissez d'abord une photo.",
    'edit.photoPreview': 'Aperçu de votre photo',
    'edit.details': 'À propos de moi', 'edit.display_name': 'Nom', 'edit.title_': 'Fonction', 'edit.department': 'Service',
    'edit.location': 'Lieu', 'edit.email': 'E-mail', 'edit.phone': 'Téléphone', 'edit.about': 'À propos',
    'edit.projects': 'Projets en cours', 'edit.expertise': 'Expertise', 'edit.languages': 'Langues',
    'edit.manager': 'Responsable', 'edit.managerHint': "Son nom d'utilisateur (commencez à taper un nom). Laissez vide si vous n'en avez pas.",
    'edit.listHint': 'Appuyez sur Entrée ou tapez une virgule après chacun (20 au plus).',
    'edit.expertiseHint': 'Lettres, chiffres, espaces, « - » et « _ ». Appuyez sur Entrée ou tapez une virgule après chacun (20 au plus).',
    'edit.save': 'Enregistrer le profil', 'edit.saving': 'Enregistrement…', 'edit.saved': 'Votre profil est enregistré.', 'edit.nothing': "Rien n'a changé.",
    'edit.fix': 'Corrigez le champ signalé.',
    'edit.err.required': 'Obligatoire.', 'edit.err.long': 'Trop long ({max} octets au plus).',
    'edit.err.email': "Ce n'est pas une adresse e-mail.", 'edit.err.phone': 'Uniquement des chiffres, des espaces et + - ( ) . / x.',
    'edit.err.many': '20 entrées au plus.', 'edit.err.item': '« {value} » est trop long (100 octets au plus).',
    'edit.err.tag': "« {value} » n'est pas une étiquette valide (lettres, chiffres, espaces, « - » ou « _ »).",
    'edit.err.manager': "Personne n'a le nom d'utilisateur « {value} ».", 'edit.err.self': 'Vous ne pouvez pas être votre propre responsable.',
  },
});

const bytes = (s) => new TextEncoder().encode(s).length;
const TEXT_FIELDS = [
  // name, input type, max bytes, autocomplete
  ['display_name', 'text', 200, 'name'], ['title', 'text', 200, 'organization-title'], ['department', 'text', 200, 'off'],
  ['location', 'text', 200, 'off'], ['email', 'email', 320, 'email'], ['phone', 'tel', 50, 'tel'],
];
const LISTS = ['projects', 'expertise', 'languages'];
const TAG_RE = /^[\p{L}\p{N}_ -]+$/u;

route('/profile/edit', {
  async render({ main, signal, saved, keep }) {
    const p = await get('/api/moka/v1/profiles/me', { signal });
    const manager = p.manager_id ? await get(`/api/v1/accounts/${p.manager_id}`, { signal }).catch(() => null) : null;
    if (signal.aborted) return;
    document.title = `${t('edit.title')} · Moka`;
    append(main, h('div', { class: 'profile-edit' },
      h('h1', null, t('edit.title')),
      h('p', null, h('a', { href: profilePath(p) }, t('edit.view'))),
      photoForm(p),
      detailsForm(p, manager, signal, saved, keep)));
  },
});

// A field's wrapper: label, hint, the control, and its error line.
function field(name, label, control, hint) {
  const errId = uid('err');
  const hintId = hint ? uid('hint') : null;
  const input = control.input || control;
  input.setAttribute('aria-describedby', [hintId, errId].filter(Boolean).join(' '));
  const error = h('p', { id: errId, class: 'field-error', hidden: true });
  const wrap = h('div', { class: 'field', dataset: { field: name } },
    h('label', { for: input.id }, label),
    hint ? h('p', { id: hintId, class: 'hint muted' }, hint) : null,
    control.el || control, error);
  return { wrap, input, error, name };
}

function setError(f, message) {
  f.error.textContent = message || '';
  f.error.hidden = !message;
  if (message) f.input.setAttribute('aria-invalid', 'true');
  else f.input.removeAttribute('aria-invalid');
}

function photoForm(p) {
  const fileId = uid('file'), hintId = uid('hint'), errId = uid('err');
  const preview = avatar(p, 112);
  preview.removeAttribute('loading');
  preview.setAttribute('alt', t('edit.photoPreview'));
  preview.classList.add('profile-photo');
  const file = h('input', { id: fileId, type: 'file', name: 'avatar', accept: 'image/png,image/jpeg,image/gif,image/webp', 'aria-describedby': `${hintId} ${errId}` });
  const error = h('p', { id: errId, class: 'field-error', hidden: true, role: 'alert' });
  const button = h('button', { type: 'submit', class: 'btn btn-primary' }, t('edit.photoUpload'));
  let blobUrl = null, saved = preview.src;
  file.addEventListener('change', () => {
    error.hidden = true;
    file.removeAttribute('aria-invalid');
    if (blobUrl) URL.revokeObjectURL(blobUrl);
    blobUrl = file.files[0] ? URL.createObjectURL(file.files[0]) : null;
    preview.src = blobUrl || saved;
  });
  const form = h('form', { class: 'panel form photo-form', novalidate: true },
    h('h2', null, t('edit.photo')),
    h('div', { class: 'photo-row' }, preview,
      h('div', { class: 'field' }, h('label', { for: fileId }, t('edit.photoPick')),
        h('p', { id: hintId, class: 'hint muted' }, t('edit.photoHint')), file, error, h('div', null, button))));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const f = file.files[0];
    const fail = (msg) => { error.textContent = msg; error.hidden = false; file.setAttribute('aria-invalid', 'true'); file.focus(); };
    if (!f) { fail(t('edit.photoNone')); return; }
    const body = new FormData();
    body.append('avatar', f, f.name);
    button.disabled = true;
    button.textContent = t('edit.photoUploading');
    try {
      const { data } = await api('POST', '/api/moka/v1/profiles/me/avatar', { form: body });
      saved = data.avatar;
      preview.src = saved;
      if (blobUrl) URL.revokeObjectURL(blobUrl);
      blobUrl = null;
      file.value = '';
      announce(t('edit.photoDone'));
      refreshAccount(data.id);
    } catch (err) {
      fail(err.message);
    } finally {
      button.disabled = false;
      button.textContent = t('edit.photoUpload');
    }
  });
  return form;
}

async function refreshAccount(id) {
  try { updateAccount(await get(`/api/v1/accounts/${id}`)); } catch { /* the header keeps the old one */ }
}

// Suggests usernames for the manager field (a <datalist> filled by search).
function managerInput(current, signal) {
  const listId = uid('mgrs');
  const input = h('input', { id: uid('manager'), type: 'text', name: 'manager', list: listId, autocomplete: 'off', autocapitalize: 'none', spellcheck: 'false', maxlength: 100 });
  input.value = current ? current.username : '';
  const list = h('datalist', { id: listId });
  let timer = null, ctl = null;
  input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const q = input.value.trim().replace(/^@/, '');
      if (ctl) ctl.abort();
      if (!q) return;
      ctl = new AbortController();
      let people;
      try { people = await get('/api/v1/accounts/search', { query: { q, limit: 8 }, signal: ctl.signal }); } catch { return; }
      list.replaceChildren(...people.map((a) => h('option', { value: a.username }, nameOf(a))));
    }, 150);
  }, { signal });
  return { el: h('div', null, input, list), input };
}

// saved: what was typed before the screen was drawn again (a language
// switch); keep() hands the typed values over for the next drawing.
function detailsForm(p, manager, signal, saved, keep) {
  const typed = saved || { text: {}, lists: {}, manager: null };
  const fields = {};
  const controls = [];
  for (const [name, type, max, auto] of TEXT_FIELDS) {
    const input = h('input', { id: uid(name), name, type, autocomplete: auto, maxlength: max * 2, value: p[name] || '' });
    if (name === 'display_name') input.required = true;
    if (name in typed.text) input.value = typed.text[name];
    fields[name] = { ...field(name, t(name === 'title' ? 'edit.title_' : `edit.${name}`), input), max };
    fields[name].wrap.classList.add('field-short');
    controls.push(fields[name].wrap);
  }
  const about = h('textarea', { id: uid('about'), name: 'about', rows: 6, value: p.about || '' });
  about.value = typed.text.about ?? (p.about || '');
  fields.about = { ...field('about', t('edit.about'), about), max: 5000 };
  controls.push(fields.about.wrap);
  const chips = {};
  for (const name of LISTS) {
    chips[name] = chipsInput({
      id: uid(name), values: typed.lists[name] || p[name] || [],
      normalize: (s) => s.trim().replace(/\s+/g, ' '),
    });
    fields[name] = field(name, t(`edit.${name}`), chips[name], t(name === 'expertise' ? 'edit.expertiseHint' : 'edit.listHint'));
    controls.push(fields[name].wrap);
  }
  const mgr = managerInput(manager, signal);
  if (typed.manager !== null) mgr.input.value = typed.manager;
  keep(() => ({
    text: Object.fromEntries(TEXT_FIELDS.map(([n]) => [n, fields[n].input.value]).concat([['about', fields.about.input.value]])),
    lists: Object.fromEntries(LISTS.map((n) => [n, chips[n].values()])),
    manager: mgr.input.value,
  }));
  fields.manager_id = field('manager_id', t('edit.manager'), mgr, t('edit.managerHint'));
  controls.push(fields.manager_id.wrap);

  const formError = h('p', { class: 'form-error', role: 'alert', hidden: true, tabindex: '-1' });
  const done = h('p', { class: 'form-ok', role: 'status' });
  const button = h('button', { type: 'submit', class: 'btn btn-primary' }, t('edit.save'));
  const form = h('form', { class: 'panel form details-form', novalidate: true },
    h('h2', null, t('edit.details')), ...controls, formError, h('div', { class: 'row' }, button, done));
  let base = { ...p, manager_username: manager ? manager.username : '' };

  // The changed fields, or null after showing the browser-side errors.
  function collect() {
    const out = {}, errors = [];
    for (const [name] of TEXT_FIELDS.concat([['about']])) {
      const f = fields[name];
      const v = name === 'about' ? f.input.value : f.input.value.trim();
      setError(f, null);
      if (name === 'display_name' && !v) errors.push([f, t('edit.err.required')]);
      else if (bytes(v) > f.max) errors.push([f, t('edit.err.long', { max: f.max })]);
      else if (name === 'email' && v && !/^[^\s@]+@[^\s@]+$/.test(v)) errors.push([f, t('edit.err.email')]);
      else if (name === 'phone' && v && !/^[0-9 +\-().\/x]+$/.test(v)) errors.push([f, t('edit.err.phone')]);
      if (v !== (base[name] || '')) out[name] = v;
    }
    for (const name of LISTS) {
      const f = fields[name];
      const v = chips[name].values();
      setError(f, null);
      const bad = v.find((x) => bytes(x) > 100);
      if (v.length > 20) errors.push([f, t('edit.err.many')]);
      else if (bad) errors.push([f, t('edit.err.item', { value: bad })]);
      else if (name === 'expertise' && v.find((x) => !TAG_RE.test(x))) errors.push([f, t('edit.err.tag', { value: v.find((x) => !TAG_RE.test(x)) })]);
      if (JSON.stringify(v) !== JSON.stringify(base[name] || [])) out[name] = v;
    }
    setError(fields.manager_id, null);
    const m = mgr.input.value.trim().replace(/^@/, '');
    if (m !== base.manager_username) out.manager_username = m;
    for (const [f, msg] of errors) setError(f, msg);
    if (errors.length) { errors[0][0].input.focus(); return null; }
    return out;
  }

  // "field: message" from the server goes next to that field.
  function serverError(err) {
    const name = /^(\w+):/.exec(err.message);
    const f = name && fields[name[1]];
    if (f) { setError(f, err.message.slice(name[0].length).trim()); f.input.focus(); return; }
    formError.textContent = err.message;
    formError.hidden = false;
    formError.focus();
  }

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (button.disabled) return;
    formError.hidden = true;
    done.textContent = '';
    const changes = collect();
    if (!changes) { done.textContent = t('edit.fix'); return; }
    button.disabled = true;
    button.textContent = t('edit.saving');
    try {
      if ('manager_username' in changes) {
        const u = changes.manager_username;
        delete changes.manager_username;
        if (!u) changes.manager_id = null;
        else {
          let acct;
          try { acct = await get('/api/v1/accounts/lookup', { query: { acct: u } }); } catch (err) {
            if (err instanceof ApiError && err.status === 404) throw new ApiError(422, `manager_id: ${t('edit.err.manager', { value: u })}`);
            throw err;
          }
          if (acct.id === p.id) throw new ApiError(422, `manager_id: ${t('edit.err.self')}`);
          changes.manager_id = acct.id;
        }
      }
      if (!Object.keys(changes).length) { done.textContent = t('edit.nothing'); return; }
      const fresh = await patch('/api/moka/v1/profiles/me', changes);
      base = { ...fresh, manager_username: mgr.input.value.trim().replace(/^@/, '') };
      // Show the lists as the server keeps them (trimmed, normalised).
      for (const name of LISTS) {
        const c = chipsInput({ id: fields[name].input.id, values: fresh[name], normalize: (s) => s.trim().replace(/\s+/g, ' ') });
        c.input.setAttribute('aria-describedby', fields[name].input.getAttribute('aria-describedby'));
        chips[name].el.replaceWith(c.el);
        chips[name] = c;
        fields[name].input = c.input;
      }
      done.textContent = t('edit.saved');
      if (session.account && 'display_name' in changes) refreshAccount(fresh.id);
    } catch (err) {
      serverError(err);
    } finally {
      button.disabled = false;
      button.textContent = t('edit.save');
    }
  });
  return form;
}
