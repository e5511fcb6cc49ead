// Shared by the tools (screenshots, measurements): the server and browser
// helpers of the browser tests.
export { startServer, stopServer, MOKA as MOKA_BIN_PATH } from '../../e2e/lib.js';
export { launchBrowser } from '../lib.js';

// The screens are shot at these sizes; every demo person has this password.
export const SIZES = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } };
export const DEMO_PASSWORD = 'moka-demo-password';

// Fonts and the images on screen (lazy ones below the fold never load), at most 3 s.
export const settle = (p) => p.evaluate(() => Promise.race([new Promise((r) => setTimeout(r, 3000)), Promise.all([document.fonts.ready,
  ...[...document.images].filter((i) => !i.complete && i.getBoundingClientRect().top < innerHeight)
    .map((i) => new Promise((r) => { i.addEventListener('load', r); i.addEventListener('error', r); }))])]));

// A new browser context of the given size with `user` signed in. Its
// shoot(path, name, ready) opens path, waits for the live stream, the
// heading and the data, then for ready() (its failure ignored when
// lenient) and settle, and writes `${name}-${size}.png` into dir.
export async function signedIn(browser, { base, size, user, dir, lenient = false }) {
  const ctx = await browser.newContext({ viewport: SIZES[size], deviceScaleFactor: size === 'phone' ? 2 : 1, serviceWorkers: 'block', locale: 'en' });
  const p = await ctx.newPage();
  await p.goto(base + '/sign_in');
  await p.getByLabel('Username or email').fill(user);
  await p.getByLabel('Password', { exact: true }).fill(DEMO_PASSWORD);
  await p.getByRole('button', { name: 'Sign in' }).click();
  await p.locator('html[data-live=open]').waitFor({ state: 'attached' });
  const shoot = async (path, name, ready) => {
    await p.goto(base + path);
    await p.locator('html[data-live=open]').waitFor({ state: 'attached' });
    await p.locator('main h1').first().waitFor();
    await p.locator('main[aria-busy]').waitFor({ state: 'detached' });
    if (ready) await (lenient ? ready().catch(() => {}) : ready());
    await settle(p);
    await p.screenshot({ path: `${dir}/${name}-${size}.png` });
  };
  return { ctx, page: p, shoot };
}
