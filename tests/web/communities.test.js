// Communities in the browser, with several people at once: create one, a
// colleague joins a public one and asks to join a moderated one (approved by
// the owner from the members tab, the request shown in Notifications), a
// post in the community stream reaches the other member live, a forum topic
// (a question) with a reply, a restricted community stays invisible to a
// non-member (not listed, not-found screen), and leaving takes access away
// at once; files shared with the community from its files tab; an owner
// edits and archives from settings. Also: the phone layout and the French
// strings.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, createUser, signedInPage, api } from './lib.js';

let t, olga, pat, rex;
before(async () => {
  t = await setup();
  olga = createUser(t.srv, 'olga', { name: 'Olga Owner' });
  pat = createUser(t.srv, 'pat', { name: 'Pat Member' });
  rex = createUser(t.srv, 'rex', { name: 'Rex Outsider' });
});
after(async () => { await t.close(); });

const C = '/api/moka/v1/communities';
async function create(owner, body) {
  const r = await api(t.srv, 'POST', C, { token: owner.token, json: body });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body;
}

test('create a public community, a colleague joins, posts arrive live, a forum question gets a reply', async () => {
  const po = await signedInPage(t, 'olga', { path: '/communities' });
  await po.getByRole('link', { name: 'Create a community' }).click();
  await po.getByLabel('Name', { exact: true }).fill('Coffee Lovers');
  await po.getByLabel('Description', { exact: true }).fill('Beans, grinders and brewing.');
  await po.getByLabel('Tags').fill('coffee,');
  await po.getByLabel('Public').check();
  await po.getByRole('button', { name: 'Create' }).click();
  await po.getByRole('heading', { level: 1, name: 'Coffee Lovers' }).waitFor();
  const id = new URL(po.url()).pathname.split('/')[2];
  assert.match(id, /^\d+$/);
  await po.getByRole('link', { name: 'Settings' }).waitFor(); // the owner's tab
  // the header's Communities link stays current on a community's pages
  const navLink = po.locator('.main-nav a[data-path="/communities"]');
  assert.equal(await navLink.getAttribute('aria-current'), 'true');

  // pat finds it by name and tag, and joins.
  const pp = await signedInPage(t, 'pat', { path: '/communities?tag=coffee' });
  await pp.getByRole('link', { name: 'Coffee Lovers' }).click();
  await pp.getByRole('heading', { level: 1, name: 'Coffee Lovers' }).waitFor();
  assert.equal(await pp.getByRole('link', { name: 'Settings' }).count(), 0);
  await pp.getByRole('button', { name: 'Join' }).click();
  await pp.getByRole('button', { name: 'Leave' }).waitFor();
  await pp.getByText('2 members').waitFor();

  // olga's page is open on the stream: pat's post arrives live.
  await po.reload();
  await po.getByRole('heading', { level: 1, name: 'Coffee Lovers' }).waitFor();
  await pp.getByLabel('Write in Coffee Lovers').fill('Who has the best grinder?');
  await pp.getByRole('button', { name: 'Post', exact: true }).click();
  await pp.locator('article.post', { hasText: 'Who has the best grinder?' }).waitFor();
  await po.getByRole('button', { name: 'Show 1 new post' }).click();
  const card = po.locator('article.post', { hasText: 'Who has the best grinder?' });
  await card.waitFor();
  assert.equal(await card.getByRole('link', { name: /Community$/ }).getAttribute('href'), `/communities/${id}`);
  const s = (await api(t.srv, 'GET', `${C}/${id}/timeline`, { token: rex.token })).body;
  assert.equal(s[0].moka.community_id, id); // public: rex reads it too
  assert.equal(s[0].moka.visibility, 'community');
  // the owner pins it: pinned posts come first
  await card.getByRole('button', { name: 'Pin' }).click();
  await po.getByRole('region', { name: 'Pinned posts' }).locator('article.post', { hasText: 'Who has the best grinder?' }).waitFor();
  assert.deepEqual((await api(t.srv, 'GET', `${C}/${id}/pins`, { token: pat.token })).body.map((x) => x.id), [s[0].id]);

  // A forum question, answered by olga on the topic's page.
  await pp.getByRole('link', { name: 'Forum' }).click();
  await pp.getByRole('button', { name: 'New topic' }).click();
  await pp.getByRole('textbox', { name: 'Title', exact: true }).fill('Espresso or filter?');
  await pp.getByRole('textbox', { name: 'Message', exact: true }).fill('Which one for the office machine?');
  await pp.getByLabel('This is a question').check();
  await pp.getByRole('button', { name: 'Open the topic' }).click();
  await pp.getByRole('heading', { level: 1, name: /Espresso or filter\?/ }).waitFor();
  assert.match(await pp.locator('h1').innerText(), /Question/);
  const topicPath = new URL(pp.url()).pathname;
  assert.match(topicPath, new RegExp(`^/communities/${id}/topics/\\d+$`));

  await po.getByRole('link', { name: 'Forum' }).click();
  const row = po.locator('.topic', { hasText: 'Espresso or filter?' });
  await row.waitFor();
  assert.match(await row.innerText(), /0 replies/);
  await row.getByRole('link', { name: 'Espresso or filter?' }).click();
  await po.getByLabel('Write a reply').fill('Espresso, obviously.');
  await po.getByRole('button', { name: 'Reply', exact: true }).click();
  await po.locator('article.post', { hasText: 'Espresso, obviously.' }).waitFor();
  await pp.locator('article.post', { hasText: 'Espresso, obviously.' }).waitFor(); // live on pat's topic page
  await po.getByRole('link', { name: 'Back to the forum' }).click();
  await po.locator('.topic', { hasText: '1 reply' }).waitFor();

  // pat's notification for the new topic went to olga.
  await po.goto(t.srv.base + '/notifications');
  await po.getByRole('link', { name: 'Pat Member opened a topic in Coffee Lovers' }).click();
  await po.waitForURL((u) => u.pathname === topicPath);
  assert.deepEqual([...(po.errors || []), ...(pp.errors || [])], []);
  await po.context().close();
  await pp.context().close();
});

