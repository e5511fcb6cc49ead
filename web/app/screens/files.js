// Files (/files, /files/shared, /files/company, /files/trash): my files, the
// files shared with me, the company's, and my trash, with infinite scroll
// (Link rel="next"). Upload with a progress bar; per file: download,
// versions (list, download any, upload a new one), rename, share (audience:
// only me / a community of mine / the company, plus named people as readers
// or editors), move to the trash; in the trash: restore or delete forever.
import { h, append, replace, uid, announce } from '../dom.js';
import { route } from '../router.js';
import { t, addStrings, formatRelative, formatDate, formatNumber } from '../i18n.js';
import { api, get, patch, post, del } from '../api.js';
import { uploadFile } from '../ui/attachments.js';

addStrings({
  en: {
    'files.title': 'Files', 'files.tabs': 'Sections', 'files.mine': 'My files', 'files.shared': 'Shared with me', 'files.company': 'Company',
    'files.trash': 'Trash', 'files.upload': 'Upload a file', 'files.choose': 'Choose a file', 'files.uploading': 'Uploading {name}…',
    'files.uploaded': '{name} uploaded.', 'files.list': 'Files', 'files.empty': 'No files here yet.', 'files.loading': 'Loading…',
    'files.more': 'Load more files', 'files.size': '{size}', 'files.by': 'by {name}', 'files.version': 'version {n}',
    'files.download': 'Download', 'files.versions': 'Versions', 'files.rename': 'Rename', 'files.share': 'Share', 'files.toTrash': 'Move to trash',
    'files.restore': 'Restore', 'files.purge': 'Delete forever', 'files.purgeConfirm': 'Delete {name} for good? This cannot be undone.',
    'files.trashed': '{name} moved to the trash.', 'files.restored': '{name} restored.', 'files.purged': '{name} deleted.',
    'files.newName': 'New name', 'files.save': 'Save', 'files.cancel': 'Cancel', 'files.renamed': 'Renamed to {name}.',
    'files.newVersion': 'Upload a new version', 'files.versionAdded': 'Version {n} uploaded.', 'files.close': 'Close',
    'files.shareTitle': 'Share {name}', 'files.audience': 'Who may read it', 'files.aud.private': 'Only me and the people below',
    'files.aud.community': 'A community', 'files.aud.company': 'The whole company', 'files.community': 'Community',
    'files.people': 'People', 'files.addPerson': 'Add a person (username)', 'files.add': 'Add', 'files.role.reader': 'Reader', 'files.role.editor': 'Editor',
    'files.removePerson': 'Remove {name}', 'files.noSuch': 'No one is called {name}.', 'files.shared.saved': 'Sharing saved.',
    'files.audienceTag.private': 'Private', 'files.audienceTag.people': 'Shared', 'files.audienceTag.community': 'Community', 'files.audienceTag.company': 'Company',
    'files.role': 'Role of {name}', 'files.noCommunity': 'You are in no community yet.',
  },
  fr: {
    'files.title': 'Fichiers', 'files.tabs': 'Rubriques', 'files.mine': 'Mes fichiers', 'files.shared': 'Partagés avec moi', 'files.company': 'Entreprise',
    'files.trash': 'Corbeille', 'files.upload': 'Envoyer un fichier', 'files.choose': 'Choisir un fichier', 'files.uploading': 'Envoi de {name}…',
    'files.uploaded': '{name} envoyé.', 'files.list': 'Fichiers', 'files.empty': 'Aucun fichier ici pour le moment.', 'files.loading': 'Chargement…',
    'files.more': 'Charger plus de fichiers', 'files.size': '{size}', 'files.by': 'par {name}', 'files.version': 'version {n}',
    'files.download': 'Télécharger', 'files.versions': 'Versions', 'files.rename': 'Renommer', 'files.share': 'Partager', 'files.toTrash': 'Mettre à la corbeille',
    'files.restore': 'Restaurer', 'files.purge': 'Supprimer définitivement', 'files.purgeConfirm': 'Supprimer {name} définitivement ? Impossible de revenir en arrière.',
    'files.trashed': '{name} mis à la corbeille.', 'files.restored': '{name} restauré.', 'files.purged': '{name} supprimé.',
    'files.newName': 'Nouveau nom', 'files.save': 'Enregistrer', 'files.cancel': 'Annuler', 'files.renamed': 'Renommé en {name}.',
    'files.newVersion': 'Envoyer une nouvelle version', 'files.versionAdded': 'Version {n} envoyée.', 'files.close': 'Fermer',
    'files.shareTitle': 'Partager {name}', 'files.audience': 'Qui peut le lire', 'files.aud.private': 'Moi et les personnes ci-dessous',
    'files.aud.community': 'Une communauté', 'files.aud.company': "Toute l'entreprise", 'files.community': 'Communauté',
    'files.people': 'Personnes', 'files.addPerson': "Ajouter une personne (nom d'utilisateur)", 'files.add': 'Ajouter', 'files.role.reader': 'Lecteur', 'files.role.editor': 'Éditeur',
    'files.removePerson': 'Retirer {name}', 'files.noSuch': "Personne ne s'appelle {name}.", 'files.shared.saved': 'Partage enregistré.',
    'files.audienceTag.private': 'Privé', 'files.audienceTag.people': 'Partagé', 'files.audienceTag.community': 'Communauté', 'files.audienceTag.company': 'Entreprise',
    'files.role': 'Rôle de {name}', 'files.noCommunity': "Vous n'êtes encore dans aucune communauté.",
  },
});

