// The Messages screen: two people message each other live (Enter sends,
// Shift+Enter is a new line), the header's Messages badge counts unread
// messages live and clears when the conversation is read; a group: people
// added through the picker and removed by the admin (who is then told, on
// the page they have open), reactions, and the French strings.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, createUser, signedInPage, api } from './lib.js';

let t, amy, ben, cal, dee;
const C = '/api/moka/v1/conversations';
before(async () => {
  t = await setup();
  amy = createUser(t.srv, 'amy', { name: 'Amy Adams' });
  ben = createUser(t.srv, 'ben', { name: 'Ben Brown' });
  cal = createUser(t.srv, 'cal', { name: 'Cal Cole' });
  dee = createUser(t.srv, 'dee', { name: 'Dee Dunn' });
});
after(async () => { await t.close(); });

const badgeIs = (page, text) => page.waitForFunction((want) => {
  const b = document.querySelector('[data-testid=messages-badge]');
  return b && (want === '' ? b.hidden : !b.hidden && b.textContent === want);
}, text);

async function pick(page, label, name) {
  const input = page.getByRole('combobox', { name: label, exact: true });
  await input.fill(name.split(' ')[0]);
  await page.getByRole('option', { name: new RegExp(name) }).click();
}

test('two people message each other live; the unread badge follows', async () => {
  const a = await signedInPage(t, 'amy', { path: '/messages' });
  const b = await signedInPage(t, 'ben', { path: '/' });
  await a.getByRole('heading', { name: 'Messages' }).waitFor();
  await a.getByRole('link', { name: 'New conversation' }).click();
  await pick(a, 'People', 'Ben Brown');
  await a.getByRole('button', { name: 'Start' }).click();
  await a.waitForURL(/\/messages\/\d+$/);
  await a.getByRole('heading', { name: 'Ben Brown' }).waitFor();

  const box = a.getByRole('textbox', { name: 'Message' });
  await box.fill('Hello Ben');
  await box.press('Shift+Enter');
  await box.pressSequentially('second line');
  assert.equal(await box.inputValue(), 'Hello Ben\nsecond line', 'Shift+Enter adds a line, sends nothing');
  await box.press('Enter');
  const mine = a.getByRole('list', { name: 'Messages in this conversation' }).locator('li.msg');
  await mine.filter({ hasText: 'second line' }).waitFor();
  assert.equal(await box.inputValue(), '');

  // Ben: the header badge counts it live, the list shows it unread
  await badgeIs(b, '1');
  await b.getByRole('link', { name: /^Messages/ }).click();
  const convs = b.getByRole('list', { name: 'Your conversations' });
  const row = convs.locator('li.conv').filter({ hasText: 'Amy Adams' });
  await row.waitFor();
  assert.match(await row.innerText(), /Hello Ben/);
  assert.equal(await row.getByLabel('1 unread message').isVisible(), true);
  await row.getByRole('link', { name: 'Amy Adams' }).click();
  const theirs = b.getByRole('list', { name: 'Messages in this conversation' });
  await theirs.locator('li.msg').filter({ hasText: 'Hello Ben' }).waitFor();
  await badgeIs(b, '');
  assert.equal((await api(t.srv, 'GET', `${C}/unread_count`, { token: ben.token })).body.unread, 0);

  // Ben answers; Amy sees it at once, and Ben's open page keeps him read
  const reply = b.getByRole('textbox', { name: 'Message' });
  await reply.fill('Hi Amy, @amy see https://example.com');
  await reply.press('Enter');
  await mine.filter({ hasText: 'Hi Amy' }).waitFor();
  const link = mine.filter({ hasText: 'Hi Amy' }).getByRole('link', { name: 'example.com' });
  assert.equal(await link.getAttribute('target'), '_blank');
  // Amy has it open: it is read at once
  for (let i = 0; i < 50 && (await api(t.srv, 'GET', `${C}/unread_count`, { token: amy.token })).body.unread !== 0; i++)
    await new Promise((r) => setTimeout(r, 50));
  assert.equal((await api(t.srv, 'GET', `${C}/unread_count`, { token: amy.token })).body.unread, 0);
  await badgeIs(a, '');

  // a reaction, seen by the other side live
  await mine.filter({ hasText: 'Hi Amy' }).getByRole('button', { name: 'React' }).click();
  await mine.filter({ hasText: 'Hi Amy' }).getByRole('button', { name: 'React with 🎉' }).click();
  await theirs.locator('li.msg').filter({ hasText: 'Hi Amy' }).getByRole('button', { name: '🎉 1 person' }).waitFor();
  assert.deepEqual(a.errors || [], []);
  assert.deepEqual(b.errors || [], []);
  await a.context().close();
  await b.context().close();
});

test('a group: add people with the picker, the admin removes someone who is told at once', async () => {
  const g = (await api(t.srv, 'POST', C, { token: amy.token, json: { account_ids: [ben.id, cal.id], title: 'Launch' } })).body;
  const a = await signedInPage(t, 'amy', { path: `/messages/${g.id}` });
  const c = await signedInPage(t, 'cal', { path: `/messages/${g.id}` });
  const d = await signedInPage(t, 'dee', { path: '/messages' });
  await a.getByRole('heading', { name: 'Launch' }).waitFor();
  await a.getByRole('heading', { name: '3 people' }).click(); // unfold the people
  await pick(a, 'Add people', 'Dee Dunn');
  await a.getByRole('button', { name: 'Add', exact: true }).click();
  await a.getByRole('heading', { name: '4 people' }).waitFor();
  // Dee's list shows the group live
  await d.getByRole('list', { name: 'Your conversations' }).getByRole('link', { name: 'Launch' }).waitFor();
  // Cal sees Dee arrive, then is removed and told
  await c.getByRole('heading', { name: '4 people' }).waitFor();
  await a.getByRole('button', { name: 'Remove Cal Cole' }).click();
  await a.getByRole('heading', { name: '3 people' }).waitFor();
  await c.getByRole('alert').filter({ hasText: 'You are no longer in this conversation.' }).waitFor();
  assert.equal(await c.getByRole('textbox', { name: 'Message' }).count(), 0);
  assert.equal((await api(t.srv, 'GET', `${C}/${g.id}`, { token: cal.token })).status, 404);
  // Dee mutes it; Ben leaves it
  await d.getByRole('link', { name: 'Launch' }).click();
  await d.getByRole('button', { name: 'Mute' }).click();
  await d.getByRole('button', { name: 'Unmute' }).waitFor();
  assert.equal((await api(t.srv, 'GET', `${C}/${g.id}`, { token: dee.token })).body.muted, true);
  for (const p of [a, c, d]) assert.deepEqual(p.errors || [], []);
  for (const p of [a, c, d]) await p.context().close();
});

test('in French', async () => {
  const p = await signedInPage(t, 'ben', { path: '/messages', lang: 'fr' });
  await p.getByRole('heading', { name: 'Messages' }).waitFor();
  await p.getByRole('link', { name: 'Nouvelle conversation' }).waitFor();
  await p.getByRole('list', { name: 'Vos conversations' }).waitFor();
  await p.getByRole('list', { name: 'Vos conversations' }).getByRole('link', { name: 'Amy Adams' }).click();
  await p.getByRole('textbox', { name: 'Message' }).waitFor();
  await p.getByText('Entrée envoie ; Maj+Entrée passe à la ligne.').waitFor();
  await p.getByRole('button', { name: 'Mettre en sourdine' }).waitFor();
  await p.context().close();
});
