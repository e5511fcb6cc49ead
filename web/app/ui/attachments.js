// Files in posts and forms: uploads with progress (XMLHttpRequest: fetch
// reports no upload progress), the composer's image picker (uploads through
// Mastodon's POST /api/v2/media, previews, remove), and a post's
// attachments (images as previews linking to the file; documents resolved
// through the files API, "restricted" when the viewer may not see them).
//
//   uploadFile(path, file, { fields, onProgress, signal }) → Promise<entity>
//   attachPicker({ signal }) → { el, ids(), clear(), busy() }
//   mediaList(status) → <ul> | null
import { h, replace, uid, announce } from '../dom.js';
import { t, addStrings } from '../i18n.js';
import { csrfToken, ApiError, get } from '../api.js';

addStrings({
  en: {
    'attach.image': 'Attach an image', 'attach.remove': 'Remove {name}', 'attach.uploading': 'Uploading {name}…',
    'attach.done': '{name} attached.', 'attach.list': 'Attachments', 'attach.restricted': 'Restricted attachment: you may not see this file',
    'attach.file': 'Attachment: {name}', 'attach.loading': 'Attachment…', 'attach.max': 'At most 4 attachments.',
    'attach.failed': 'The upload failed ({status}).',
  },
  fr: {
    'attach.image': 'Joindre une image', 'attach.remove': 'Retirer {name}', 'attach.uploading': 'Envoi de {name}…',
    'attach.done': '{name} jointe.', 'attach.list': 'Pièces jointes', 'attach.restricted': "Pièce jointe restreinte : vous n'avez pas accès à ce fichier",
    'attach.file': 'Pièce jointe : {name}', 'attach.loading': 'Pièce jointe…', 'attach.max': 'Au plus 4 pièces jointes.',
    'attach.failed': "L'envoi a échoué ({status}).",
  },
});

export const MAX_ATTACHMENTS = 4;

export function uploadFile(path, file, { fields = {}, onProgress, signal, method = 'POST' } = {}) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    const fd = new FormData();
    for (const [k, v] of Object.entries(fields)) if (v !== undefined && v !== null) fd.append(k, v);
    fd.append('file', file, file.name);
    xhr.open(method, path);
    xhr.setRequestHeader('Accept', 'application/json');
    if (csrfToken()) xhr.setRequestHeader('X-CSRF-Token', csrfToken());
    xhr.upload.onprogress = (e) => { if (onProgress && e.lengthComputable) onProgress(e.loaded, e.total); };
    xhr.onload = () => {
      let data = null;
      try { data = JSON.parse(xhr.responseText); } catch { /* not JSON */ }
      if (xhr.status >= 200 && xhr.status < 300) resolve(data);
      else reject(new ApiError(xhr.status, (data && data.error) || t('attach.failed', { status: xhr.status }), data));
    };
    xhr.onerror = () => reject(new ApiError(0, t('api.offline')));
    xhr.onabort = () => reject(new DOMException('aborted', 'AbortError'));
    if (signal) signal.addEventListener('abort', () => xhr.abort(), { once: true });
    xhr.send(fd);
  });
}

export function attachPicker({ signal } = {}) {
  const inputId = uid('attach');
  const items = []; // { id, li, pending }
  const list = h('ul', { class: 'attach-list', 'aria-label': t('attach.list') });
  const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
  const input = h('input', { id: inputId, type: 'file', accept: 'image/*', class: 'visually-hidden', multiple: true });
  const label = h('label', { for: inputId, class: 'btn btn-quiet attach-button' }, t('attach.image'));
  function remove(item) {
    items.splice(items.indexOf(item), 1);
    item.li.remove();
    input.disabled = false;
    label.focus?.();
  }
  async function add(file) {
    if (items.length >= MAX_ATTACHMENTS) { error.textContent = t('attach.max'); error.hidden = false; return; }
    const progress = h('progress', { max: 100, value: 0, 'aria-label': t('attach.uploading', { name: file.name }) });
    const preview = h('img', { alt: '', class: 'attach-preview', width: 64, height: 64 });
    const item = { id: null, pending: true, li: null };
    const rm = h('button', { type: 'button', class: 'btn btn-quiet attach-remove', 'aria-label': t('attach.remove', { name: file.name }), onclick: () => remove(item) }, '×');
    item.li = h('li', { class: 'attach-item' }, preview, h('span', { class: 'attach-name' }, file.name), progress, rm);
    items.push(item);
    list.append(item.li);
    preview.src = URL.createObjectURL(file);
    try {
      const m = await uploadFile('/api/v2/media', file, { signal, onProgress: (a, b) => { progress.value = Math.round((100 * a) / b); } });
      item.id = m.id;
      item.li.dataset.id = m.id;
      progress.remove();
      announce(t('attach.done', { name: file.name }));
    } catch (err) {
      if (err.name === 'AbortError') return;
      remove(item);
      error.textContent = err.message;
      error.hidden = false;
    } finally {
      item.pending = false;
    }
  }
  input.addEventListener('change', () => {
    error.hidden = true;
    for (const f of input.files) add(f);
    input.value = '';
  }, { signal });
  return {
    el: h('div', { class: 'attach' }, input, label, list, error),
    ids: () => items.filter((i) => i.id).map((i) => i.id),
    busy: () => items.some((i) => i.pending),
    clear: () => { items.length = 0; replace(list); error.hidden = true; },
  };
}

// A document attachment: its name once the files API tells it, else restricted.
function documentItem(a) {
  const li = h('li', { class: 'attachment attachment-doc' }, h('span', { class: 'muted' }, t('attach.loading')));
  get(`/api/moka/v1/files/${a.id}`).then((f) => {
    replace(li, h('a', { href: f.url, download: '', class: 'attachment-link' }, t('attach.file', { name: f.name })));
  }, () => {
    li.classList.add('is-restricted');
    replace(li, h('span', { class: 'muted' }, t('attach.restricted')));
  });
  return li;
}

export function mediaList(s) {
  const media = s.media_attachments || [];
  if (!media.length) return null;
  return h('ul', { class: 'attachments', 'aria-label': t('attach.list') }, media.map((a) => {
    if (a.moka && a.moka.document) return documentItem(a);
    if (a.type === 'image') {
      return h('li', { class: 'attachment' }, h('a', { href: a.url, target: '_blank', rel: 'noopener' },
        h('img', { src: a.preview_url || a.url, alt: a.description || '', loading: 'lazy', decoding: 'async',
          width: a.meta && a.meta.small ? a.meta.small.width : undefined, height: a.meta && a.meta.small ? a.meta.small.height : undefined })));
    }
    return h('li', { class: 'attachment' }, h('a', { href: a.url, download: '' }, t('attach.file', { name: (a.moka && a.moka.name) || a.id })));
  }));
}
