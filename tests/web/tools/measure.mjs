// Measures the web app in Chromium against a local server (loopback):
//   1. first-load transfer of Home (bytes on the wire, compressed), split
//      into the app (HTML, JS, CSS, icons) and the API answers;
//   2. time to first posts: navigation start → the 'moka:first-posts'
//      performance mark (set when the first post element is in the page),
//      cold (empty cache) and warm (assets cached), median of N runs;
//   3. smoothness with 1,000 posts loaded: long tasks (> 50 ms) and frame
//      times while scrolling the whole stream, and while loading it.
// Usage: node tests/web/tools/measure.mjs   (MOKA_BIN, CHROMIUM as for tests)
import { startServer, stopServer, launchBrowser } from './common.mjs';
import { createUser, connect, api, PASSWORD } from '../lib.js';

const RUNS = Number(process.env.RUNS || 7);
const median = (v) => { const s = [...v].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const pct = (v, p) => { const s = [...v].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(s.length * p))]; };

const srv = await startServer();
const reader = createUser(srv, 'reader', { name: 'Rita Reader' });
const writer = createUser(srv, 'writer', { name: 'Walter Writer' });
await connect(srv, reader, writer);
const words = 'coffee roadmap launch customer onboarding espresso design review quarterly planning'.split(' ');
for (let i = 0; i < 1000; i++) {
  const text = `Post ${i}: ${words[i % words.length]} ${words[(i * 7) % words.length]} update for @reader, see #${words[(i * 3) % words.length]} and https://example.com/${i}`;
  const r = await api(srv, 'POST', '/api/v1/statuses', { token: (i % 3 ? writer : reader).token, json: { status: text, visibility: i % 2 ? 'network' : 'public' } });
  if (r.status !== 200) throw new Error(JSON.stringify(r.body));
}
const browser = await launchBrowser();

async function signedInContext(viewport = { width: 1280, height: 900 }) {
  const ctx = await browser.newContext({ viewport, serviceWorkers: 'block', locale: 'en' });
  const r = await ctx.request.post(srv.base + '/auth/sign_in', { data: { username: 'reader', password: PASSWORD } });
  if (!r.ok()) throw new Error('sign in: ' + r.status());
  return ctx;
}

async function firstLoad(page) {
  await page.goto(srv.base + '/');
  await page.waitForFunction(() => performance.getEntriesByName('moka:first-posts').length > 0);
  await page.waitForLoadState('networkidle').catch(() => {});
  return page.evaluate(() => {
    const entries = [performance.getEntriesByType('navigation')[0], ...performance.getEntriesByType('resource')];
    let app = 0, apiBytes = 0;
    const files = [];
    for (const e of entries) {
      const path = new URL(e.name).pathname;
      const isApi = /^\/(api|auth|avatars)\//.test(path);
      if (isApi) apiBytes += e.transferSize; else app += e.transferSize;
      files.push([path, e.transferSize, e.decodedBodySize]);
    }
    const nav = performance.getEntriesByType('navigation')[0];
    const mark = (n) => Math.round(performance.getEntriesByName(n)[0]?.startTime);
    const steps = { html: Math.round(nav.responseEnd), dcl: Math.round(nav.domContentLoadedEventEnd), start: mark('moka:start'), session: mark('moka:session'), posts: mark('moka:first-posts') };
    return { app, api: apiBytes, files, steps, firstPosts: performance.getEntriesByName('moka:first-posts')[0].startTime };
  });
}

// 1 and 2: cold loads in fresh contexts, warm loads as reloads.
const cold = [], warm = [];
let transfer;
for (let i = 0; i < RUNS; i++) {
  const ctx = await signedInContext();
  const page = await ctx.newPage();
  const r = await firstLoad(page);
  if (!transfer) transfer = r;
  cold.push(r.firstPosts);
  if (process.env.STEPS) console.error('cold', JSON.stringify(r.steps));
  const again = await firstLoad(page);
  warm.push(again.firstPosts);
  if (process.env.STEPS) console.error('warm', JSON.stringify(again.steps));
  await ctx.close();
}

// 3: scroll until 1,000 posts are loaded, then scroll through them.
const ctx = await signedInContext();
const page = await ctx.newPage();
await page.goto(srv.base + '/');
await page.locator('article.post').first().waitFor();
await page.evaluate(() => {
  window.__long = [];
  new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__long.push(e.duration); })
    .observe({ type: 'longtask', buffered: false });
});
const loadStart = Date.now();
while (await page.locator('article.post').count() < 1000) {
  const n = await page.locator('article.post').count();
  await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
  await page.waitForFunction((n) => document.querySelectorAll('article.post').length > n, n, { timeout: 10000 }).catch(() => {});
  if (await page.locator('article.post').count() === n) break;
}
const loadMs = Date.now() - loadStart;
const loaded = await page.locator('article.post').count();
const loadLong = await page.evaluate(() => { const v = window.__long; window.__long = []; return v; });
const scroll = await page.evaluate(async () => {
  window.scrollTo(0, 0);
  await new Promise((r) => requestAnimationFrame(r));
  const frames = [];
  let last = performance.now();
  const end = document.documentElement.scrollHeight - innerHeight;
  const started = performance.now();
  let stuck = 0;
  while (window.scrollY < end - 1 && stuck < 10 && frames.length < 5000) {
    const y = window.scrollY;
    window.scrollBy(0, 60); // about 3,600 px/s at 60 frames per second
    await new Promise((r) => requestAnimationFrame(r));
    const now = performance.now();
    frames.push(now - last);
    last = now;
    stuck = window.scrollY === y ? stuck + 1 : 0;
  }
  return { frames, ms: performance.now() - started, height: end };
});
const scrollLong = await page.evaluate(() => window.__long);
await ctx.close();
await browser.close();
await stopServer(srv);

const kb = (b) => `${(b / 1024).toFixed(1)} KiB`;
console.log(JSON.stringify({
  firstLoad: { app: transfer.app, api: transfer.api, total: transfer.app + transfer.api, files: transfer.files },
  firstPostsMs: { cold: { median: median(cold), all: cold }, warm: { median: median(warm), all: warm } },
  thousand: {
    loaded, loadMs, loadLongTasks: loadLong.length, loadLongMs: loadLong.reduce((a, b) => a + b, 0),
    scrollMs: scroll.ms, scrollPx: scroll.height, frames: scroll.frames.length,
    frameP50: pct(scroll.frames, 0.5), frameP95: pct(scroll.frames, 0.95), frameMax: Math.max(...scroll.frames),
    framesOver50: scroll.frames.filter((f) => f > 50).length,
    scrollLongTasks: scrollLong.length, scrollLongMs: scrollLong.reduce((a, b) => a + b, 0),
  },
}, null, 1));
console.error(`first load of Home: app ${kb(transfer.app)} + API ${kb(transfer.api)} = ${kb(transfer.app + transfer.api)}`);
console.error(`first posts: cold median ${median(cold).toFixed(0)} ms, warm median ${median(warm).toFixed(0)} ms`);
