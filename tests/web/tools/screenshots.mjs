// Saves screenshots of the web app's screens at desktop and phone sizes
// into docs/screenshots/, against a demo company (moka demo) served on
// loopback. Usage: node tests/web/tools/screenshots.mjs [OUTDIR]
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { startServer, stopServer, launchBrowser, MOKA_BIN_PATH } from './common.mjs';

const out = process.argv[2] || 'docs/screenshots';
mkdirSync(out, { recursive: true });
const dir = mkdtempSync(join(tmpdir(), 'moka-shots-'));
execFileSync(MOKA_BIN_PATH, ['demo', '--people', '200', '--seed', '1', '--data', dir], { stdio: 'ignore' });
const srv = await startServer({ dir });
const browser = await launchBrowser();
const SIZES = { desktop: { width: 1280, height: 860 }, phone: { width: 390, height: 844 } };
const USER = 'loic.leroy', PASSWORD = 'moka-demo-password';

async function page(size) {
  const ctx = await browser.newContext({ viewport: SIZES[size], deviceScaleFactor: size === 'phone' ? 2 : 1, serviceWorkers: 'block', locale: 'en' });
  const p = await ctx.newPage();
  return p;
}
const fonts = (p) => p.evaluate(() => document.fonts.ready);

for (const size of Object.keys(SIZES)) {
  const p = await page(size);
  await p.goto(srv.base + '/sign_in');
  await p.getByLabel('Username or email').waitFor();
  await fonts(p);
  await p.screenshot({ path: join(out, `signin-${size}.png`) });
  await p.getByLabel('Username or email').fill(USER);
  await p.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await p.getByRole('button', { name: 'Sign in' }).click();
  await p.locator('article.post').first().waitFor();
  await p.locator('html[data-live=open]').waitFor({ state: 'attached' });
  await p.getByLabel('Write a post').fill('Who has tried the new espresso machine on floor 3? #coffee @theo');
  await p.getByRole('option').first().waitFor().catch(() => {});
  await p.screenshot({ path: join(out, `home-${size}.png`) });
  await p.keyboard.press('Escape');
  const first = p.locator('article.post .post-time').first();
  await first.click();
  await p.locator('article.post.is-focus').waitFor();
  await p.screenshot({ path: join(out, `thread-${size}.png`) });
  await p.context().close();
}
await browser.close();
await stopServer(srv);
rmSync(dir, { recursive: true, force: true });
console.log(`screenshots in ${out}`);
