// Search (/search?q=…&type=…): one box, tabs for everything, people,
// experts ("who knows"), posts, questions, communities, forum topics,
// hashtags, files (names and the text inside) and my messages; filters for people (department, location); highlighted
// snippets; "More" pages through a type. And "Questions for you"
// (/search/for-you): open questions you were asked about or that match
// your expertise.
import { h, append, replace, announce } from '../dom.js';
import { route, navigate } from '../router.js';
import { t, addStrings, formatNumber } from '../i18n.js';
import { get } from '../api.js';
import { postCard } from '../ui/post.js';
import { personRow } from '../ui/person.js';
import { whyText } from '../ui/experts.js';
import { formatSize } from './files.js';

addStrings({
  en: {
    'find.title': 'Search', 'find.label': 'Search Moka', 'find.placeholder': 'People, expertise, posts, questions, communities…',
    'find.go': 'Search', 'find.tabs': 'What to search',
    'find.all': 'All', 'find.people': 'People', 'find.experts': 'Who knows', 'find.posts': 'Posts', 'find.questions': 'Questions',
    'find.communities': 'Communities', 'find.topics': 'Forum topics', 'find.hashtags': 'Hashtags',
    'find.files': 'Files', 'find.messages': 'Messages', 'find.direct': 'Direct message', 'find.fileBy': '{name} · {size}',
    'find.count': { one: '{count} result', other: '{count} results' },
    'find.countCapped': { one: 'more than {count} result', other: 'more than {count} results' },
    'find.none': 'Nothing found for “{q}”.', 'find.more': 'More', 'find.seeAll': 'See all {type}',
    'find.department': 'Department', 'find.location': 'Location', 'find.apply': 'Filter',
    'find.hint': 'Tips: "exact phrase", -word to leave out.', 'find.start': 'Type what you are looking for.',
    'find.expertsIntro': 'Colleagues who know about “{q}”, the nearest in your network first.',
    'find.forYou': 'Questions for you', 'find.forYouIntro': 'Open questions you were asked about, or that match your expertise.',
    'find.forYouEmpty': 'No open questions for you right now.', 'find.asked': 'You were asked', 'find.matches': 'Matches your expertise',
    'find.error': 'The search failed: {error}',
  },
  fr: {
    'find.title': 'Recherche', 'find.label': 'Rechercher dans Moka', 'find.placeholder': 'Personnes, expertises, publications, questions, communautés…',
    'find.go': 'Rechercher', 'find.tabs': 'Quoi chercher',
    'find.all': 'Tout', 'find.people': 'Personnes', 'find.experts': 'Qui sait', 'find.posts': 'Publications', 'find.questions': 'Questions',
    'find.communities': 'Communautés', 'find.topics': 'Sujets de forum', 'find.hashtags': 'Hashtags',
    'find.files': 'Fichiers', 'find.messages': 'Messages', 'find.direct': 'Message direct', 'find.fileBy': '{name} · {size}',
    'find.count': { one: '{count} résultat', other: '{count} résultats' },
    'find.countCapped': { one: 'plus de {count} résultat', other: 'plus de {count} résultats' },
    'find.none': 'Rien trouvé pour « {q} ».', 'find.more': 'Plus', 'find.seeAll': 'Voir tout : {type}',
    'find.department': 'Service', 'find.location': 'Site', 'find.apply': 'Filtrer',
    'find.hint': 'Astuces : "phrase exacte", -mot pour exclure.', 'find.start': 'Tapez ce que vous cherchez.',
    'find.expertsIntro': 'Les collègues qui connaissent « {q} », les plus proches dans votre réseau d’abord.',
    'find.forYou': 'Questions pour vous', 'find.forYouIntro': 'Les questions ouvertes sur lesquelles on vous a sollicité, ou qui correspondent à votre expertise.',
    'find.forYouEmpty': 'Aucune question ouverte pour vous en ce moment.', 'find.asked': 'On vous a sollicité', 'find.matches': 'Correspond à votre expertise',
    'find.error': 'La recherche a échoué : {error}',
  },
});

const TABS = ['all', 'people', 'experts', 'posts', 'questions', 'communities', 'topics', 'hashtags', 'files', 'messages'];
const SECTIONS = ['people', 'posts', 'questions', 'communities', 'topics', 'hashtags', 'files', 'messages'];
const PAGE = 20;

