// Home, posts and threads in the browser, with several people at once:
// audiences delivered live (and never beyond them), likes and replies on
// both screens, the live notification badge, keyboard-only posting, the
// phone layout, and a refused post that keeps what was typed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, createUser, connect, signedInPage, api } from './lib.js';

let t, alice, bob, carol, dave;
before(async () => {
  t = await setup();
  alice = createUser(t.srv, 'alice', { name: 'Alice Martin' });
  bob = createUser(t.srv, 'bob', { name: 'Bob Durand' });
  carol = createUser(t.srv, 'carol', { name: 'Carol Petit' });
  dave = createUser(t.srv, 'dave', { name: 'Dave Leroy' });
  // alice — bob — carol — dave: carol is two steps from alice, dave three.
  await connect(t.srv, alice, bob);
  await connect(t.srv, bob, carol);
  await connect(t.srv, carol, dave);
  // carol and dave follow alice, so her posts reach their home streams when
  // the audience allows it.
  for (const who of [carol, dave]) {
    const r = await api(t.srv, 'POST', `/api/v1/accounts/${alice.id}/follow`, { token: who.token });
    assert.equal(r.status, 200);
  }
});
after(async () => { await t.close(); });

const card = (page, text) => page.locator('article.post', { hasText: text });
const count = (page, text, action) => card(page, text).first().locator(`[data-action=${action}]`);

async function waitCount(page, text, action, n) {
  await page.waitForFunction(({ text, action, n }) => {
    const a = [...document.querySelectorAll('article.post')].find((el) => el.textContent.includes(text));
    return a && a.querySelector(`[data-action=${action}]`).dataset.count === String(n);
  }, { text, action, n });
}

test('a "My network" post reaches a colleague of a colleague live, never someone three steps away', async () => {
  const [pa, pc, pd] = await Promise.all([
    signedInPage(t, 'alice'), signedInPage(t, 'carol'), signedInPage(t, 'dave')]);
  // Each page's stream is open (signedInPage waits for it) and loaded.
  await Promise.all([pc, pd].map((p) => p.waitForFunction(() => document.querySelector('[role=feed]')?.getAttribute('aria-busy') === 'false')));

  await pa.getByLabel('Write a post').fill('Network news for my colleagues #launch');
  await pa.getByLabel('Audience').selectOption({ label: 'My network' });
  await pa.getByRole('button', { name: 'Post', exact: true }).click();
  await card(pa, 'Network news for my colleagues').waitFor();
  assert.equal(await pa.getByLabel('Write a post').inputValue(), '', 'the composer is cleared');
  await card(pa, 'Network news').locator('.post-audience', { hasText: 'My network' }).waitFor();

  // carol: the "new posts" bar, then the post, without reloading.
  const bar = pc.getByRole('button', { name: /Show 1 new post/ });
  await bar.waitFor();
  await bar.click();
  await card(pc, 'Network news for my colleagues').waitFor();

  // dave follows alice too but is three steps away: a public post reaches
  // him, the network post never did (it would have come first).
  await pa.getByLabel('Write a post').fill('Company-wide hello');
  assert.equal(await pa.getByLabel('Audience').inputValue(), 'network', 'the audience stays as chosen');
  await pa.getByLabel('Audience').selectOption({ label: 'Company' });
  await pa.getByRole('button', { name: 'Post', exact: true }).click();
  const dbar = pd.getByRole('button', { name: /Show 1 new post/ });
  await dbar.waitFor();
  await dbar.click();
  await card(pd, 'Company-wide hello').waitFor();
  assert.equal(await card(pd, 'Network news').count(), 0);
  await pd.reload();
  await card(pd, 'Company-wide hello').waitFor();
  assert.equal(await card(pd, 'Network news').count(), 0, 'not in his stream after a reload either');
  for (const p of [pa, pc, pd]) { assert.deepEqual(p.errors || [], []); await p.context().close(); }
});

