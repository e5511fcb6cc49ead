// The app shell: serving (headers, SPA paths, compression), sign-in and
// sign-out, the session cookie on the live stream, language switch.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, createUser, signedInPage } from './lib.js';

let t, alice;
before(async () => {
  t = await setup();
  alice = createUser(t.srv, 'alice', { name: 'Alice Martin' });
});
after(async () => { await t.close(); });

test('index.html: CSP without unsafe-inline, nosniff, referrer policy, no-cache, ETag/304', async () => {
  for (const path of ['/', '/@alice/123', '/@alice', '/notifications', '/tags/x']) {
    const res = await fetch(t.srv.base + path);
    assert.equal(res.status, 200, path);
    assert.match(res.headers.get('content-type'), /^text\/html/);
    const csp = res.headers.get('content-security-policy');
    assert.match(csp, /script-src 'self'/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.doesNotMatch(csp, /unsafe-inline/);
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(res.headers.get('referrer-policy'), 'same-origin');
    assert.equal(res.headers.get('cache-control'), 'no-cache');
    const body = await res.text();
    assert.match(body, /<script type="module" src="\/assets\/main\.[0-9A-Za-z]+\.js"><\/script>/);
    assert.doesNotMatch(body, /<script>|<style>|style="/);
    const again = await fetch(t.srv.base + path, { headers: { 'If-None-Match': res.headers.get('etag') } });
    assert.equal(again.status, 304);
  }
});

test('server paths stay the server\'s; assets are immutable and precompressed', async () => {
  for (const path of ['/api/v1/nothing', '/auth/nothing', '/avatars/x/y', '/.well-known/x']) {
    const res = await fetch(t.srv.base + path);
    assert.equal(res.status, 404, path);
    assert.deepEqual(await res.json(), { error: 'not found' });
  }
  const html = await (await fetch(t.srv.base + '/')).text();
  const js = /src="(\/assets\/main\.[0-9A-Za-z]+\.js)"/.exec(html)[1];
  const plain = await fetch(t.srv.base + js, { headers: { 'Accept-Encoding': 'identity' } });
  assert.equal(plain.headers.get('cache-control'), 'public, max-age=31536000, immutable');
  assert.equal(plain.headers.get('content-encoding'), null);
  const source = await plain.text();
  assert.match(source, /import/);
  for (const [accept, coding] of [['gzip', 'gzip'], ['gzip, deflate, br', 'br'], ['br;q=0, gzip', 'gzip']]) {
    const res = await fetch(t.srv.base + js, { headers: { 'Accept-Encoding': accept } });
    assert.equal(res.headers.get('content-encoding'), coding, accept);
    assert.equal(res.headers.get('vary'), 'Accept-Encoding');
    assert.equal(await res.text(), source, 'fetch decodes the same bytes');
  }
  assert.equal((await fetch(t.srv.base + '/assets/missing.js')).status, 404);
  assert.equal((await fetch(t.srv.base + '/assets/..%2F..%2Fetc%2Fpasswd')).status, 404);
  const sw = await fetch(t.srv.base + '/sw.js');
  assert.equal(sw.status, 200);
  assert.match(sw.headers.get('content-type'), /javascript/);
  assert.match(await sw.text(), /const SHELL = \["\/","\/assets\//);
  const manifest = await (await fetch(t.srv.base + '/manifest.webmanifest')).json();
  assert.deepEqual(manifest.icons.map((i) => i.sizes).slice(1, 3), ['192x192', '512x512']);
  const png = await fetch(t.srv.base + manifest.icons[2].src);
  assert.equal(png.headers.get('content-type'), 'image/png');
  const bytes = new Uint8Array(await png.arrayBuffer());
  assert.deepEqual([...bytes.slice(1, 4)], [0x50, 0x4e, 0x47]);
  assert.equal(new DataView(bytes.buffer).getUint32(16), 512, 'IHDR width');
});

test('sign in with a wrong password keeps what was typed; then sign in, live stream on the cookie, sign out', async () => {
  const context = await t.browser.newContext({ serviceWorkers: 'block' });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e));
  await page.goto(t.srv.base + '/');
  await page.waitForURL(/\/sign_in$/);
  await page.getByLabel('Username or email').fill('alice');
  await page.getByLabel('Password', { exact: true }).fill('not the password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('alert').filter({ hasText: 'Invalid username or password' }).waitFor();
  assert.equal(await page.getByLabel('Username or email').inputValue(), 'alice');
  assert.equal(await page.getByLabel('Password', { exact: true }).inputValue(), 'not the password');

  await page.getByLabel('Password', { exact: true }).fill('correct horse battery staple');
  const stream = page.waitForResponse((r) => r.url().endsWith('/api/v1/streaming/user'));
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('#app-header nav').waitFor();
  assert.equal(new URL(page.url()).pathname, '/');
  const res = await stream;
  assert.equal(res.status(), 200, 'the stream accepts the session cookie');
  assert.doesNotMatch(res.url(), /access_token/);

  // Sign out is in the "Me" menu, which Escape closes again.
  const menu = page.getByRole('button', { name: 'Your account and more' });
  await menu.click();
  assert.equal(await menu.getAttribute('aria-expanded'), 'true');
  await page.keyboard.press('Escape');
  assert.equal(await menu.getAttribute('aria-expanded'), 'false');
  assert.equal(await page.getByRole('button', { name: 'Sign out' }).count(), 0);
  await menu.click();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL(/\/sign_in$/);
  const session = await page.evaluate(() => fetch('/auth/session').then((r) => r.status));
  assert.equal(session, 401);
  assert.deepEqual(errors, []);
  await context.close();
});

test('French from the browser, and the language switch is remembered', async () => {
  const page = await signedInPage(t, 'alice', { lang: 'fr' });
  await page.getByRole('link', { name: 'Accueil' }).waitFor();
  await page.getByRole('button', { name: 'Votre compte et plus' }).click();
  await page.getByLabel('Langue').selectOption('en');
  await page.getByRole('link', { name: 'Home' }).waitFor();
  await page.reload();
  await page.getByRole('link', { name: 'Home' }).waitFor();
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
  await page.context().close();
});

test('installable and offline: the service worker caches the shell only, and the app says it is offline', async () => {
  const context = await t.browser.newContext(); // service workers allowed
  const page = await context.newPage();
  await page.goto(t.srv.base + '/sign_in');
  await page.getByLabel('Username or email').fill('alice');
  await page.getByLabel('Password', { exact: true }).fill('correct horse battery staple');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('html[data-live=open]').waitFor({ state: 'attached' });
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null
    || navigator.serviceWorker.ready.then(() => true));
  await page.evaluate(() => navigator.serviceWorker.ready);
  const cached = await page.evaluate(async () => {
    const out = [];
    for (const name of await caches.keys()) {
      for (const req of await (await caches.open(name)).keys()) out.push(new URL(req.url).pathname);
    }
    return out;
  });
  assert.ok(cached.includes('/'), 'index.html is cached');
  assert.ok(cached.some((p) => /^\/assets\/main\.[0-9A-Za-z]+\.js$/.test(p)));
  assert.deepEqual(cached.filter((p) => !(p === '/' || p.startsWith('/assets/'))), [], 'nothing private');
  const manifest = await page.evaluate(() => document.querySelector('link[rel=manifest]').href);
  assert.ok(manifest.endsWith('/manifest.webmanifest'));

  // Offline: a reload comes from the cache and says it is offline.
  await page.reload();
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
  await context.setOffline(true);
  await page.reload();
  await page.getByRole('heading', { name: 'Offline' }).waitFor();
  await page.getByText('You are offline').first().waitFor();
  await context.setOffline(false);
  await page.locator('#app-header nav').waitFor(); // back online: it starts again
  await context.close();
});
