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

// CLDR's cardinal rules for the two languages (creating Intl.PluralRules
// costs tens of milliseconds on a first load; these are exact for integers).
const PLURAL = {
  en: (n) => (n === 1 ? 'one' : 'other'),
  fr: (n) => (n === 0 || n === 1 ? 'one' : n !== 0 && n % 1000000 === 0 ? 'many' : 'other'),
};

export function t(key, vars = {}) {
  let s = tables[lang][key] ?? tables.en[key] ?? key;
  if (typeof s === 'object') s = s[PLURAL[lang](Math.abs(vars.count ?? 0))] ?? s.other;
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

// Integers are grouped by hand ("5,000", "5 000" with a narrow no-break
// space, as Intl does): creating an Intl.NumberFormat delays the first load.
const GROUP = { en: ',', fr: '\u202f' };
export function formatNumber(n) {
  if (!Number.isSafeInteger(n)) return fmt(Intl.NumberFormat).format(n);
  const digits = String(Math.abs(n)).replace(/\B(?=(\d{3})+(?!\d))/g, GROUP[lang]);
  return n < 0 ? `-${digits}` : digits;
}

export function formatDate(iso, opts = { dateStyle: 'medium', timeStyle: 'short' }) {
  return fmt(Intl.DateTimeFormat, opts).format(new Date(iso));
}

// "3 min ago", "yesterday"… (older than a week: the date). From the string
// tables rather than Intl.RelativeTimeFormat, whose first use costs tens of
// milliseconds before the first posts can show.
addStrings({
  en: {
    'time.now': 'now', 'time.min': '{n} min ago', 'time.hour': '{n} h ago', 'time.yesterday': 'yesterday',
    'time.days': '{n} days ago', 'time.inmin': 'in {n} min', 'time.inhour': 'in {n} h',
  },
  fr: {
    'time.now': 'à l’instant', 'time.min': 'il y a {n} min', 'time.hour': 'il y a {n} h', 'time.yesterday': 'hier',
    'time.days': 'il y a {n} j', 'time.inmin': 'dans {n} min', 'time.inhour': 'dans {n} h',
  },
});

export function formatRelative(iso, now = Date.now()) {
  const secs = Math.round((now - new Date(iso).getTime()) / 1000);
  const abs = Math.abs(secs);
  if (abs < 45) return t('time.now');
  if (secs < 0) return abs < 3600 ? t('time.inmin', { n: Math.round(abs / 60) }) : t('time.inhour', { n: Math.round(abs / 3600) });
  if (secs < 3600) return t('time.min', { n: Math.max(1, Math.round(secs / 60)) });
  if (secs < 86400) return t('time.hour', { n: Math.round(secs / 3600) });
  const days = Math.round(secs / 86400);
  if (days <= 1) return t('time.yesterday');
  if (days < 7) return t('time.days', { n: days });
  return formatDate(iso, { dateStyle: 'medium' });
}
