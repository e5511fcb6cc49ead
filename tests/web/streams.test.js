// The company and hashtag streams (older posts as the page scrolls, new ones
// live behind a "Show N new posts" button, posts outside the stream never
// shown) and the settings page's language switch.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, createUser, signedInPage, api } from './lib.js';

let t, ivy, jon;
before(async () => {
  t = await setup();
  ivy = createUser(t.srv, 'ivy', { name: 'Ivy Ito' });
  jon = createUser(t.srv, 'jon', { name: 'Jon Jones' });
});
after(async () => { await t.close(); });

const postAs = async (u, json) => {
  const r = await api(t.srv, 'POST', '/api/v1/statuses', { token: u.token, json });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body;
};

test('company stream: older posts on scroll, new company posts live, others never', async () => {
  for (let i = 0; i < 25; i++) await postAs(jon, { status: `Company news ${i}` });
  const page = await signedInPage(t, 'ivy', { path: '/company' });
  await page.getByRole('heading', { name: 'Company', level: 1 }).waitFor();
  const feed = page.getByRole('feed', { name: 'Company stream' });
  await feed.locator('.post').first().waitFor();
  assert.match(await feed.locator('.post').first().innerText(), /Company news 24/);
  await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
  await page.waitForFunction(() => document.querySelectorAll('.stream-list .post').length === 25);

  // Live: jon and ivy are not connected, so only the company stream brings it.
  await postAs(jon, { status: 'Only my connections see this', visibility: 'connections' });
  await postAs(jon, { status: 'All hands at 3pm' });
  const bar = page.getByRole('button', { name: 'Show 1 new post' });
  await bar.waitFor();
  await bar.click();
  await feed.locator('.post').first().filter({ hasText: 'All hands at 3pm' }).waitFor();
  assert.equal(await page.getByRole('button', { name: /new post/ }).isVisible(), false);
  assert.equal(await feed.getByText('Only my connections see this').count(), 0);
  assert.equal(await feed.locator('.post').count(), 26);
  assert.deepEqual(page.errors || [], []);
  await page.context().close();
});

test('hashtag stream: its posts, live, from a post\'s tag link', async () => {
  await postAs(jon, { status: 'We shipped #Launch day one' });
  await postAs(jon, { status: 'Nothing tagged here' });
  const page = await signedInPage(t, 'ivy', { path: '/company' });
  const feed = page.getByRole('feed', { name: 'Company stream' });
  await feed.getByRole('link', { name: '#Launch' }).first().click();
  await page.waitForURL(/\/tags\/launch$/i);
  await page.getByRole('heading', { name: /^#launch$/i, level: 1 }).waitFor();
  const tagFeed = page.getByRole('feed', { name: /Posts tagged #launch/i });
  await tagFeed.locator('.post').first().waitFor();
  assert.equal(await tagFeed.locator('.post').count(), 1);
  assert.equal(await tagFeed.getByText('Nothing tagged here').count(), 0);

  await postAs(jon, { status: 'Still untagged' });
  await postAs(jon, { status: 'Day two of the #launch' });
  await page.getByRole('button', { name: 'Show 1 new post' }).click();
  await tagFeed.locator('.post').first().filter({ hasText: 'Day two of the' }).waitFor();
  assert.equal(await tagFeed.locator('.post').count(), 2);
  await page.context().close();
});

test('settings: the language switch re-draws in French and is remembered; keyboard works', async () => {
  const page = await signedInPage(t, 'ivy', { path: '/settings' });
  await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
  await page.getByRole('radio', { name: 'Français' }).check();
  await page.getByRole('heading', { name: 'Paramètres', level: 1 }).waitFor();
  await page.getByRole('link', { name: 'Accueil' }).waitFor();
  assert.equal(await page.evaluate(() => localStorage.getItem('moka.lang')), 'fr');
  assert.equal(await page.evaluate(() => document.activeElement.value), 'fr', 'focus stays on the choice');
  await page.reload();
  await page.getByRole('heading', { name: 'Paramètres', level: 1 }).waitFor();
  assert.equal(await page.getByRole('radio', { name: 'Français' }).isChecked(), true);
  // Keyboard: arrow keys move between the choices.
  await page.getByRole('radio', { name: 'Français' }).focus();
  await page.keyboard.press('ArrowUp');
  await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
  assert.equal(await page.evaluate(() => document.activeElement.value), 'en');
  assert.equal(await page.evaluate(() => localStorage.getItem('moka.lang')), 'en');
  await page.context().close();
});

test('phone size 390×844: company stream and settings fit', async () => {
  await postAs(jon, { status: `A very long word ${'x'.repeat(150)} #phone` });
  for (const path of ['/company', '/tags/phone', '/settings', '/notifications']) {
    const page = await signedInPage(t, 'ivy', { path, viewport: { width: 390, height: 844 } });
    await page.locator('main h1').waitFor();
    await page.locator('main[aria-busy]').waitFor({ state: 'detached' });
    assert.equal(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), true, path);
    await page.context().close();
  }
});
