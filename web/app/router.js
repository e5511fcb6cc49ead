// The client-side router (history API). A screen module registers its paths:
//
//   route('/@:username/:id', { render(ctx) {...}, public: false });
//
// ":name" captures one path segment (also after a literal prefix, as in
// "/@:username"); ":name(regexp)" only what the regexp matches ("/:id(\\d+)"). On navigation the previous screen's ctx.signal is aborted
// (its fetches, live subscriptions and listeners end with it), <main> is
// emptied, and render(ctx) runs with ctx = {params, query, main, signal,
// path, saved, keep} (see refresh()). Screens are for signed-in people unless `public: true`; others are
// sent to /sign_in?next=PATH. Clicks on same-origin links are handled here
// (links with target, download or rel="external" are left to the browser).
const routes = [];
let notFound = null;
let more = null, moreLoaded = null; // screens loaded after the first one
let guard = () => true;
let current = null; // {controller, path}
let main;
const afterRender = new Set();

function compile(pattern) {
  const names = [];
  const src = pattern.split('/').map((seg) =>
    seg.replace(/:(\w+)(?:\(([^)]+)\))?|([^:]+)/g, (m, n, re, lit) => {
      if (lit) return lit.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      names.push(n);
      return `(${re || '[^/]+'})`;
    }),
  ).join('/');
  return { re: new RegExp(`^${src}/?$`), names };
}

export function route(pattern, screen) {
  routes.push({ pattern, screen, ...compile(pattern) });
}
export function setNotFound(screen) { notFound = screen; }
// load() imports more screen modules (they register their routes). It runs
// when a path matches no route yet, or when loadMoreScreens() is called
// (after the first screen shows, so they are ready before they are needed).
export function setMoreScreens(load) { more = load; }
export function loadMoreScreens() {
  if (!moreLoaded && more) moreLoaded = more().catch((e) => { moreLoaded = null; throw e; });
  return moreLoaded || Promise.resolve();
}
// guard(screen, url) → true to render, or false after redirecting.
export function setGuard(fn) { guard = fn; }
// Called after every render with the path (the header highlights its link).
export function onNavigate(fn) { afterRender.add(fn); return () => afterRender.delete(fn); }

function find(pathname) {
  for (const r of routes) {
    const m = r.re.exec(pathname);
    if (m) {
      const params = {};
      r.names.forEach((n, i) => { params[n] = decodeURIComponent(m[i + 1]); });
      return { screen: r.screen, params };
    }
  }
  return { screen: notFound, params: {} };
}

export function navigate(to, { replace = false, state = null } = {}) {
  const url = new URL(to, location.href);
  if (url.origin !== location.origin) { location.href = url.href; return; }
  if (replace) history.replaceState(state, '', url.pathname + url.search + url.hash);
  else history.pushState(state, '', url.pathname + url.search + url.hash);
  return render({ focus: true });
}

// Renders the screen for the current location again (after a language change).
// refresh() draws the current screen again (after a language switch) and
// keeps what the person was typing: a screen may hand over its own state
// with ctx.keep(() => state) and find it in ctx.saved; otherwise changed
// text fields and checkboxes with a name are put back by name.
export const refresh = () => render({ focus: false, keepScroll: true, keepState: true });

function typedFields(root) {
  const out = [];
  for (const el of root.querySelectorAll('input[name], textarea[name], select[name]')) {
    if (el.type === 'file' || el.type === 'password' || el.type === 'hidden') continue;
    if (el.type === 'checkbox' || el.type === 'radio') {
      if (el.checked !== el.defaultChecked) out.push({ name: el.name, value: el.value, checked: el.checked });
    } else if (el.tagName === 'SELECT' ? [...el.options].some((o) => o.selected !== o.defaultSelected) : el.value !== el.defaultValue) {
      out.push({ name: el.name, value: el.value });
    }
  }
  return out;
}

// Puts the typed values back into root's fields of the same names; returns
// those with no such field yet.
function putBack(root, fields) {
  return fields.filter((f) => {
    const els = root.querySelectorAll(`[name="${CSS.escape(f.name)}"]`);
    for (const el of els) {
      if ('checked' in f) { if (el.value === f.value) el.checked = f.checked; } else { el.value = f.value; break; }
    }
    return els.length === 0;
  });
}

async function render({ focus, keepScroll = false, keepState = false }) {
  const url = new URL(location.href);
  let { screen, params } = find(url.pathname);
  if (screen === notFound && more) {
    await loadMoreScreens();
    ({ screen, params } = find(url.pathname));
  }
  if (!guard(screen, url)) return;
  const same = keepState && current && current.path === url.pathname;
  const saved = same && current.save ? current.save() : undefined;
  let typed = same && !current.save ? typedFields(main) : [];
  if (current) current.controller.abort();
  const controller = new AbortController();
  const mine = { controller, path: url.pathname, save: null };
  current = mine;
  const ctx = {
    params, query: url.searchParams, main, signal: controller.signal, path: url.pathname,
    saved, keep(fn) { mine.save = fn; },
  };
  const scrollY = window.scrollY;
  main.replaceChildren();
  main.setAttribute('aria-busy', 'true');
  try {
    const drawing = screen.render(ctx); // draws up to its first await
    // the fields drawn at once get their text back at once, not after the
    // screen's data arrives (the home composer would stay empty while its
    // stream loads, and anything typed meanwhile would then be replaced)
    if (typed.length) typed = putBack(main, typed);
    await drawing;
  } catch (e) {
    if (e.name !== 'AbortError') {
      console.error(e);
      if (!controller.signal.aborted) {
        const p = document.createElement('p');
        p.className = 'error';
        p.setAttribute('role', 'alert');
        p.textContent = e.message;
        main.append(p);
      }
    }
  } finally {
    if (!controller.signal.aborted) main.removeAttribute('aria-busy');
  }
  if (controller.signal.aborted) return;
  if (typed.length) putBack(main, typed);
  if (keepScroll) window.scrollTo(0, scrollY);
  else if (!url.hash) window.scrollTo(0, 0);
  if (focus) {
    const h1 = main.querySelector('h1');
    const target = h1 || main;
    if (h1) h1.setAttribute('tabindex', '-1');
    target.focus({ preventScroll: true });
  }
  for (const fn of afterRender) fn(url.pathname);
}

function onClick(e) {
  if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  const a = e.target.closest('a[href]');
  if (!a || a.target || a.hasAttribute('download') || a.rel.split(' ').includes('external')) return;
  const url = new URL(a.href, location.href);
  if (url.origin !== location.origin) return;
  if (/^\/(api|oauth|auth|avatars|headers)\//.test(url.pathname)) return;
  e.preventDefault();
  if (url.pathname === location.pathname && url.search === location.search && url.hash) {
    location.hash = url.hash;
    return;
  }
  navigate(url.href);
}

export function start(mainEl) {
  main = mainEl;
  document.addEventListener('click', onClick);
  window.addEventListener('popstate', () => render({ focus: true }));
  return render({ focus: false });
}
