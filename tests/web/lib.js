// Helpers for browser tests: Debian's chromium driven by playwright-core
// against the real server (tests/e2e/lib.js startServer: loopback, fresh
// data directory). chromium.launch() runs the browser with a fresh temporary
// profile (user-data-dir) that Playwright deletes on close; each person in a
// test gets their own browser context (own cookies, own storage).
import { chromium } from 'playwright-core';
import { startServer, stopServer, createUser, api, moka, PASSWORD } from '../e2e/lib.js';

export { startServer, stopServer, createUser, api, moka, PASSWORD };

export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export async function launchBrowser() {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
}

// Starts a server and a browser; returns { srv, browser, close }.
export async function setup(opts = {}) {
  const srv = await startServer(opts);
  let browser;
  try {
    browser = await launchBrowser();
  } catch (e) {
    await stopServer(srv);
    throw e;
  }
  return {
    srv, browser,
    async close() {
      await browser.close().catch(() => {});
      await stopServer(srv);
    },
  };
}

// A page (in its own context) signed in as username through the sign-in
// form. viewport: {width, height}; lang: 'en' (default) or 'fr'.
export async function signedInPage(t, username, { viewport, lang = 'en', path = '/' } = {}) {
  const context = await t.browser.newContext({
    viewport: viewport || { width: 1280, height: 900 }, locale: lang, serviceWorkers: 'block',
  });
  const page = await context.newPage();
  page.on('pageerror', (e) => { page.errors = page.errors || []; page.errors.push(e); });
  await page.goto(t.srv.base + `/sign_in?next=${encodeURIComponent(path)}`);
  await page.getByLabel(lang === 'fr' ? "Nom d'utilisateur ou e-mail" : 'Username or email').fill(username);
  await page.getByLabel(lang === 'fr' ? 'Mot de passe' : 'Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: lang === 'fr' ? 'Se connecter' : 'Sign in' }).click();
  await page.locator('#app-header nav').waitFor();
  await page.locator('html[data-live=open]').waitFor({ state: 'attached' });
  return page;
}

// Connects two people (invitation accepted) through the API.
export async function connect(srv, a, b) {
  const r1 = await api(srv, 'POST', `/api/moka/v1/accounts/${b.id}/connect`, { token: a.token });
  if (r1.status !== 200) throw new Error(`connect: ${r1.status} ${JSON.stringify(r1.body)}`);
  const r2 = await api(srv, 'POST', `/api/moka/v1/accounts/${a.id}/connect`, { token: b.token });
  if (r2.status !== 200 || !r2.body.moka.connected) throw new Error(`accept: ${r2.status} ${JSON.stringify(r2.body)}`);
}
