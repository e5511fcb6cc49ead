// Strings, language and formatting. Each module adds its own strings with
// addStrings({en: {...}, fr: {...}}) next to the code that uses them; t(key,
// vars) looks a key up in the current language (English as a fallback) and
// fills {name} placeholders. A value may be {one: '…', other: '…'}, chosen
// with Intl.PluralRules from vars.count. Dates and numbers go through Intl.
const LANGS = ['en', 'fr'];
const KEY = 'moka.lang';
const tables = { en: {}, fr: {} };
const listeners = new Set();

function initial() {
  const saved = localStorage.getItem(KEY);
  if (LANGS.includes(saved)) return saved;
  for (const l of navigator.languages || [navigator.language || 'en']) {
    const base = String(l).slice(0, 2).toLowerCase();
    if (LANGS.includes(base)) return base;
  }
  return 'en';
}

export let lang = initial();
document.documentElement.lang = lang;
export const languages = () => LANGS.slice();

export function addStrings(t) {
  for (const l of LANGS) Object.assign(tables[l], t[l] || {});
}

// Intl formatters are costly to create: one per language and options.
const formatters = new Map();
function fmt(Kind, opts) {
  const key = `${Kind.name}:${lang}:${JSON.stringify(opts)}`;
  let f = formatters.get(key);
  if (!f) { f = new Kind(lang, opts); formatters.set(key, f); }
  return f;
}

export function t(key, vars = {}) {
  let s = tables[lang][key] ?? tables.en[key] ?? key;
  if (typeof s === 'object') s = s[fmt(Intl.PluralRules).select(vars.count ?? 0)] ?? s.other;
  return s.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? (k === 'count' ? formatNumber(vars[k]) : vars[k]) : m));
}

// Changes the language (stored in localStorage); listeners re-render.
export function setLang(l) {
  if (!LANGS.includes(l) || l === lang) return;
  lang = l;
  localStorage.setItem(KEY, l);
  document.documentElement.lang = l;
  for (const fn of listeners) fn(l);
}
export function onLangChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

export const formatNumber = (n) => fmt(Intl.NumberFormat).format(n);

export function formatDate(iso, opts = { dateStyle: 'medium', timeStyle: 'short' }) {
  return fmt(Intl.DateTimeFormat, opts).format(new Date(iso));
}

// "3 min ago", "yesterday"… (older than a week: the date).
export function formatRelative(iso, now = Date.now()) {
  const secs = Math.round((new Date(iso).getTime() - now) / 1000);
  const abs = Math.abs(secs);
  const rtf = fmt(Intl.RelativeTimeFormat, { numeric: 'auto', style: 'short' });
  if (abs < 45) return rtf.format(0, 'second');
  if (abs < 3600) return rtf.format(Math.round(secs / 60), 'minute');
  if (abs < 86400) return rtf.format(Math.round(secs / 3600), 'hour');
  if (abs < 7 * 86400) return rtf.format(Math.round(secs / 86400), 'day');
  return formatDate(iso, { dateStyle: 'medium' });
}