const TABS = [['/files', 'mine'], ['/files/shared', 'shared'], ['/files/company', 'company'], ['/files/trash', 'trash']];

export function formatSize(n) {
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
  return `${i ? formatNumber(Math.round(n * 10) / 10) : formatNumber(n)} ${units[i]}`;
}

function tabs(path) {
  return h('nav', { class: 'tabs', 'aria-label': t('files.tabs') }, h('ul', null, TABS.map(([href, key]) =>
    h('li', null, h('a', { href, class: 'tab', 'aria-current': href === path ? 'page' : null }, t(`files.${key}`))))));
}

// A form in a <dialog>, closed with Cancel or Escape; resolves on submit.
function dialog(title, body, { submitLabel, onSubmit }) {
  const titleId = uid('dlg');
  const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, submitLabel || t('files.save'));
  const el = h('dialog', { class: 'panel files-dialog', 'aria-labelledby': titleId });
  const form = h('form', { class: 'form', onsubmit: async (e) => {
    e.preventDefault();
    error.hidden = true;
    submit.disabled = true;
    try {
      await onSubmit();
      el.close();
    } catch (err) {
      error.textContent = err.message;
      error.hidden = false;
    } finally {
      submit.disabled = false;
    }
  } }, h('h2', { id: titleId }, title), body, error,
  h('div', { class: 'composer-row' }, h('span', { class: 'spacer' }),
    h('button', { type: 'button', class: 'btn btn-quiet', onclick: () => el.close() }, t('files.cancel')), submit));
  el.append(form);
  el.addEventListener('close', () => el.remove());
  document.body.append(el);
  el.showModal();
  return el;
}

function renameDialog(f, onDone) {
  const id = uid('name');
  const input = h('input', { id, type: 'text', value: f.name, maxlength: 255, required: true });
  dialog(t('files.rename'), h('div', { class: 'field' }, h('label', { for: id }, t('files.newName')), input), {
    onSubmit: async () => {
      const nf = await patch(`/api/moka/v1/files/${f.id}`, { name: input.value.trim() });
      announce(t('files.renamed', { name: nf.name }));
      onDone(nf);
    },
  });
  input.select();
}

