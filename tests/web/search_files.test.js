// Search in the browser for files and my messages: the all-types page
// shows a Files and a Messages section with highlighted snippets; the
// Files tab lists documents found by the text inside them (name, owner,
// size, a download link); the Messages tab lists my messages with their
// conversation (a link to it); the tabs in French.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, createUser, signedInPage, api } from './lib.js';

let t, ann, bob, conv;
before(async () => {
  t = await setup();
  ann = createUser(t.srv, 'ann', { name: 'Ann Lopes' });
  bob = createUser(t.srv, 'bob', { name: 'Bob Martin' });
  const fd = new FormData();
  fd.append('file', new Blob(['Zanzibar roadmap: ship the réseau module in May.\n']), 'plan.txt');
  const f = await api(t.srv, 'POST', '/api/moka/v1/files', { token: ann.token, form: fd });
  assert.equal(f.status, 200);
  assert.equal((await api(t.srv, 'PATCH', `/api/moka/v1/files/${f.body.id}`, { token: ann.token, json: { audience: 'company' } })).status, 200);
  conv = (await api(t.srv, 'POST', '/api/moka/v1/conversations', { token: ann.token, json: { account_ids: [bob.id], group: true, title: 'Launch crew' } })).body;
  const m = await api(t.srv, 'POST', `/api/moka/v1/conversations/${conv.id}/messages`, { token: ann.token, json: { text: 'The zanzibar review moved to Friday' } });
  assert.equal(m.status, 200);
  // the file's text is extracted in the background: wait until it is found by it
  for (let i = 0; i < 100; i++) {
    const r = await api(t.srv, 'GET', '/api/moka/v1/search?type=files&q=roadmap', { token: bob.token });
    if (r.body.files.total === 1) break;
    await new Promise((res) => setTimeout(res, 50));
  }
});
after(async () => { await t.close(); });

// The search's tabs: the app's own navigation has a Messages link too, whose
// name is plain "Messages" while its unread badge is empty.
const tabs = (page, label = 'What to search') => page.getByRole('navigation', { name: label });

test('all types: Files and Messages sections with highlights', async () => {
  const page = await signedInPage(t, 'bob', { path: '/search?q=zanzibar' });
  const files = page.locator('section[data-type="files"]');
  await files.getByRole('link', { name: 'plan.txt' }).waitFor();
  assert.equal(await files.locator('mark').first().textContent(), 'Zanzibar');
  assert.match(await files.locator('.find-count').textContent(), /1 result/);
  const messages = page.locator('section[data-type="messages"]');
  await messages.getByRole('link', { name: 'Launch crew' }).waitFor();
  assert.equal(await messages.locator('mark').first().textContent(), 'zanzibar');
  assert.deepEqual(page.errors || [], []);
});

test('the Files tab: found by the text inside, with owner, size and a download link', async () => {
  const page = await signedInPage(t, 'bob', { path: '/search?q=reseau' });
  await tabs(page).getByRole('link', { name: 'Files', exact: true }).click();
  await page.waitForURL(/type=files/);
  const row = page.locator('.find-file', { hasText: 'plan.txt' });
  await row.waitFor();
  assert.match(await row.locator('.find-meta').textContent(), /Ann Lopes · \d+ B/);
  assert.equal(await row.locator('mark').textContent(), 'réseau');
  const href = await row.getByRole('link', { name: 'plan.txt' }).getAttribute('href');
  assert.match(href, /\/api\/moka\/v1\/files\/\d+\/download$/);
  assert.equal(await page.locator('section[data-type="messages"]').count(), 0);
});

test('the Messages tab: my messages with their conversation; in French', async () => {
  const page = await signedInPage(t, 'bob', { path: '/search?q=friday' });
  await tabs(page).getByRole('link', { name: 'Messages', exact: true }).click();
  await page.waitForURL(/type=messages/);
  const row = page.locator('.find-message', { hasText: 'Launch crew' });
  await row.waitFor();
  assert.equal(await row.locator('.find-meta').textContent(), 'Ann Lopes');
  assert.equal(await row.locator('mark').textContent(), 'Friday');
  await row.getByRole('link', { name: 'Launch crew' }).click();
  await page.waitForURL(new RegExp(`/messages/${conv.id}$`));
  const fr = await signedInPage(t, 'bob', { lang: 'fr', path: '/search?q=zanzibar' });
  await tabs(fr, 'Quoi chercher').getByRole('link', { name: 'Fichiers', exact: true }).waitFor();
  await fr.locator('section[data-type="messages"]').getByRole('heading', { name: /Messages/ }).waitFor();
});