test('a moderated community: the request shows in the owner\'s notifications and members tab, approval lets in', async () => {
  const c = await create(olga, { name: 'Security Guild', type: 'moderated', description: 'Threat models.' });
  const pp = await signedInPage(t, 'pat', { path: `/communities/${c.id}` });
  await pp.getByRole('button', { name: 'Ask to join' }).click();
  await pp.getByText('Your request to join waits for an owner.').waitFor();
  assert.equal(await pp.getByLabel('Write in Security Guild').count(), 0);

  const po = await signedInPage(t, 'olga', { path: '/notifications' });
  await po.getByRole('link', { name: 'Pat Member asks to join Security Guild' }).click();
  await po.waitForURL(new RegExp(`/communities/${c.id}/members$`));
  const req = po.locator('.community-requests .person', { hasText: 'Pat Member' });
  await req.getByRole('button', { name: 'Approve' }).click();
  await req.getByText('Pat Member is now a member.').waitFor();

  // pat is told, and can post.
  await pp.goto(t.srv.base + '/notifications');
  await pp.getByRole('link', { name: 'Olga Owner let you into Security Guild' }).click();
  await pp.getByLabel('Write in Security Guild').waitFor();
  const m = (await api(t.srv, 'GET', `${C}/${c.id}`, { token: pat.token })).body;
  assert.equal(m.membership, 'member');
  await po.context().close();
  await pp.context().close();
});

test('a restricted community is invisible to a non-member; an invitee accepts; leaving takes access away at once', async () => {
  const c = await create(olga, { name: 'Board Room', type: 'restricted', description: 'Secret plans.' });
  await api(t.srv, 'POST', '/api/v1/statuses', { token: olga.token, json: { status: 'Merger next week', visibility: 'community', community_id: c.id } });

  // rex: not in the list, the page is the not-found screen.
  const pr = await signedInPage(t, 'rex', { path: '/communities' });
  await pr.locator('.community-list, .people-status').first().waitFor();
  await pr.getByRole('button', { name: 'Filter' }).waitFor();
  await pr.waitForFunction(() => document.querySelector('main [aria-live]') && !/Loading/.test(document.querySelector('main .people-status').textContent));
  assert.equal(await pr.getByRole('link', { name: 'Board Room' }).count(), 0);
  await pr.goto(t.srv.base + `/communities/${c.id}`);
  await pr.getByRole('heading', { level: 1, name: 'Page not found' }).waitFor();
  assert.equal(await pr.getByText('Merger next week').count(), 0);

  // pat is invited by name from the members tab, and accepts from Notifications.
  const po = await signedInPage(t, 'olga', { path: `/communities/${c.id}/members` });
  await po.getByLabel('Name or username').fill('pat');
  await po.getByRole('button', { name: 'Invite', exact: true }).click();
  await po.getByText('Pat Member is invited.').waitFor();
  const pp = await signedInPage(t, 'pat', { path: '/notifications' });
  await pp.getByRole('link', { name: 'Olga Owner invited you to the community Board Room' }).click();
  await pp.getByRole('button', { name: 'Accept the invitation' }).click();
  await pp.locator('article.post', { hasText: 'Merger next week' }).waitFor();

  // Leaving: the page becomes the not-found screen at once, and the API agrees.
  await pp.getByRole('button', { name: 'Leave' }).click();
  await pp.getByRole('heading', { level: 1, name: 'Page not found' }).waitFor();
  assert.equal(await pp.getByText('Merger next week').count(), 0);
  const r = await api(t.srv, 'GET', `${C}/${c.id}/timeline`, { token: pat.token });
  assert.equal(r.status, 404);
  for (const p of [pr, po, pp]) await p.context().close();
});