async function shareDialog(f, onDone) {
  const audId = uid('aud'), comId = uid('com'), personId = uid('person');
  const audience = h('select', { id: audId, name: 'audience' }, ['private', 'community', 'company'].map((a) =>
    h('option', { value: a, selected: (f.sharing.audience === 'people' ? 'private' : f.sharing.audience) === a }, t(`files.aud.${a}`))));
  let mine = [];
  try { mine = await get('/api/moka/v1/communities/mine', { query: { limit: 80 } }); } catch { /* none */ }
  const community = h('select', { id: comId, name: 'community_id' }, mine.map((c) =>
    h('option', { value: c.id, selected: c.id === f.sharing.community_id }, c.name)));
  const comField = h('div', { class: 'field' }, h('label', { for: comId }, t('files.community')),
    mine.length ? community : h('p', { class: 'muted' }, t('files.noCommunity')));
  const syncCom = () => { comField.hidden = audience.value !== 'community'; };
  audience.addEventListener('change', syncCom);
  syncCom();
  const people = (f.sharing.people || []).map((p) => ({ account: p.account, role: p.role }));
  const list = h('ul', { class: 'files-people' });
  const paint = () => replace(list, people.map((p, i) => {
    const roleId = uid('role');
    const role = h('select', { id: roleId, onchange: (e) => { p.role = e.target.value; } }, ['reader', 'editor'].map((r) =>
      h('option', { value: r, selected: p.role === r }, t(`files.role.${r}`))));
    const name = p.account.display_name || p.account.username;
    return h('li', { class: 'files-person' }, h('span', null, `${name} @${p.account.username}`),
      h('label', { for: roleId, class: 'visually-hidden' }, t('files.role', { name })), role,
      h('button', { type: 'button', class: 'btn btn-quiet', 'aria-label': t('files.removePerson', { name }),
        onclick: () => { people.splice(i, 1); paint(); } }, '×'));
  }));
  paint();
  const who = h('input', { id: personId, type: 'text', autocomplete: 'off', maxlength: 100 });
  const whoError = h('p', { class: 'form-error', role: 'alert', hidden: true });
  const add = async () => {
    const name = who.value.trim().replace(/^@/, '');
    if (!name) return;
    whoError.hidden = true;
    try {
      const account = await get('/api/v1/accounts/lookup', { query: { acct: name } });
      if (!people.some((p) => p.account.id === account.id)) people.push({ account, role: 'reader' });
      who.value = '';
      paint();
    } catch {
      whoError.textContent = t('files.noSuch', { name });
      whoError.hidden = false;
    }
  };
  who.addEventListener('keydown', (e) => { if (e.key === 'Enter') { e.preventDefault(); add(); } });
  dialog(t('files.shareTitle', { name: f.name }), [
    h('div', { class: 'field' }, h('label', { for: audId }, t('files.audience')), audience),
    comField,
    h('fieldset', { class: 'field' }, h('legend', null, t('files.people')), list,
      h('label', { for: personId }, t('files.addPerson')),
      h('div', { class: 'composer-row' }, who, h('button', { type: 'button', class: 'btn', onclick: add }, t('files.add'))), whoError),
  ], {
    onSubmit: async () => {
      const body = { audience: audience.value, people: people.map((p) => ({ id: p.account.id, role: p.role })) };
      if (audience.value === 'community') body.community_id = community.value;
      const nf = await patch(`/api/moka/v1/files/${f.id}`, body);
      announce(t('files.shared.saved'));
      onDone(nf);
    },
  });
}

function versionsPanel(f, li, onDone) {
  const panel = h('div', { class: 'files-versions' }, h('p', { class: 'muted' }, t('files.loading')));
  get(`/api/moka/v1/files/${f.id}/versions`).then((vs) => {
    const inputId = uid('ver');
    const input = h('input', { id: inputId, type: 'file', class: 'visually-hidden' });
    const progress = h('progress', { max: 100, value: 0, hidden: true });
    input.addEventListener('change', async () => {
      const file = input.files[0];
      if (!file) return;
      progress.hidden = false;
      try {
        const nf = await uploadFile(`/api/moka/v1/files/${f.id}/versions`, file, { onProgress: (a, b) => { progress.value = Math.round((100 * a) / b); } });
        announce(t('files.versionAdded', { n: nf.version }));
        onDone(nf);
      } catch (err) {
        replace(panel, h('p', { class: 'form-error', role: 'alert' }, err.message));
      }
    });
    replace(panel, h('h3', null, t('files.versions')),
      h('ol', { class: 'files-version-list', reversed: true }, vs.map((v) => h('li', null,
        h('a', { href: v.url, download: '' }, `${t('files.version', { n: v.version })} · ${v.name}`),
        h('span', { class: 'muted' }, ` · ${formatSize(v.size)} · ${t('files.by', { name: v.by ? v.by.display_name || v.by.username : '?' })} · `),
        h('time', { datetime: v.created_at, title: formatDate(v.created_at) }, formatRelative(v.created_at))))),
      f.role !== 'reader' ? [input, h('label', { for: inputId, class: 'btn' }, t('files.newVersion')), progress] : null);
  }, (err) => replace(panel, h('p', { class: 'form-error', role: 'alert' }, err.message)));
  li.append(panel);
  return panel;
}

