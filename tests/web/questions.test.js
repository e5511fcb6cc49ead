// Questions in the browser: ask from the Questions screen (the question
// switch on), colleagues answer in the thread, the asker is told live and
// accepts an answer, which moves first and is highlighted on the asker's
// and the answerer's screens; the answerer is told; the lists and the
// open / answered tags; un-accepting; the screen in French.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, createUser, connect, signedInPage, api } from './lib.js';

let t, alice, bob, carol;
before(async () => {
  t = await setup();
  alice = createUser(t.srv, 'alice', { name: 'Alice Martin' });
  bob = createUser(t.srv, 'bob', { name: 'Bob Durand' });
  carol = createUser(t.srv, 'carol', { name: 'Carol Petit' });
  await connect(t.srv, alice, bob);
  await connect(t.srv, alice, carol);
});
after(async () => { await t.close(); });

const card = (page, text) => page.locator('article.post', { hasText: text });
const answerIds = (page) => page.locator('.thread-replies-list article.post').evaluateAll((els) => els.map((e) => e.textContent));

test('ask, answer, accept: the accepted answer comes first and is highlighted on both screens', async () => {
  const [pa, pb, pc] = await Promise.all([
    signedInPage(t, 'alice', { path: '/questions' }), signedInPage(t, 'bob'), signedInPage(t, 'carol')]);
  // alice asks from her questions: the switch is already on
  await pa.getByRole('link', { name: 'Questions' }).first().waitFor();
  const ask = pa.getByLabel('Ask a question');
  await ask.fill('Where is the big printer?');
  assert.equal(await pa.getByLabel('This is a question').isChecked(), true);
  await pa.getByRole('button', { name: 'Post', exact: true }).click();
  await card(pa, 'Where is the big printer?').locator('.post-question.is-open', { hasText: 'Open question' }).waitFor();
  assert.equal(await pa.getByLabel('This is a question').isChecked(), true, 'the switch stays on for the next one');
  const qid = await card(pa, 'Where is the big printer?').getAttribute('data-id');

  // bob finds it among his network's open questions
  await pb.getByRole('link', { name: 'Questions' }).click();
  await pb.getByRole('link', { name: 'My network' }).last().click();
  await pb.waitForURL(/\/questions\/network$/);
  await card(pb, 'Where is the big printer?').locator('.post-question', { hasText: 'Open question' }).waitFor();

  // carol answers first, then bob, both from the thread
  for (const [page, text] of [[pc, 'Ask at the reception'], [pb, 'Second floor, by the kitchen']]) {
    await page.goto(`${t.srv.base}/statuses/${qid}`);
    await page.getByRole('heading', { name: 'Answers' }).waitFor();
    await page.getByLabel('Write a reply').fill(text);
    await page.getByRole('button', { name: 'Reply', exact: true }).click();
    await card(page, text).waitFor();
  }
  // alice was told, live
  await pa.locator('[data-testid=unread-badge]:not([hidden])').waitFor();
  const n = await api(t.srv, 'GET', '/api/v1/notifications?types[]=moka.answer', { token: alice.token });
  assert.deepEqual(n.body.map((x) => x.account.username).sort(), ['bob', 'carol']);

  // alice opens the thread: oldest answer first, Accept on each answer
  await card(pa, 'Where is the big printer?').locator('.post-time').click();
  await pa.waitForURL(new RegExp(`/@alice/${qid}$`));
  await card(pa, 'Second floor').waitFor();
  assert.match((await answerIds(pa))[0], /Ask at the reception/);
  assert.equal(await pb.locator('.accept-answer').count(), 0, 'only the asker accepts');
  await card(pa, 'Second floor').getByRole('button', { name: 'Accept this answer' }).click();
  // first and highlighted, for alice...
  await pa.waitForFunction(() => {
    const first = document.querySelector('.thread-replies-list article.post');
    return first && first.textContent.includes('Second floor') && first.classList.contains('is-accepted');
  });
  await card(pa, 'Second floor').getByRole('button', { name: /Accepted/ }).waitFor();
  await card(pa, 'Second floor').locator('.post-accepted', { hasText: 'Accepted answer' }).waitFor();
  await pa.locator('article.post.is-focus .post-question.is-answered', { hasText: 'Answered' }).waitFor();
  // ...and for bob, live, on the thread he is reading
  await pb.waitForFunction(() => {
    const first = document.querySelector('.thread-replies-list article.post');
    return first && first.textContent.includes('Second floor') && first.classList.contains('is-accepted');
  });
  assert.equal(await card(pb, 'Ask at the reception').evaluate((el) => el.classList.contains('is-accepted')), false);
  // bob's notifications say so
  await pb.getByRole('link', { name: /Notifications/ }).click();
  await pb.locator('.notif', { hasText: 'Alice Martin accepted your answer' }).waitFor();

  // alice's list shows it answered; it left bob's open network questions
  await pa.goto(`${t.srv.base}/questions`);
  await card(pa, 'Where is the big printer?').locator('.post-question', { hasText: 'Answered' }).waitFor();
  await pb.goto(`${t.srv.base}/questions/network`);
  await pb.locator('.stream-loading', { hasText: 'No open questions in your network.' }).waitFor();

  // un-accept: back in order, no highlight
  await pa.goto(`${t.srv.base}/statuses/${qid}`);
  await card(pa, 'Second floor').getByRole('button', { name: /Accepted/ }).click();
  await pa.waitForFunction(() => {
    const first = document.querySelector('.thread-replies-list article.post');
    return first && first.textContent.includes('Ask at the reception') && !document.querySelector('.post.is-accepted');
  });
  await pa.locator('article.post.is-focus .post-question.is-open').waitFor();
  for (const p of [pa, pb, pc]) { assert.deepEqual(p.errors || [], []); await p.context().close(); }
});