test('files tab: a member shares a file with the community; another member sees it and downloads it', async () => {
  const c = await create(olga, { name: 'Design Docs', type: 'public' });
  await api(t.srv, 'POST', `${C}/${c.id}/join`, { token: pat.token });
  const pp = await signedInPage(t, 'pat', { path: `/communities/${c.id}/files` });
  await pp.getByText('No files shared with this community yet.').waitFor();
  await pp.getByLabel('File', { exact: true }).setInputFiles({ name: 'roadmap.txt', mimeType: 'text/plain', buffer: Buffer.from('Q1: ship communities\n') });
  await pp.getByRole('button', { name: 'Upload' }).click();
  await pp.getByText('roadmap.txt shared.').waitFor();
  await pp.getByRole('link', { name: 'roadmap.txt' }).waitFor();

  const po = await signedInPage(t, 'olga', { path: `/communities/${c.id}/files` });
  const link = po.getByRole('link', { name: 'roadmap.txt' });
  await link.waitFor();
  const body = await po.evaluate(async (href) => (await fetch(href)).text(), await link.getAttribute('href'));
  assert.equal(body, 'Q1: ship communities\n');
  // rex is not a member: no upload form (public: he reads the list)
  const pr = await signedInPage(t, 'rex', { path: `/communities/${c.id}/files` });
  await pr.getByRole('link', { name: 'roadmap.txt' }).waitFor();
  assert.equal(await pr.getByRole('button', { name: 'Upload' }).count(), 0);
  for (const p of [pp, po, pr]) await p.context().close();
});

test('settings: an owner edits the community and archives it; it becomes read-only', async () => {
  const c = await create(olga, { name: 'Old Project', type: 'public', description: 'Before.' });
  const po = await signedInPage(t, 'olga', { path: `/communities/${c.id}/settings` });
  const desc = po.getByLabel('Description', { exact: true });
  assert.equal(await desc.inputValue(), 'Before.');
  await desc.fill('After the edit.');
  await po.getByLabel('Moderated').check();
  await po.getByRole('button', { name: 'Save' }).click();
  await po.getByRole('status').filter({ hasText: 'Saved.' }).first().waitFor();
  const edited = (await api(t.srv, 'GET', `${C}/${c.id}`, { token: pat.token })).body;
  assert.equal(edited.description, 'After the edit.');
  assert.equal(edited.type, 'moderated');
  await po.getByRole('button', { name: 'Archive the community' }).click();
  await po.getByRole('button', { name: 'Archive for good' }).click();
  await po.getByText('This community is archived: it is read-only.').waitFor();
  assert.equal(await po.getByLabel('Write in Old Project').count(), 0);
  assert.equal((await api(t.srv, 'GET', `${C}/${c.id}`, { token: pat.token })).body.archived, true);
  // not an owner: no settings tab, and its path is the not-found screen
  const pp = await signedInPage(t, 'pat', { path: `/communities/${c.id}/settings` });
  await pp.getByRole('heading', { level: 1, name: 'Page not found' }).waitFor();
  for (const p of [po, pp]) await p.context().close();
});

test('the phone layout in French: browse, the community page and its tabs fit 390 px', async () => {
  const c = await create(olga, { name: 'Vélo au travail', type: 'public', description: 'Pistes et garages.', tags: ['velo'] });
  const pp = await signedInPage(t, 'pat', { path: '/communities', lang: 'fr', viewport: { width: 390, height: 844 } });
  await pp.getByRole('heading', { level: 1, name: 'Communautés' }).waitFor();
  await pp.getByRole('link', { name: 'Vélo au travail' }).click();
  await pp.getByRole('button', { name: 'Rejoindre' }).click();
  await pp.getByRole('button', { name: 'Quitter' }).waitFor();
  for (const tab of ['Forum', 'Membres', 'Fil']) {
    await pp.getByRole('link', { name: tab, exact: true }).click();
    await pp.waitForFunction(() => !document.querySelector('main[aria-busy]'));
    const wide = await pp.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(wide <= 390, `${tab}: ${wide}px wide`);
  }
  // Keyboard: the composer is reachable and posts with Ctrl+Enter.
  await pp.getByLabel('Écrire dans Vélo au travail').focus();
  await pp.keyboard.type('Bonjour à tous');
  await pp.keyboard.press('Control+Enter');
  await pp.locator('article.post', { hasText: 'Bonjour à tous' }).waitFor();
  const tl = (await api(t.srv, 'GET', `${C}/${c.id}/timeline`, { token: olga.token })).body;
  assert.equal(tl[0].moka.community_id, c.id);
  await pp.context().close();
});

test('a reader who is not a member gets the community\'s new posts live on its page', async () => {
  const owner = createUser(t.srv, 'vera');
  createUser(t.srv, 'walt');
  const c = await create(owner, { name: 'Open bakery', type: 'public' });
  const pw = await signedInPage(t, 'walt', { path: `/communities/${c.id}` });
  await pw.getByRole('heading', { level: 1, name: 'Open bakery' }).waitFor();
  await pw.getByRole('button', { name: 'Join' }).waitFor(); // not a member
  await pw.waitForFunction(() => document.querySelector('[role=feed]')?.getAttribute('aria-busy') === 'false');
  const r = await api(t.srv, 'POST', '/api/v1/statuses', { token: owner.token, json: { status: 'Croissants at ten', visibility: 'community', community_id: c.id } });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  await pw.getByRole('button', { name: 'Show 1 new post' }).click();
  await pw.locator('.post', { hasText: 'Croissants at ten' }).waitFor();
  await pw.context().close();
});