test('like and reply update the counts on both screens; a mention lights the badge live', async () => {
  const [pa, pb] = await Promise.all([signedInPage(t, 'alice'), signedInPage(t, 'bob')]);
  await pb.waitForFunction(() => document.querySelector('[role=feed]')?.getAttribute('aria-busy') === 'false');
  await pa.getByLabel('Write a post').fill('Who wants coffee?');
  await pa.getByLabel('This is a question').check();
  await pa.getByRole('button', { name: 'Post', exact: true }).click();
  await card(pa, 'Who wants coffee?').locator('.post-question').waitFor();

  await pb.getByRole('button', { name: /Show \d+ new post/ }).click();
  const like = count(pb, 'Who wants coffee?', 'like');
  await like.click();
  assert.equal(await like.getAttribute('aria-pressed'), 'true');
  await waitCount(pb, 'Who wants coffee?', 'like', 1);
  await waitCount(pa, 'Who wants coffee?', 'like', 1); // alice's screen, live

  // bob replies from the thread.
  await count(pb, 'Who wants coffee?', 'reply').click();
  await pb.waitForURL(/\/@alice\/\d+#reply$/);
  const box = pb.getByLabel('Write a reply');
  await box.waitFor();
  await pb.waitForFunction(() => document.activeElement?.tagName === 'TEXTAREA');
  assert.equal(await box.inputValue(), '@alice ');
  await box.pressSequentially('me, please');
  await pb.getByRole('button', { name: 'Reply', exact: true }).click();
  await card(pb, '@alice me, please').waitFor();
  await waitCount(pb, 'Who wants coffee?', 'reply', 1);
  await waitCount(pa, 'Who wants coffee?', 'reply', 1); // alice's screen, live
  // The reply mentions alice: her badge shows it.
  await pa.getByTestId('unread-badge').filter({ hasText: /^\d+$/ }).waitFor();
  const before = Number(await pa.getByTestId('unread-badge').textContent());
  assert.ok(before >= 1);

  // A mention in a new post raises it again, live.
  await pb.goto(t.srv.base + '/');
  await pb.getByLabel('Write a post').fill('Thanks @ali');
  await pb.getByRole('option', { name: /Alice Martin/ }).click();
  assert.equal(await pb.getByLabel('Write a post').inputValue(), 'Thanks @alice ');
  await pb.getByRole('button', { name: 'Post', exact: true }).click();
  await pa.getByTestId('unread-badge').filter({ hasText: String(before + 1) }).waitFor();
  assert.match(await pa.getByTestId('unread-badge').getAttribute('aria-label'), new RegExp(`${before + 1} unread notifications`));
  for (const p of [pa, pb]) { assert.deepEqual(p.errors || [], []); await p.context().close(); }
});

test('keyboard only: reach the composer, choose the audience, mark a question, post', async () => {
  const page = await signedInPage(t, 'alice');
  await page.locator('[role=feed][aria-busy=false]').waitFor();
  await page.locator('body').focus();
  let found = false;
  for (let i = 0; i < 30 && !found; i++) {
    await page.keyboard.press('Tab');
    found = await page.evaluate(() => document.activeElement?.labels?.[0]?.textContent === 'Write a post');
  }
  assert.ok(found, 'Tab reaches the composer');
  await page.keyboard.type('Typed with the keyboard alone');
  await page.keyboard.press('Tab'); // attach an image
  assert.equal(await page.evaluate(() => document.activeElement.type), 'file');
  await page.keyboard.press('Tab'); // audience
  assert.equal(await page.evaluate(() => document.activeElement.id), await page.getByLabel('Audience').getAttribute('id'));
  await page.keyboard.press('ArrowDown'); // Company → My network
  await page.keyboard.press('Tab'); // question
  await page.keyboard.press('Space');
  assert.equal(await page.getByLabel('This is a question').isChecked(), true);
  await page.keyboard.press('Tab'); // Post
  await page.keyboard.press('Enter');
  const posted = card(page, 'Typed with the keyboard alone');
  await posted.waitFor();
  await posted.locator('.post-audience', { hasText: 'My network' }).waitFor();
  await posted.locator('.post-question').waitFor();
  // Focus is visible on the post's links when tabbing on.
  assert.deepEqual(page.errors || [], []);
  await page.context().close();
});

test('phone 390×844: no horizontal scroll, the composer works', async () => {
  const page = await signedInPage(t, 'bob', { viewport: { width: 390, height: 844 } });
  await page.locator('[role=feed][aria-busy=false]').waitFor();
  const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.equal(await overflow(), 0);
  const box = page.getByLabel('Write a post');
  const rect = await box.boundingBox();
  assert.ok(rect.width >= 300 && rect.x >= 0 && rect.x + rect.width <= 390, JSON.stringify(rect));
  await box.tap?.().catch(() => {});
  await box.fill('Posted from my phone with a long-unbreakable-word-' + 'x'.repeat(80));
  const post = page.getByRole('button', { name: 'Post', exact: true });
  const prect = await post.boundingBox();
  assert.ok(prect.height >= 44 && prect.x + prect.width <= 390, 'the Post button is on screen and big enough');
  await post.click();
  await card(page, 'Posted from my phone').waitFor();
  assert.equal(await overflow(), 0, 'a long word does not widen the page');
  assert.deepEqual(page.errors || [], []);
  await page.context().close();
});

test('a refused post keeps what was typed and shows the message', async () => {
  const page = await signedInPage(t, 'carol');
  const text = 'Too long: ' + 'é'.repeat(5000);
  const box = page.getByLabel('Write a post');
  await box.fill(text);
  await page.getByLabel('Audience').selectOption({ label: 'My connections' });
  await page.getByText(/10 characters too many/).waitFor();
  await page.getByRole('button', { name: 'Post', exact: true }).click();
  const alert = page.locator('.composer [role=alert]').filter({ hasText: /status: 5010 characters, longer than the limit of 5000/ });
  await alert.waitFor();
  assert.equal(await box.inputValue(), text);
  assert.equal(await page.getByLabel('Audience').inputValue(), 'connections');
  assert.equal(await page.evaluate(() => document.activeElement.tagName), 'TEXTAREA');
  // Fixing it posts it, and the message goes away.
  await box.fill('Short enough');
  await page.getByRole('button', { name: 'Post', exact: true }).click();
  await card(page, 'Short enough').waitFor();
  assert.equal(await alert.isHidden(), true);
  await page.context().close();
});
