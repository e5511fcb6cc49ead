// The notifications page: a mention shows up in the header badge live; the
// page lists it (what happened, a link to the thing) and opening it marks
// everything read (the marker) so the badge clears; new ones arrive live;
// older ones load as the list is scrolled.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, createUser, signedInPage, api } from './lib.js';

let t;
before(async () => { t = await setup(); });
after(async () => { await t.close(); });

const unread = async (u) => (await api(t.srv, 'GET', '/api/v1/notifications/unread_count', { token: u.token })).body.count;
const postAs = async (u, json) => {
  const r = await api(t.srv, 'POST', '/api/v1/statuses', { token: u.token, json });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body;
};

test('a mention: live badge, listed on the page, opening it clears the badge, the link opens the thread', async () => {
  const amy = createUser(t.srv, 'amy', { name: 'Amy Adams' });
  const ben = createUser(t.srv, 'ben', { name: 'Ben Brown' });
  const page = await signedInPage(t, 'amy', { path: '/' });
  const badge = page.getByTestId('unread-badge');
  assert.equal(await badge.isVisible(), false);

  const mention = await postAs(ben, { status: 'Hi @amy, the quarterly report is ready.' });
  await page.waitForFunction(() => {
    const b = document.querySelector('[data-testid=unread-badge]');
    return b && !b.hidden && b.textContent === '1';
  });

  await page.getByRole('link', { name: /^Notifications/ }).click();
  await page.waitForURL(/\/notifications$/);
  const list = page.getByRole('list', { name: 'Your notifications' });
  const link = list.getByRole('link', { name: 'Ben Brown mentioned you' });
  await link.waitFor();
  assert.match(await list.locator('li').first().innerText(), /Hi @amy, the quarterly report is ready\./);
  await page.waitForFunction(() => document.querySelector('[data-testid=unread-badge]').hidden);
  assert.equal(await unread(amy), 0, 'the marker moved on the server');
  const markers = (await api(t.srv, 'GET', '/api/v1/markers?timeline[]=notifications', { token: amy.token })).body;
  const notes = (await api(t.srv, 'GET', '/api/v1/notifications', { token: amy.token })).body;
  assert.equal(markers.notifications.last_read_id, notes[0].id);

  // A new one while the page is open: on top at once, read at once.
  const reply = await postAs(ben, { status: '@amy and the slides too.', in_reply_to_id: mention.id });
  void reply;
  await list.getByRole('link', { name: 'Ben Brown mentioned you' }).nth(1).waitFor();
  assert.match(await list.locator('li').first().innerText(), /and the slides too\.[\s\S]*New/);
  await page.waitForFunction(() => document.querySelector('[data-testid=unread-badge]').hidden);
  for (let i = 0; i < 50 && (await unread(amy)) !== 0; i++) await new Promise((r) => setTimeout(r, 50));
  assert.equal(await unread(amy), 0);

  // The link leads to the thread.
  await list.getByRole('link', { name: 'Ben Brown mentioned you' }).last().click();
  await page.waitForURL(new RegExp(`/@ben/${mention.id}$`));
  await page.locator('.post.is-focus').filter({ hasText: 'the quarterly report is ready' }).waitFor();
  assert.deepEqual(page.errors || [], []);
  await page.context().close();
});

test('each kind says what happened and links to the right place', async () => {
  const cat = createUser(t.srv, 'cat', { name: 'Cat Cole' });
  const dan = createUser(t.srv, 'dan', { name: 'Dan Diaz' });
  const own = await postAs(cat, { status: 'Lunch at noon?' });
  await api(t.srv, 'POST', `/api/v1/statuses/${own.id}/favourite`, { token: dan.token });
  await api(t.srv, 'POST', `/api/v1/accounts/${cat.id}/follow`, { token: dan.token });
  await api(t.srv, 'POST', `/api/moka/v1/accounts/${cat.id}/connect`, { token: dan.token, json: { message: 'Colleagues?' } });
  await postAs(dan, { status: 'Happy birthday!', board_id: cat.id });
  await postAs(dan, { status: 'Sure, see you there.', in_reply_to_id: own.id });
  const page = await signedInPage(t, 'cat', { path: '/notifications' });
  const list = page.getByRole('list', { name: 'Your notifications' });
  const href = (name) => list.getByRole('link', { name, exact: true }).getAttribute('href');
  await list.getByRole('link', { name: 'Dan Diaz replied to you' }).waitFor();
  assert.match(await href('Dan Diaz replied to you'), /^\/@dan\/\d+$/);
  assert.match(await href('Dan Diaz posted on your board'), /^\/@dan\/\d+$/);
  assert.equal(await href('Dan Diaz invited you to connect'), '/network');
  assert.equal(await href('Dan Diaz followed you'), '/@dan');
  assert.equal(await href('Dan Diaz liked your post'), `/@cat/${own.id}`);
  assert.match(await list.innerText(), /Colleagues\?/);
  assert.equal(await list.locator('li').count(), 5);

  await list.getByRole('link', { name: 'Dan Diaz invited you to connect' }).click();
  await page.waitForURL(/\/network$/);
  await page.getByRole('button', { name: 'Accept (Dan Diaz)' }).waitFor();
  await page.context().close();
});

test('older notifications load as the list is scrolled (keyboard: the button)', async () => {
  const eve = createUser(t.srv, 'eve', { name: 'Eve Evans' });
  const fox = createUser(t.srv, 'fox', { name: 'Fox Ford' });
  for (let i = 0; i < 45; i++) await postAs(fox, { status: `Note ${i} for @eve` });
  const page = await signedInPage(t, 'eve', { path: '/notifications' });
  const items = page.getByRole('list', { name: 'Your notifications' }).locator('li');
  await items.first().waitFor();
  assert.equal(await items.count(), 30);
  assert.match(await items.first().innerText(), /Note 44 for @eve/);
  await page.getByRole('button', { name: 'Load older notifications' }).scrollIntoViewIfNeeded();
  await page.waitForFunction(() => document.querySelectorAll('.notif-list li').length === 45);
  assert.match(await items.last().innerText(), /Note 0 for @eve/);
  // The last page was short; the button (keyboard) asks for more: none left.
  const more = page.getByRole('button', { name: 'Load older notifications' });
  if (await more.isVisible()) {
    await more.focus();
    await page.keyboard.press('Enter');
  }
  await more.waitFor({ state: 'hidden' });
  assert.equal(await items.count(), 45);
  assert.equal(await unread(eve), 0);
  await page.context().close();
});

test('French: the notifications page speaks French', async () => {
  createUser(t.srv, 'gus', { name: 'Gus Girard' });
  const hal = createUser(t.srv, 'hal', { name: 'Hal Hugo' });
  await postAs(hal, { status: 'Bonjour @gus' });
  const page = await signedInPage(t, 'gus', { path: '/notifications', lang: 'fr' });
  await page.getByRole('heading', { name: 'Notifications', level: 1 }).waitFor();
  await page.getByRole('link', { name: 'Hal Hugo vous a mentionné' }).waitFor();
  await page.context().close();
});
