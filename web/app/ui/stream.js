// A stream of posts (home, company, hashtag, a wall): the first page, then
// older pages as the end of the list scrolls into view (following the Link
// header's rel="next"), and a "N new posts" bar fed by live `update` events
// that inserts them on demand without moving what the person is reading.
//
//   const s = stream({ path: '/api/v1/timelines/home', query: {}, signal,
//                      live: (status) => true,      // which live updates belong here, or null
//                      source: null,  // or a stream URL of its own (a community for a non-member)
//                      label: t('home.stream'), empty: t('home.empty') });
//   ctx.main.append(s.el);  s.prepend(status)  // e.g. the composer's new post
//
// The first post shown sets the performance mark 'moka:first-posts'.
import { h, announce } from '../dom.js';
import { t, addStrings } from '../i18n.js';
import { api } from '../api.js';
import { postCard, markDeleted } from './post.js';
import * as live from '../live.js';

addStrings({
  en: {
    'stream.new': { one: 'Show {count} new post', other: 'Show {count} new posts' },
    'stream.loading': 'Loading…', 'stream.end': 'You are all caught up.', 'stream.more': 'Load older posts',
    'stream.retry': 'Try again',
  },
  fr: {
    'stream.new': { one: 'Afficher {count} nouvelle publication', other: 'Afficher {count} nouvelles publications' },
    'stream.loading': 'Chargement…', 'stream.end': 'Vous êtes à jour.', 'stream.more': 'Charger les publications plus anciennes',
    'stream.retry': 'Réessayer',
  },
});

export function stream({ path, query = {}, signal, live: accept = null, source = null, label, empty }) {
  const ids = new Set();
  const list = h('div', { class: 'stream-list', role: 'feed', 'aria-label': label, 'aria-busy': 'true' });
  const status = h('p', { class: 'stream-loading', 'aria-live': 'polite' }, t('stream.loading'));
  const more = h('button', { type: 'button', class: 'btn stream-more', hidden: true, onclick: () => loadMore() }, t('stream.more'));
  const bar = h('button', { type: 'button', class: 'btn btn-primary new-posts', hidden: true, onclick: showPending });
  const el = h('section', { class: 'stream' }, bar, list, status, more);
  let next = null, loading = false, pending = [], marked = false;

  function cardFor(s) {
    const card = postCard(s);
    card.setAttribute('tabindex', '0');
    return card;
  }

  function add(statuses, where) {
    const frag = document.createDocumentFragment();
    const added = [];
    for (const s of statuses) {
      if (ids.has(s.id)) continue;
      ids.add(s.id);
      const card = cardFor(s);
      added.push(card);
      frag.append(card);
    }
    if (where === 'top') list.prepend(frag); else list.append(frag);
    if (!marked && list.firstElementChild) {
      marked = true;
      performance.mark('moka:first-posts');
    }
    return added;
  }

  async function load(url, q) {
    if (loading) return;
    loading = true;
    status.hidden = false;
    status.textContent = t('stream.loading');
    more.hidden = true;
    try {
      const res = await api('GET', url, { query: q, signal });
      add(res.data, 'bottom');
      next = res.data.length ? res.link.next || null : null;
      status.removeAttribute('role');
      if (!list.firstElementChild) { status.hidden = false; status.textContent = empty || t('stream.end'); }
      else if (next) status.hidden = true;
      else { status.hidden = false; status.textContent = t('stream.end'); }
      more.hidden = !next;
    } catch (e) {
      if (e.name === 'AbortError') return;
      status.textContent = e.message;
      status.setAttribute('role', 'alert');
      more.hidden = false;
      more.textContent = t('stream.retry');
    } finally {
      loading = false;
      list.setAttribute('aria-busy', 'false');
    }
  }

  function loadMore() {
    if (next) load(next);
    else if (!list.firstElementChild) load(path, { limit: 20, ...query });
  }

  // Older pages when the end comes near (the button stays for keyboards).
  const io = new IntersectionObserver((entries) => {
    if (entries.some((e) => e.isIntersecting) && next && !loading) load(next);
  }, { rootMargin: '1200px 0px' });
  io.observe(status);
  io.observe(more);
  signal.addEventListener('abort', () => io.disconnect(), { once: true });

  function paintBar() {
    bar.hidden = pending.length === 0;
    bar.textContent = t('stream.new', { count: pending.length });
  }

  function showPending() {
    const fresh = pending.sort((a, b) => (BigInt(b.id) > BigInt(a.id) ? 1 : -1));
    pending = [];
    paintBar();
    const added = add(fresh, 'top');
    for (const c of added) c.classList.add('is-new');
    window.scrollTo({ top: 0 });
    if (added[0]) added[0].focus({ preventScroll: true });
    announce(t('stream.new', { count: added.length }));
  }

  const arrived = (s) => {
    if (!accept(s) || ids.has(s.id) || pending.some((p) => p.id === s.id)) return;
    pending.push(s);
    paintBar();
  };
  const deleted = (id) => {
    pending = pending.filter((p) => p.id !== id && !(p.reblog && p.reblog.id === id));
    paintBar();
    markDeleted(id);
  };
  if (accept && source) {
    // its own EventSource (same-origin: the session cookie authenticates it)
    const es = new EventSource(source);
    es.addEventListener('update', (e) => { try { arrived(JSON.parse(e.data)); } catch { /* not a post */ } });
    es.addEventListener('delete', (e) => deleted(String(e.data).trim()));
    signal.addEventListener('abort', () => es.close(), { once: true });
  } else if (accept) {
    live.on('update', arrived, signal);
  }
  live.on('delete', deleted, signal);

  const ready = load(path, { limit: 20, ...query });
  return {
    el, ready,
    // Puts a post at the top at once (the composer's own new post).
    prepend(s) {
      pending = pending.filter((p) => p.id !== s.id);
      paintBar();
      const [card] = add([s], 'top');
      if (card) card.classList.add('is-new');
    },
    get size() { return ids.size; },
  };
}