function row(f, tab, list) {
  const li = h('li', { class: 'file-row', dataset: { id: f.id } });
  const redraw = (nf) => { const n = row(nf, tab, list); li.replaceWith(n); n.querySelector('.file-name')?.focus(); };
  let versions = null;
  const act = (label, fn, extra = {}) => h('button', { type: 'button', class: 'btn btn-quiet', onclick: fn, ...extra }, label);
  const actions = [];
  if (tab === 'trash') {
    actions.push(act(t('files.restore'), async () => {
      await post(`/api/moka/v1/files/${f.id}/restore`);
      announce(t('files.restored', { name: f.name }));
      li.remove();
    }));
    actions.push(act(t('files.purge'), async () => {
      if (!confirm(t('files.purgeConfirm', { name: f.name }))) return;
      await post(`/api/moka/v1/files/${f.id}/purge`);
      announce(t('files.purged', { name: f.name }));
      li.remove();
    }));
  } else {
    actions.push(act(t('files.versions'), (e) => {
      const open = e.currentTarget.getAttribute('aria-expanded') === 'true';
      e.currentTarget.setAttribute('aria-expanded', String(!open));
      if (open) { versions?.remove(); versions = null; } else versions = versionsPanel(f, li, redraw);
    }, { 'aria-expanded': 'false' }));
    if (f.role !== 'reader') actions.push(act(t('files.rename'), () => renameDialog(f, redraw)));
    if (f.role === 'owner') {
      actions.push(act(t('files.share'), () => shareDialog(f, redraw)));
      actions.push(act(t('files.toTrash'), async () => {
        await del(`/api/moka/v1/files/${f.id}`);
        announce(t('files.trashed', { name: f.name }));
        li.remove();
      }));
    }
  }
  append(li,
    f.thumbnail_url ? h('img', { src: f.thumbnail_url, alt: '', class: 'file-thumb', width: 48, height: 48, loading: 'lazy' })
      : h('span', { class: 'file-thumb file-icon', 'aria-hidden': 'true' }, (f.name.split('.').pop() || '').slice(0, 4).toUpperCase()),
    h('div', { class: 'file-main' },
      h('a', { href: f.url, class: 'file-name', download: tab === 'trash' ? null : '' }, f.name),
      h('p', { class: 'file-meta muted' },
        `${formatSize(f.size)} · ${t('files.version', { n: f.version })} · `,
        h('time', { datetime: f.updated_at, title: formatDate(f.updated_at) }, formatRelative(f.updated_at)),
        f.role !== 'owner' ? ` · ${t('files.by', { name: f.owner.display_name || f.owner.username })}` : null,
        ' ', h('span', { class: 'post-tag' }, t(`files.audienceTag.${f.sharing.audience}`)))),
    h('div', { class: 'file-actions' }, actions));
  return li;
}

function uploader(list, status) {
  const inputId = uid('file');
  const input = h('input', { id: inputId, type: 'file', class: 'visually-hidden', multiple: true });
  const progress = h('progress', { max: 100, value: 0, hidden: true, class: 'files-progress' });
  const label = h('span', { class: 'muted', 'aria-live': 'polite' });
  const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
  input.addEventListener('change', async () => {
    error.hidden = true;
    for (const file of [...input.files]) {
      progress.hidden = false;
      progress.value = 0;
      progress.setAttribute('aria-label', t('files.uploading', { name: file.name }));
      label.textContent = t('files.uploading', { name: file.name });
      try {
        const f = await uploadFile('/api/moka/v1/files', file, { onProgress: (a, b) => { progress.value = Math.round((100 * a) / b); } });
        list.prepend(row(f, 'mine', list));
        status.hidden = true;
        label.textContent = t('files.uploaded', { name: f.name });
      } catch (err) {
        error.textContent = err.message;
        error.hidden = false;
        label.textContent = '';
      }
      progress.hidden = true;
    }
    input.value = '';
  });
  return h('section', { class: 'panel files-upload', 'aria-label': t('files.upload') },
    input, h('label', { for: inputId, class: 'btn btn-primary' }, t('files.upload')), progress, label, error);
}

async function page(ctx, tab) {
  const { main, signal } = ctx;
  document.title = `${t(`files.${tab}`)} · Moka`;
  const list = h('ul', { class: 'file-list', 'aria-label': t('files.list') });
  const status = h('p', { class: 'people-status muted', 'aria-live': 'polite' }, t('files.loading'));
  const more = h('button', { type: 'button', class: 'btn people-more', hidden: true, onclick: () => load() }, t('files.more'));
  append(main, h('h1', null, t('files.title')), tabs(ctx.path), tab === 'mine' ? uploader(list, status) : null,
    h('section', { class: 'panel' }, list, status, more));
  let next = `/api/moka/v1/files?list=${tab}&limit=40`, loading = false;
  async function load() {
    if (loading || !next) return;
    loading = true;
    more.hidden = true;
    try {
      const res = await api('GET', next, { signal });
      append(list, res.data.map((f) => row(f, tab, list)));
      next = res.data.length ? res.link.next : null;
      status.hidden = list.children.length > 0;
      status.textContent = t('files.empty');
      more.hidden = !next;
    } catch (err) {
      if (err.name === 'AbortError') return;
      status.hidden = false;
      status.textContent = err.message;
    } finally {
      loading = false;
    }
  }
  await load();
}

for (const [path, tab] of TABS) route(path, { render: (ctx) => page(ctx, tab) });
