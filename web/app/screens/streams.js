// The company stream (/company: GET /api/v1/timelines/public) and a hashtag
// stream (/tags/:tag: GET /api/v1/timelines/tag/:tag), with infinite scroll
// (the shell's stream) and live updates: the app's live module carries only
// the person's own (home) stream, so each of these screens opens its own
// EventSource on /api/v1/streaming/public or /hashtag?tag=T (the session
// cookie authenticates it), closed when the screen is left. New posts wait
// behind a "Show N new posts" button, as on Home.
import { h, append, announce } from '../dom.js';
import { route } from '../router.js';
import { t, addStrings } from '../i18n.js';
import { stream } from '../ui/stream.js';
import { markDeleted } from '../ui/post.js';

addStrings({
  en: {
    'streams.company': 'Company', 'streams.companyIntro': 'What everyone in the company shares.',
    'streams.companyLabel': 'Company stream', 'streams.companyEmpty': 'No company posts yet.',
    'streams.tag': '#{tag}', 'streams.tagLabel': 'Posts tagged #{tag}', 'streams.tagIntro': 'Posts tagged #{tag} that you may see.',
    'streams.tagEmpty': 'No posts with #{tag} yet.',
    'streams.new': { one: 'Show {count} new post', other: 'Show {count} new posts' },
  },
  fr: {
    'streams.company': 'Entreprise', 'streams.companyIntro': "Ce que partagent les personnes de toute l'entreprise.",
    'streams.companyLabel': "Fil de l'entreprise", 'streams.companyEmpty': "Aucune publication pour l'entreprise pour le moment.",
    'streams.tag': '#{tag}', 'streams.tagLabel': 'Publications avec #{tag}', 'streams.tagIntro': 'Les publications avec #{tag} que vous pouvez voir.',
    'streams.tagEmpty': 'Aucune publication avec #{tag} pour le moment.',
    'streams.new': { one: 'Afficher {count} nouvelle publication', other: 'Afficher {count} nouvelles publications' },
  },
});

// Live posts from an SSE endpoint, held behind a button until asked for.
function liveBar(url, posts, signal) {
  let pending = [];
  const bar = h('button', { type: 'button', class: 'btn btn-primary live-bar', hidden: true, onclick: show });
  const paint = () => {
    bar.hidden = pending.length === 0;
    bar.textContent = t('streams.new', { count: pending.length });
  };
  function show() {
    const fresh = pending.sort((a, b) => (BigInt(a.id) > BigInt(b.id) ? 1 : -1));
    pending = [];
    paint();
    for (const s of fresh) posts.prepend(s);
    window.scrollTo({ top: 0 });
    const first = posts.el.querySelector('.post');
    if (first) first.focus({ preventScroll: true });
    announce(t('streams.new', { count: fresh.length }));
  }
  const source = new EventSource(url);
  source.addEventListener('update', (e) => {
    let s;
    try { s = JSON.parse(e.data); } catch { return; }
    if (pending.some((p) => p.id === s.id) || posts.el.querySelector(`.post[data-id="${CSS.escape(s.id)}"]`)) return;
    pending.push(s);
    paint();
  });
  source.addEventListener('delete', (e) => {
    const id = String(e.data).trim();
    pending = pending.filter((p) => p.id !== id);
    paint();
    markDeleted(id);
  });
  signal.addEventListener('abort', () => source.close(), { once: true });
  return bar;
}

async function page({ main, signal }, { title, intro, label, empty, path, live }) {
  document.title = `${title} · Moka`;
  const posts = stream({ path, signal, live: null, label, empty });
  append(main, h('div', { class: 'stream-page' },
    h('h1', null, title), h('p', { class: 'muted stream-intro' }, intro),
    liveBar(live, posts, signal), posts.el));
  await posts.ready;
}

route('/company', {
  render: (ctx) => page(ctx, {
    title: t('streams.company'), intro: t('streams.companyIntro'), label: t('streams.companyLabel'),
    empty: t('streams.companyEmpty'), path: '/api/v1/timelines/public', live: '/api/v1/streaming/public',
  }),
});

route('/tags/:tag', {
  render(ctx) {
    const tag = ctx.params.tag.replace(/^#/, '');
    const vars = { tag };
    return page(ctx, {
      title: t('streams.tag', vars), intro: t('streams.tagIntro', vars), label: t('streams.tagLabel', vars),
      empty: t('streams.tagEmpty', vars), path: `/api/v1/timelines/tag/${encodeURIComponent(tag)}`,
      live: `/api/v1/streaming/hashtag?tag=${encodeURIComponent(tag)}`,
    });
  },
});