// The server's snippet: escaped text with <mark>…</mark>. Built as nodes,
// never as HTML: only the marks become elements.
const ENTITIES = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" };
const decode = (s) => s.replace(/&(amp|lt|gt|quot|#39);/g, (m) => ENTITIES[m]);
export function snippet(html) {
  if (!html) return null;
  const out = h('p', { class: 'find-snippet' });
  html.split(/(<mark>.*?<\/mark>)/).forEach((part) => {
    const m = /^<mark>(.*)<\/mark>$/.exec(part);
    append(out, m ? h('mark', null, decode(m[1])) : decode(part));
  });
  return out;
}

export function expertRow(e, extra = null) {
  return personRow(e.account, { note: h('p', { class: 'find-why' }, whyText(e)), actions: extra ? [extra] : [] });
}

function item(type, it) {
  switch (type) {
    case 'people': return personRow(it.account, { note: snippet(it.highlight) });
    case 'posts': case 'questions': return it.status ? h('li', { class: 'find-post' }, postCard(it.status)) : null;
    case 'communities': return h('li', { class: 'find-row' },
      h('a', { href: `/communities/${it.community.id}`, class: 'find-title' }, it.community.name), snippet(it.highlight));
    case 'topics': return it.status ? h('li', { class: 'find-row' },
      h('a', { href: `/@${it.status.account.username}/${it.status.id}`, class: 'find-title' }, it.title), snippet(it.highlight)) : null;
    case 'hashtags': return h('li', { class: 'find-row' }, h('a', { href: `/tags/${it.name}`, class: 'find-title' }, `#${it.name}`));
    case 'files': return it.file ? h('li', { class: 'find-row find-file' },
      h('a', { href: it.file.url, class: 'find-title', download: '' }, it.file.name),
      h('p', { class: 'muted find-meta' }, t('find.fileBy', { name: it.file.owner ? it.file.owner.display_name || it.file.owner.username : '', size: formatSize(it.file.size) })),
      snippet(it.highlight)) : null;
    case 'messages': return it.message && it.conversation ? h('li', { class: 'find-row find-message' },
      h('a', { href: `/messages/${it.conversation.id}`, class: 'find-title' }, it.conversation.title || t('find.direct')),
      h('p', { class: 'muted find-meta' }, it.message.account ? it.message.account.display_name || it.message.account.username : ''),
      snippet(it.highlight)) : null;
    default: return null;
  }
}

function countText(sec) {
  return sec.capped ? t('find.countCapped', { count: formatNumber(sec.total) }) : t('find.count', { count: formatNumber(sec.total) });
}

function section(type, sec, { q, query, single, signal }) {
  const list = h('ul', { class: type === 'people' ? 'people find-list' : 'find-list', 'aria-label': t(`find.${type}`) });
  const add = (items) => append(list, items.map((it) => item(type, it)).filter(Boolean));
  add(sec.items);
  let shown = sec.items.length;
  const more = h('button', { type: 'button', class: 'btn btn-small', hidden: !single || shown >= sec.total }, t('find.more'));
  more.addEventListener('click', async () => {
    more.disabled = true;
    try {
      const r = await get('/api/moka/v1/search', { query: { ...query, type, offset: shown, limit: PAGE }, signal });
      add(r[type].items);
      shown += r[type].items.length;
      more.hidden = !r[type].items.length || shown >= r[type].total;
    } finally { more.disabled = false; }
  });
  const seeAll = !single && sec.total > sec.items.length
    ? h('a', { href: `/search?q=${encodeURIComponent(q)}&type=${type}`, class: 'find-all' }, t('find.seeAll', { type: t(`find.${type}`) })) : null;
  return h('section', { class: 'panel find-section', 'data-type': type },
    h('h2', null, t(`find.${type}`), ' ', h('span', { class: 'muted find-count' }, countText(sec))),
    list, more, seeAll);
}

async function renderExperts(box, q, signal) {
  const experts = await get('/api/moka/v1/experts', { query: { q, limit: 20 }, signal });
  if (signal.aborted) return;
  replace(box, h('p', { class: 'muted' }, t('find.expertsIntro', { q })),
    experts.length ? h('ul', { class: 'people find-list', 'aria-label': t('find.experts') }, experts.map((e) => expertRow(e)))
      : h('p', { class: 'find-none' }, t('find.none', { q })));
}

function form(q, type, query) {
  const input = h('input', { type: 'search', name: 'q', value: q, class: 'find-input', placeholder: t('find.placeholder'), 'aria-label': t('find.label'), maxlength: 512 });
  const filters = type === 'people' ? [
    h('label', null, t('find.department'), ' ', h('input', { name: 'department', value: query.department || '', class: 'find-filter' })),
    h('label', null, t('find.location'), ' ', h('input', { name: 'location', value: query.location || '', class: 'find-filter' })),
  ] : [];
  return h('form', { class: 'find-form', role: 'search', onsubmit: (e) => {
    e.preventDefault();
    const p = new URLSearchParams({ q: input.value.trim() });
    if (type !== 'all') p.set('type', type);
    for (const f of e.target.querySelectorAll('.find-filter')) if (f.value.trim()) p.set(f.name, f.value.trim());
    navigate(`/search?${p}`);
  } }, h('div', { class: 'row' }, input, h('button', { type: 'submit', class: 'btn btn-primary' }, t('find.go'))),
  filters.length ? h('div', { class: 'row find-filters' }, filters, h('button', { type: 'submit', class: 'btn btn-small' }, t('find.apply'))) : null,
  h('p', { class: 'hint muted' }, t('find.hint')));
}

function tabs(q, type, query) {
  return h('nav', { class: 'tabs', 'aria-label': t('find.tabs') }, h('ul', null, TABS.map((tab) => {
    const p = new URLSearchParams({ q });
    if (tab !== 'all') p.set('type', tab);
    if (tab === 'people') for (const k of ['department', 'location']) if (query[k]) p.set(k, query[k]);
    return h('li', null, h('a', { href: `/search?${p}`, class: 'tab', 'aria-current': tab === type ? 'page' : null }, t(`find.${tab}`)));
  })));
}

route('/search', {
  async render({ main, query: params, signal }) {
    const query = Object.fromEntries(params);
    const q = (query.q || '').trim();
    const type = TABS.includes(query.type) ? query.type : 'all';
    document.title = q ? `${q} · ${t('find.title')} · Moka` : `${t('find.title')} · Moka`;
    const results = h('div', { class: 'find-results', 'aria-live': 'polite' });
    append(main, h('div', { class: 'stream-page find-page' },
      h('h1', null, t('find.title')), form(q, type, query), q ? tabs(q, type, query) : null, results));
    if (!q) { append(results, h('p', { class: 'muted' }, t('find.start'))); return; }
    try {
      if (type === 'experts') { await renderExperts(results, q, signal); return; }
      const api = { q };
      for (const k of ['department', 'location']) if (query[k]) api[k] = query[k];
      const single = type !== 'all';
      const r = await get('/api/moka/v1/search', { query: { ...api, ...(single ? { type, limit: PAGE } : { limit: 5 }) }, signal });
      if (signal.aborted) return;
      const found = SECTIONS.filter((s) => r[s] && r[s].total > 0);
      replace(results, found.length ? found.map((s) => section(s, r[s], { q, query: api, single, signal }))
        : h('p', { class: 'find-none' }, t('find.none', { q })));
      announce(found.length ? found.map((s) => `${t(`find.${s}`)}: ${countText(r[s])}`).join(', ') : t('find.none', { q }));
    } catch (err) {
      if (err.name === 'AbortError') return;
      replace(results, h('p', { class: 'form-error', role: 'alert' }, t('find.error', { error: err.message })));
    }
  },
});

route('/search/for-you', {
  async render({ main, signal }) {
    document.title = `${t('find.forYou')} · Moka`;
    const list = h('ul', { class: 'find-list', 'aria-label': t('find.forYou') });
    append(main, h('div', { class: 'stream-page find-page' },
      h('h1', null, t('find.forYou')), h('p', { class: 'muted stream-intro' }, t('find.forYouIntro')), list));
    const items = await get('/api/moka/v1/questions_for_you', { query: { limit: 40 }, signal });
    if (signal.aborted) return;
    replace(list, items.length ? items.filter((x) => x.status).map((x) => h('li', { class: 'find-post' },
      h('p', { class: 'find-reason muted' }, x.reason === 'asked' ? t('find.asked') : t('find.matches')), postCard(x.status)))
      : h('li', { class: 'find-none' }, t('find.forYouEmpty')));
  },
});

