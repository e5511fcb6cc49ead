// My network and the profile's relationship actions: an invitation with a
// message (arriving live on the other's network page) accepted there;
// follow and follow back; people you may know; withdraw, ignore and
// disconnect; the network page at phone size.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, createUser, connect, signedInPage, api } from './lib.js';

let t;
before(async () => { t = await setup(); });
after(async () => { await t.close(); });

const rel = async (from, to) => (await api(t.srv, 'GET', `/api/v1/accounts/relationships?id[]=${to.id}`, { token: from.token })).body[0];

test('connect with a message; the invitation arrives live on the other\'s network page and is accepted there', async () => {
  const ned = createUser(t.srv, 'ned', { name: 'Ned Nakamura', title: 'Designer' });
  const ora = createUser(t.srv, 'ora', { name: 'Ora Okafor', department: 'Research' });
  const oraPage = await signedInPage(t, 'ora', { path: '/network' });
  await oraPage.getByRole('heading', { name: 'Invitations received' }).waitFor();
  await oraPage.getByText('No invitations waiting for you.').waitFor();

  const nedPage = await signedInPage(t, 'ned', { path: '/@ora' });
  await nedPage.getByRole('heading', { name: 'Ora Okafor', level: 1 }).waitFor();
  assert.equal(await nedPage.locator('.distance').innerText(), 'Outside your network');
  await nedPage.getByRole('button', { name: 'Connect' }).click();
  const message = nedPage.getByLabel('Message (optional)');
  assert.equal(await message.evaluate((el) => el === document.activeElement), true, 'focus goes to the message');
  await message.fill('We met at the design review — let\'s keep in touch.');
  await nedPage.getByRole('button', { name: 'Send invitation' }).click();
  await nedPage.getByText('Invitation sent', { exact: true }).waitFor();
  await nedPage.getByRole('button', { name: 'Withdraw (Ora Okafor)' }).waitFor();
  assert.equal((await rel(ned, ora)).requested, true);

  // Ned's own network page lists it as sent (until Ora answers, below).
  const nedNet = await signedInPage(t, 'ned', { path: '/network' });
  await nedNet.getByRole('list', { name: 'Invitations sent' }).getByRole('link', { name: 'Ora Okafor' }).waitFor();

  // Ora's open network page gets it live, with the message.
  const received = oraPage.getByRole('list', { name: 'Invitations received' });
  await received.getByRole('link', { name: 'Ned Nakamura' }).waitFor();
  assert.match(await received.innerText(), /We met at the design review — let's keep in touch\./);
  assert.equal(await oraPage.getByText('No invitations waiting for you.').isVisible(), false);
  await oraPage.getByRole('button', { name: 'Accept (Ned Nakamura)' }).click();
  await oraPage.getByText('No invitations waiting for you.').waitFor();
  const r = await rel(ora, ned);
  assert.equal(r.moka.connected, true);
  assert.equal(r.moka.distance, 1);

  await oraPage.getByRole('link', { name: 'Connections' }).click();
  await oraPage.waitForURL(/\/network\/connections$/);
  await oraPage.getByRole('list', { name: 'Connections' }).getByRole('link', { name: 'Ned Nakamura' }).waitFor();

  // Ned's open pages follow live: the sent invitation goes, the profile
  // shows the connection; his notification says so.
  await nedNet.getByText('You have no invitations waiting for an answer.').waitFor();
  await nedNet.context().close();
  await nedPage.getByRole('button', { name: 'Disconnect' }).waitFor();
  assert.equal(await nedPage.locator('.distance').innerText(), 'Direct connection');
  assert.match(await nedPage.locator('.profile-stats').innerText(), /1 connection/);
  await nedPage.goto(t.srv.base + '/notifications');
  await nedPage.getByRole('link', { name: 'Ora Okafor accepted your invitation' }).waitFor();
  assert.deepEqual([...(oraPage.errors || []), ...(nedPage.errors || [])], []);
  await oraPage.context().close();
  await nedPage.context().close();
});

test('follow from a profile, unfollow, and follow back from the followers list', async () => {
  const pam = createUser(t.srv, 'pam', { name: 'Pam Poe' });
  const quy = createUser(t.srv, 'quy', { name: 'Quy Quach' });
  const page = await signedInPage(t, 'pam', { path: '/@quy' });
  await page.getByRole('button', { name: 'Follow Quy Quach', exact: true }).click();
  await page.getByRole('button', { name: 'Unfollow Quy Quach' }).waitFor();
  assert.equal((await rel(pam, quy)).following, true);
  await page.getByText('1 follower', { exact: true }).waitFor();
  await page.getByRole('button', { name: 'Unfollow Quy Quach' }).click();
  await page.getByRole('button', { name: 'Follow Quy Quach', exact: true }).waitFor();
  assert.equal((await rel(pam, quy)).following, false);
  await page.getByRole('button', { name: 'Follow Quy Quach', exact: true }).click();
  await page.getByRole('button', { name: 'Unfollow Quy Quach' }).waitFor();
  await page.getByRole('link', { name: 'My network' }).click();
  await page.getByRole('link', { name: 'Following', exact: true }).click();
  await page.getByRole('list', { name: 'Following' }).getByRole('link', { name: 'Quy Quach' }).waitFor();

  const back = await signedInPage(t, 'quy', { path: '/network/followers' });
  const list = back.getByRole('list', { name: 'Followers' });
  await list.getByRole('link', { name: 'Pam Poe' }).waitFor();
  await list.getByRole('button', { name: 'Follow Pam Poe', exact: true }).click();
  await list.getByRole('button', { name: 'Unfollow Pam Poe' }).waitFor();
  assert.equal((await rel(quy, pam)).following, true);
  await page.context().close();
  await back.context().close();
});

test('people you may know: connect, withdraw from the sent list; ignore; disconnect after confirming', async () => {
  createUser(t.srv, 'boss2', { name: 'Bo Boss' });
  const rae = createUser(t.srv, 'rae', { name: 'Rae Rivera', manager: 'boss2' });
  const sol = createUser(t.srv, 'sol', { name: 'Sol Santos', manager: 'boss2' });
  const tam = createUser(t.srv, 'tam', { name: 'Tam Tran' });
  await api(t.srv, 'POST', `/api/moka/v1/accounts/${rae.id}/connect`, { token: tam.token, json: { message: 'Hello Rae' } });
  const page = await signedInPage(t, 'rae', { path: '/network' });
  const suggestions = page.getByRole('list', { name: 'People you may know' });
  await suggestions.getByRole('link', { name: 'Sol Santos' }).waitFor();
  assert.match(await suggestions.innerText(), /Same manager/);
  await suggestions.getByRole('button', { name: 'Connect with Sol Santos' }).click();
  await suggestions.getByText('Invitation sent').waitFor();
  assert.equal((await rel(rae, sol)).requested, true);

  await page.reload();
  const sent = page.getByRole('list', { name: 'Invitations sent' });
  await sent.getByRole('link', { name: 'Sol Santos' }).waitFor();
  await sent.getByRole('button', { name: 'Withdraw (Sol Santos)' }).click();
  await page.getByText('You have no invitations waiting for an answer.').waitFor();
  assert.equal((await rel(rae, sol)).requested, false);

  const received = page.getByRole('list', { name: 'Invitations received' });
  assert.match(await received.innerText(), /Hello Rae/);
  await received.getByRole('button', { name: 'Ignore (Tam Tran)' }).click();
  await page.getByText('No invitations waiting for you.').waitFor();
  const inv = (await api(t.srv, 'GET', '/api/moka/v1/invitations', { token: rae.token })).body;
  assert.deepEqual(inv.received, []);

  await connect(t.srv, rae, sol);
  await page.goto(t.srv.base + '/@sol');
  await page.getByRole('button', { name: 'Disconnect' }).click();
  await page.getByText('Remove Sol Santos from your connections?').waitFor();
  await page.getByRole('button', { name: 'Cancel' }).click();
  assert.equal((await rel(rae, sol)).moka.connected, true);
  await page.getByRole('button', { name: 'Disconnect' }).click();
  await page.getByRole('button', { name: 'Yes, disconnect' }).click();
  await page.getByRole('button', { name: 'Connect', exact: true }).waitFor();
  assert.equal((await rel(rae, sol)).moka.connected, false);
  await page.context().close();
});

test('keyboard only: invite from a profile with a message, then withdraw', async () => {
  createUser(t.srv, 'kim', { name: 'Kim Key' });
  const lou = createUser(t.srv, 'lou', { name: 'Lou Board' });
  const kim = { id: null };
  const page = await signedInPage(t, 'kim', { path: '/@lou' });
  await page.getByRole('heading', { name: 'Lou Board', level: 1 }).waitFor();
  await page.waitForFunction(() => document.activeElement.tagName === 'H1');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Connect');
  await page.keyboard.press('Enter');
  await page.keyboard.type('Hello from the keyboard');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Send invitation');
  await page.keyboard.press('Enter');
  await page.getByText('Invitation sent', { exact: true }).waitFor();
  assert.equal(await page.evaluate(() => document.activeElement.getAttribute('aria-label')), 'Withdraw (Lou Board)', 'focus stays on the actions');
  const inv = (await api(t.srv, 'GET', '/api/moka/v1/invitations', { token: lou.token })).body;
  assert.equal(inv.received[0].message, 'Hello from the keyboard');
  kim.id = inv.received[0].account.id;
  await page.keyboard.press('Enter');
  await page.getByRole('button', { name: 'Connect', exact: true }).waitFor();
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Connect');
  assert.equal((await rel(lou, kim)).requested_by, false);
  await page.context().close();
});

test('who connects us: the shared connections on a second-degree profile', async () => {
  const uma = createUser(t.srv, 'uma', { name: 'Uma Ueda' });
  const vic = createUser(t.srv, 'vic', { name: 'Vic Vega', title: 'Bridge' });
  const wes = createUser(t.srv, 'wes', { name: 'Wes West' });
  await connect(t.srv, uma, vic);
  await connect(t.srv, vic, wes);
  const page = await signedInPage(t, 'uma', { path: '/@wes' });
  const box = page.locator('section.profile-connects');
  await box.getByText('1 person connects you with Wes West').waitFor();
  await box.getByRole('link', { name: 'Vic Vega' }).click();
  await page.waitForURL(/\/@vic$/);
  await page.getByRole('heading', { name: 'Vic Vega', level: 1 }).waitFor();
  await page.context().close();
});

test('phone size 390×844: my network fits without horizontal scroll', async () => {
  createUser(t.srv, 'mgr3', { name: 'Marguerite Manager-With-A-Long-Name' });
  const xia = createUser(t.srv, 'xia', { name: 'Xia Xu', manager: 'mgr3' });
  for (let i = 0; i < 4; i++) {
    const p = createUser(t.srv, `peer${i}`, { name: `Peer Number ${i} With Quite A Long Name`, manager: 'mgr3', title: 'Senior staff engineer, platform', department: 'Engineering' });
    if (i < 2) await api(t.srv, 'POST', `/api/moka/v1/accounts/${xia.id}/connect`, { token: p.token, json: { message: 'x'.repeat(200) } });
  }
  const page = await signedInPage(t, 'xia', { path: '/network', viewport: { width: 390, height: 844 } });
  await page.getByRole('list', { name: 'Invitations received' }).getByRole('link').first().waitFor();
  await page.getByRole('list', { name: 'People you may know' }).getByRole('link').first().waitFor();
  assert.equal(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), true);
  const accept = await page.getByRole('button', { name: /^Accept/ }).first().boundingBox();
  assert.ok(accept.height >= 44 && accept.x >= 0 && accept.x + accept.width <= 390);
  await page.getByRole('link', { name: 'Followers' }).click();
  await page.getByText('Nobody follows you yet.').waitFor();
  assert.equal(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), true);
  await page.context().close();
});
