// Search in the browser: suggestions as you type in the header (Enter
// goes to the search page), the search page's tabs (people with
// highlighted snippets, posts, who knows), the experts panel beside the
// question composer (tick, post, the expert is asked), "Questions for
// you", and the page in French.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, createUser, connect, signedInPage, api } from './lib.js';

let t, alice, bruno, carol;
before(async () => {
  t = await setup();
  alice = createUser(t.srv, 'alice', { name: 'Alice Martin' });
  bruno = createUser(t.srv, 'bruno', { name: 'Bruno Réseau', title: 'Network Engineer' });
  carol = createUser(t.srv, 'carol', { name: 'Carol Petit' });
  await connect(t.srv, alice, carol);
  await connect(t.srv, carol, bruno);
  const p = await api(t.srv, 'PATCH', '/api/moka/v1/profiles/me', { token: bruno.token, json: { expertise: ['PostgreSQL', 'Réseau'] } });
  assert.equal(p.status, 200);
  const s = await api(t.srv, 'POST', '/api/v1/statuses', { token: bruno.token, json: { status: 'Vacuum settings that saved our #postgresql cluster' } });
  assert.equal(s.status, 200);
});
after(async () => { await t.close(); });

test('header: suggestions as you type, Enter opens the search page with highlighted results', async () => {
  const page = await signedInPage(t, 'alice');
  const box = page.getByRole('combobox', { name: 'Search' });
  await box.fill('Bru');
  await page.getByRole('option', { name: /Bruno Réseau/ }).waitFor();
  await page.getByRole('option', { name: 'Search everything for “Bru”' }).waitFor();
  await box.fill('reseau');
  await page.getByRole('option', { name: /Bruno Réseau/ }).waitFor();
  await box.press('Enter');
  await page.waitForURL(/\/search\?q=reseau$/);
  await page.getByRole('heading', { name: 'Search', level: 1 }).waitFor();
  const people = page.locator('section[data-type="people"]');
  await people.getByRole('link', { name: 'Bruno Réseau' }).waitFor();
  assert.equal(await people.locator('mark').first().textContent(), 'Réseau');
  assert.match(await people.locator('.find-count').textContent(), /1 result/);
  assert.deepEqual(page.errors || [], []);
});

test('search page: tabs for posts and who knows, with why', async () => {
  const page = await signedInPage(t, 'alice', { path: '/search?q=postgresql' });
  await page.locator('section[data-type="posts"]').getByText('Vacuum settings').waitFor();
  await page.getByRole('link', { name: 'Who knows' }).click();
  await page.waitForURL(/type=experts/);
  const row = page.locator('.find-list .person', { hasText: 'Bruno Réseau' });
  await row.waitFor();
  assert.match(await row.locator('.find-why').textContent(), /expertise: postgresql · 1 post on it · connected through Carol Petit/);
  await page.getByRole('link', { name: 'Posts' }).click();
  await page.waitForURL(/type=posts/);
  await page.locator('article.post', { hasText: 'Vacuum settings' }).waitFor();
  assert.equal(await page.locator('section[data-type="people"]').count(), 0);
});

test('ask my network: the experts panel beside the question composer, then Questions for you', async () => {
  const page = await signedInPage(t, 'alice');
  await page.getByLabel('This is a question').check();
  await page.getByLabel('Write a post').fill('How should we tune PostgreSQL autovacuum?');
  const panel = page.getByTestId('experts-panel');
  await panel.getByRole('heading', { name: 'Who could answer' }).waitFor();
  await panel.getByText(/expertise: postgresql/).waitFor();
  await panel.getByRole('checkbox', { name: 'Ask Bruno Réseau' }).check();
  await page.getByRole('button', { name: 'Post', exact: true }).click();
  await page.locator('article.post', { hasText: 'tune PostgreSQL autovacuum' }).waitFor();
  // bruno is asked: a notification, and the question in Questions for you
  let asked;
  for (let i = 0; i < 40 && !asked; i++) {
    const n = await api(t.srv, 'GET', '/api/v1/notifications', { token: bruno.token });
    asked = n.body.find((x) => x.type === 'moka.question_asked');
    if (!asked) await new Promise((r) => setTimeout(r, 100));
  }
  assert.ok(asked, 'bruno was asked');
  assert.equal(asked.account.username, 'alice');
  const pb = await signedInPage(t, 'bruno', { path: '/search/for-you' });
  await pb.getByRole('heading', { name: 'Questions for you' }).waitFor();
  const item = pb.locator('.find-post', { hasText: 'tune PostgreSQL autovacuum' });
  await item.waitFor();
  assert.equal(await item.locator('.find-reason').textContent(), 'You were asked');
});

test('the search page in French', async () => {
  const page = await signedInPage(t, 'alice', { lang: 'fr', path: '/search?q=R%C3%A9seau' });
  await page.getByRole('heading', { name: 'Recherche', level: 1 }).waitFor();
  await page.locator('section[data-type="people"]').getByRole('heading', { name: /Personnes/ }).waitFor();
  await page.getByRole('link', { name: 'Qui sait' }).waitFor();
  await page.goto(`${t.srv.base}/search?q=zzzzqqq`);
  await page.locator('.find-none', { hasText: 'Rien trouvé pour « zzzzqqq ».' }).waitFor();
});
