// The API client: fetch with the session cookie, the X-CSRF-Token header on
// every state change, JSON in and out. A failed call throws an ApiError whose
// message is the server's {"error": "..."} (or a network message), ready to
// show to the person. A 401 also tells the session (signed out elsewhere).
import { t, addStrings } from './i18n.js';

addStrings({
  en: { 'api.offline': 'Cannot reach Moka. Check your connection and try again.',
        'api.failed': 'Something went wrong ({status}).' },
  fr: { 'api.offline': 'Moka est injoignable. Vérifiez votre connexion et réessayez.',
        'api.failed': 'Une erreur est survenue ({status}).' },
});

export class ApiError extends Error {
  constructor(status, message, body) {
    super(message);
    this.status = status;
    this.body = body;
  }
}

let csrf = null;
export const setCsrfToken = (token) => { csrf = token; };
export const csrfToken = () => csrf; // for requests made without fetch (upload progress)
let onUnauthorized = () => {};
export const setUnauthorizedHandler = (fn) => { onUnauthorized = fn; };

// Parses a Link header into {next, prev} (paths relative to this origin).
export function parseLink(header) {
  const out = {};
  for (const part of (header || '').split(',')) {
    const m = /<([^>]+)>;\s*rel="(\w+)"/.exec(part);
    if (m) {
      const u = new URL(m[1], location.href);
      out[m[2]] = u.pathname + u.search;
    }
  }
  return out;
}

function withQuery(path, query) {
  let url = path;
  if (query) {
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) {
      if (v === undefined || v === null) continue;
      for (const item of Array.isArray(v) ? v : [v]) qs.append(Array.isArray(v) ? `${k}[]` : k, item);
    }
    const s = qs.toString();
    if (s) url += (url.includes('?') ? '&' : '?') + s;
  }
  return url;
}

// GET answers asked for ahead of time (the first screen's data, fetched
// while the session loads): the next api('GET') of the same URL within 10 s
// takes the answer instead of asking again.
const early = new Map();
export function prefetch(path, query) {
  const url = withQuery(path, query);
  if (!early.has(url)) early.set(url, { at: Date.now(), answer: api('GET', url, { quiet: true }).catch((e) => e) });
}

// api(method, path, {query, json, form, signal, headers}) → {data, link, status, headers}
// quiet: a 401 does not sign the app out (for prefetches).
export async function api(method, path, { query, json, form, signal, headers = {}, quiet = false } = {}) {
  const url = withQuery(path, query);
  if (method === 'GET' && early.has(url)) {
    const { at, answer } = early.get(url);
    early.delete(url);
    const r = Date.now() - at < 10000 ? await answer : null;
    if (r && !(r instanceof Error)) return r;
  }
  const h = { Accept: 'application/json', ...headers };
  let body;
  if (json !== undefined) { h['Content-Type'] = 'application/json'; body = JSON.stringify(json); }
  else if (form !== undefined) body = form;
  if (method !== 'GET' && method !== 'HEAD' && csrf) h['X-CSRF-Token'] = csrf;
  let res;
  try {
    res = await fetch(url, { method, headers: h, body, signal, credentials: 'same-origin' });
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new ApiError(0, t('api.offline'));
  }
  const type = res.headers.get('content-type') || '';
  const data = type.includes('json') ? await res.json().catch(() => null) : await res.text();
  if (!res.ok) {
    if (res.status === 401 && !quiet && !path.startsWith('/auth/')) onUnauthorized();
    const msg = data && typeof data === 'object' && data.error
      ? String(data.error_description || data.error) : t('api.failed', { status: res.status });
    throw new ApiError(res.status, msg, data);
  }
  return { data, status: res.status, headers: res.headers, link: parseLink(res.headers.get('link')) };
}

export const get = (path, opts) => api('GET', path, opts).then((r) => r.data);
export const post = (path, json, opts) => api('POST', path, { json: json ?? {}, ...opts }).then((r) => r.data);
export const patch = (path, json, opts) => api('PATCH', path, { json: json ?? {}, ...opts }).then((r) => r.data);
export const del = (path, opts) => api('DELETE', path, opts).then((r) => r.data);
