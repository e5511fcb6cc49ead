// Ask my network: the experts panel beside the question composer. While a
// question is being written (the composer's question switch on), it shows
// up to five colleagues who know about it — nearest in the network first,
// each with why — and the asker ticks whom to ask; once the question is
// posted they are invited to answer (a "X asked you: …" notification).
//
//   expertsPanel({ textarea, question, signal }) → { el, askFor(status) → Promise<number asked> }
//   whyText(expert) → "expertise: postgresql · 3 posts on it · connected through Ana"
import { h, replace, uid, announce } from '../dom.js';
import { t, addStrings } from '../i18n.js';
import { get, post } from '../api.js';
import { personRow } from './person.js';

addStrings({
  en: {
    'experts.title': 'Who could answer', 'experts.intro': 'Tick the colleagues to ask once your question is posted.',
    'experts.ask': 'Ask {name}', 'experts.none': 'Nobody found yet: add a few precise words or a #hashtag.',
    'experts.asked': { one: 'Asked {count} colleague.', other: 'Asked {count} colleagues.' },
    'experts.why.expertise': 'expertise: {tag}', 'experts.why.answers': { one: '{count} accepted answer', other: '{count} accepted answers' },
    'experts.why.posts': { one: '{count} post on it', other: '{count} posts on it' }, 'experts.why.community': 'member of {name}',
    'experts.why.connection': 'your connection', 'experts.why.through': 'connected through {name}',
  },
  fr: {
    'experts.title': 'Qui pourrait répondre', 'experts.intro': 'Cochez les collègues à solliciter une fois la question publiée.',
    'experts.ask': 'Solliciter {name}', 'experts.none': 'Personne pour l’instant : ajoutez quelques mots précis ou un #hashtag.',
    'experts.asked': { one: '{count} collègue sollicité.', other: '{count} collègues sollicités.' },
    'experts.why.expertise': 'expertise : {tag}', 'experts.why.answers': { one: '{count} réponse acceptée', other: '{count} réponses acceptées' },
    'experts.why.posts': { one: '{count} publication sur le sujet', other: '{count} publications sur le sujet' }, 'experts.why.community': 'membre de {name}',
    'experts.why.connection': 'votre relation', 'experts.why.through': 'relié par {name}',
  },
});

// The reasons of an expert hit, in the reader's language.
export function whyText(e) {
  const r = e.reasons || {};
  const parts = [];
  if (r.declared && r.expertise) parts.push(t('experts.why.expertise', { tag: r.expertise }));
  if (r.accepted_answers) parts.push(t('experts.why.answers', { count: r.accepted_answers }));
  if (r.posts) parts.push(t('experts.why.posts', { count: r.posts }));
  if (r.community) parts.push(t('experts.why.community', { name: r.community.name }));
  if (e.distance === 1) parts.push(t('experts.why.connection'));
  else if (r.through) parts.push(t('experts.why.through', { name: r.through.display_name || r.through.username }));
  return parts.join(' · ');
}

export function expertsPanel({ textarea, question, signal }) {
  const headId = uid('experts');
  const list = h('ul', { class: 'people experts-list', 'aria-labelledby': headId });
  const el = h('aside', { class: 'panel experts-panel', hidden: true, 'aria-labelledby': headId, 'data-testid': 'experts-panel' },
    h('h2', { id: headId }, t('experts.title')), h('p', { class: 'hint muted' }, t('experts.intro')), list);
  let timer = null, ctl = null, lastText = '';
  const chosen = new Set();

  async function update() {
    const text = textarea.value.trim();
    if (!question.checked || text.length < 3) { el.hidden = true; return; }
    if (text === lastText && !el.hidden) return;
    lastText = text;
    if (ctl) ctl.abort();
    ctl = new AbortController();
    let experts;
    try { experts = await get('/api/moka/v1/experts', { query: { text, limit: 5 }, signal: ctl.signal }); } catch { return; }
    if (signal && signal.aborted) return;
    el.hidden = false;
    if (!experts.length) { replace(list, h('li', { class: 'muted' }, t('experts.none'))); return; }
    replace(list, experts.map((e) => {
      const name = e.account.display_name || e.account.username;
      const box = h('input', { type: 'checkbox', id: uid('ask'), checked: chosen.has(e.account.id), 'aria-label': t('experts.ask', { name }) });
      box.addEventListener('change', () => { if (box.checked) chosen.add(e.account.id); else chosen.delete(e.account.id); });
      return personRow(e.account, { size: 32, note: h('p', { class: 'find-why' }, whyText(e)), actions: [box] });
    }));
  }
  const soon = () => { clearTimeout(timer); timer = setTimeout(update, 400); };
  textarea.addEventListener('input', soon, { signal });
  question.addEventListener('change', soon, { signal });
  // the question switch may be turned on by the page itself (no change event)
  textarea.addEventListener('focus', soon, { signal });

  async function askFor(status) {
    const ids = [...chosen].slice(0, 5);
    chosen.clear();
    el.hidden = true;
    lastText = '';
    if (!ids.length || !status || !status.id) return 0;
    const r = await post(`/api/moka/v1/statuses/${status.id}/ask`, { account_ids: ids });
    announce(t('experts.asked', { count: r.asked.length }));
    return r.asked.length;
  }
  return { el, askFor };
}