test('the Questions screen in French, with its four lists', async () => {
  const p = await signedInPage(t, 'carol', { lang: 'fr', path: '/questions/unanswered' });
  await p.getByRole('heading', { name: 'Questions' }).waitFor();
  for (const name of ['Mes questions', 'Mon réseau', 'Mes communautés', 'Sans réponse']) {
    await p.locator('nav.tabs').getByRole('link', { name, exact: true }).waitFor();
  }
  assert.equal(await p.locator('nav.tabs [aria-current=page]').textContent(), 'Sans réponse');
  await p.getByText("Les questions restées sans réponse depuis plus d'un jour").waitFor();
  await p.locator('nav.tabs').getByRole('link', { name: 'Mes questions' }).click();
  await p.getByLabel('Poser une question').waitFor();
  assert.deepEqual(p.errors || [], []);
  await p.context().close();
});

test('a community owner accepts an answer to a forum question from the thread', async () => {
  const olga = createUser(t.srv, 'olga', { name: 'Olga Owner' });
  const call = async (who, method, path, json) => {
    const r = await api(t.srv, method, path, { token: who.token, json });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return r.body;
  };
  const c = await call(olga, 'POST', '/api/moka/v1/communities', { name: 'Facilities', type: 'public' });
  for (const who of [alice, bob]) await call(who, 'POST', `/api/moka/v1/communities/${c.id}/join`);
  const topic = (await call(alice, 'POST', `/api/moka/v1/communities/${c.id}/topics`, { title: 'Parking', status: 'Where do visitors park?', question: true })).status;
  await call(bob, 'POST', '/api/v1/statuses', { status: 'Level -2, ask for a badge', in_reply_to_id: topic.id });
  const [po, pb] = await Promise.all([signedInPage(t, 'olga', { path: `/statuses/${topic.id}` }), signedInPage(t, 'bob', { path: `/statuses/${topic.id}` })]);
  await card(po, 'Level -2').waitFor();
  await card(pb, 'Level -2').waitFor();
  assert.equal(await pb.locator('.accept-answer').count(), 0, 'a member does not accept');
  await card(po, 'Level -2').getByRole('button', { name: 'Accept this answer' }).click();
  await card(po, 'Level -2').getByRole('button', { name: /Accepted/ }).waitFor();
  await pb.locator('article.post.is-accepted', { hasText: 'Level -2' }).waitFor();
  const s = await call(alice, 'GET', `/api/v1/statuses/${topic.id}`);
  assert.equal(s.moka.question_state, 'answered');
  for (const p of [po, pb]) { assert.deepEqual(p.errors || [], []); await p.context().close(); }
});
