// Questions and answers: the question state in Status entities, answers
// ("moka.answer") and acceptance ("moka.answer_accepted") notifications,
// live; accepting and un-accepting (asker, community owner) with every
// refusal; accepted answers first in the thread; the lists (mine, network,
// communities, unanswered) with Link pagination; a restart keeps it all.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, stopServer, api, createUser, openStream, untilMessage } from './lib.js';

let srv;
const u = {};
const Q = '/api/moka/v1/questions';
const C = '/api/moka/v1/communities';
const open = [];

const as = (who) => ({ token: u[who].token });
const req = (who, method, path, json) => api(srv, method, path, { ...as(who), json });
const get = (who, path) => req(who, 'GET', path);
async function create(who, json) {
  const r = await req(who, 'POST', '/api/v1/statuses', json);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body;
}
const ask = (who, text, extra = {}) => create(who, { status: text, question: true, ...extra });
const answer = (who, q, text, extra = {}) => create(who, { status: text, in_reply_to_id: q.id, ...extra });
const accept = (who, q, a) => req(who, 'POST', `${Q}/${q.id}/accept`, { answer_id: a.id });
const unaccept = (who, q, a) => req(who, 'DELETE', `${Q}/${q.id}/accept`, { answer_id: a.id });
async function notifications(who, type) {
  const r = await get(who, '/api/v1/notifications?limit=40');
  assert.equal(r.status, 200);
  return r.body.filter((n) => n.type === type);
}
async function list(who, name, query = '') {
  const r = await get(who, `${Q}/${name}${query}`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body.map((s) => s.id);
}
async function connect(a, b) {
  for (const [x, y] of [[a, b], [b, a]]) {
    const r = await api(srv, 'POST', `/api/moka/v1/accounts/${u[y].id}/connect`, as(x));
    assert.equal(r.status, 200);
  }
}

async function stream(who) {
  const s = await openStream(srv, '/api/v1/streaming/user', u[who].token);
  open.push(s);
  return s;
}
const until = untilMessage;

before(async () => {
  srv = await startServer();
  for (const n of ['ann', 'ben', 'cat', 'dan', 'eve', 'olga']) u[n] = createUser(srv, n);
  // ann-ben and ben-cat are connected (cat is ann's 2nd degree); dan and eve know nobody
  await connect('ann', 'ben');
  await connect('ben', 'cat');
});
after(async () => {
  for (const s of open) s.close();
  await stopServer(srv);
});

test('a question carries its state; other posts keep their shape', async () => {
  const q = await ask('ann', 'Who knows Kubernetes?', { visibility: 'network' });
  assert.deepEqual(q.moka, {
    visibility: 'network', question: true, board_owner_id: null,
    question_state: 'open', answers_count: 0, accepted_answer_ids: [],
  });
  const plain = await create('ann', { status: 'just a post' });
  assert.deepEqual(plain.moka, { visibility: 'public', question: false, board_owner_id: null });
  // a reply flagged as a question is a reply, not a question
  const r = await create('ben', { status: 'is this a question?', in_reply_to_id: plain.id, question: true });
  assert.equal(r.moka.question, true);
  assert.equal(r.moka.question_state, undefined);
});

test('answers notify the asker ("moka.answer"); acceptance notifies the answerer, live', async () => {
  const annLive = await stream('ann');
  const benLive = await stream('ben');
  await new Promise((r) => setTimeout(r, 100));
  const q = await ask('ann', 'Where is the style guide?');
  const a = await answer('ben', q, 'In the wiki');
  const got = await until(annLive, (m) => m.event === 'notification' && m.data.type === 'moka.answer', 'live answer');
  assert.equal(got.data.status.id, a.id);
  assert.equal(got.data.account.username, 'ben');
  const stored = await notifications('ann', 'moka.answer');
  assert.equal(stored[0].status.id, a.id);
  assert.equal((await notifications('ann', 'mention')).filter((n) => n.status.id === a.id).length, 0);
  // a reply to an answer is a mention of the answerer, not an answer
  const sub = await answer('cat', a, 'which wiki?', { in_reply_to_id: a.id });
  assert.equal((await notifications('ben', 'mention'))[0].status.id, sub.id);
  assert.equal((await notifications('ann', 'moka.answer')).filter((n) => n.status.id === sub.id).length, 0);

  const r = await accept('ann', q, a);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.id, q.id);
  assert.equal(r.body.moka.question_state, 'answered');
  assert.deepEqual(r.body.moka.accepted_answer_ids, [a.id]);
  assert.equal(r.body.moka.answers_count, 1);
  const n = await until(benLive, (m) => m.event === 'notification' && m.data.type === 'moka.answer_accepted', 'live acceptance');
  assert.equal(n.data.status.id, a.id);
  assert.equal(n.data.status.moka.accepted_answer, true);
  assert.equal(n.data.account.username, 'ann');
  // streams that show the question and the answer get them again
  const upd = await until(benLive, (m) => m.event === 'status.update' && m.data.id === q.id, 'question update');
  assert.equal(upd.data.moka.question_state, 'answered');
  // accepting again changes nothing and notifies nobody again
  assert.equal((await accept('ann', q, a)).status, 200);
  assert.equal((await notifications('ben', 'moka.answer_accepted')).length, 1);
  const again = await get('cat', `/api/v1/statuses/${a.id}`);
  assert.equal(again.body.moka.accepted_answer, true);
});

test('accepted answers come first in the thread, then by likes, then oldest first', async () => {
  const q = await ask('ann', 'Best editor?');
  const a1 = await answer('ben', q, 'vi');
  const a2 = await answer('cat', q, 'emacs', { visibility: 'public' });
  const a3 = await answer('ben', q, 'nano');
  const a4 = await answer('dan', q, 'ed');
  const deep = await create('ann', { status: 'really?', in_reply_to_id: a1.id });
  assert.equal((await req('cat', 'POST', `/api/v1/statuses/${a3.id}/favourite`)).status, 200);
  const order = async () => (await get('ann', `/api/v1/statuses/${q.id}/context`)).body.descendants.map((s) => s.id);
  // a3 (one like) first, then by time; a reply follows its answer
  assert.deepEqual(await order(), [a3.id, a1.id, deep.id, a2.id, a4.id]);
  assert.equal((await accept('ann', q, a4)).status, 200);
  assert.equal((await accept('ann', q, a2)).status, 200);
  assert.deepEqual(await order(), [a2.id, a4.id, a3.id, a1.id, deep.id]);
  const ctx = (await get('ben', `/api/v1/statuses/${q.id}/context`)).body.descendants;
  assert.deepEqual(ctx.filter((s) => s.moka.accepted_answer).map((s) => s.id), [a2.id, a4.id]);
  const qs = (await get('ben', `/api/v1/statuses/${q.id}`)).body;
  assert.deepEqual(qs.moka.accepted_answer_ids, [a2.id, a4.id]);
  assert.equal(qs.moka.answers_count, 4);
  // un-accept: back in the rest, the question stays answered while one is left
  let r = await unaccept('ann', q, a4);
  assert.equal(r.status, 200);
  assert.deepEqual(r.body.moka.accepted_answer_ids, [a2.id]);
  assert.equal(r.body.moka.question_state, 'answered');
  assert.equal((await get('ann', `/api/v1/statuses/${a4.id}`)).body.moka.accepted_answer, undefined);
  r = await unaccept('ann', q, a2);
  assert.equal(r.body.moka.question_state, 'open');
  assert.deepEqual(r.body.moka.accepted_answer_ids, []);
  assert.equal((await unaccept('ann', q, a2)).status, 200); // idempotent
  assert.deepEqual(await order(), [a3.id, a1.id, deep.id, a2.id, a4.id]);
  // the context of an answer keeps thread order
  assert.deepEqual((await get('ann', `/api/v1/statuses/${a1.id}/context`)).body.descendants.map((s) => s.id), [deep.id]);
  // a deleted accepted answer no longer makes the question answered
  assert.equal((await accept('ann', q, a3)).status, 200);
  assert.equal((await req('ben', 'DELETE', `/api/v1/statuses/${a3.id}`)).status, 200);
  const after = (await get('ann', `/api/v1/statuses/${q.id}`)).body;
  assert.equal(after.moka.question_state, 'open');
  assert.deepEqual(after.moka.accepted_answer_ids, []);
});

test('accept refusals: 403 not the asker, 422 not an answer, 404 unknown or invisible', async () => {
  const q = await ask('ann', 'Lunch place?', { visibility: 'connections' });
  const a = await answer('ben', q, 'The canteen');
  const sub = await create('ann', { status: 'open today?', in_reply_to_id: a.id });
  const other = await ask('ann', 'Other question?');
  const otherA = await answer('ben', other, 'other answer');
  const plain = await create('ann', { status: 'not a question' });
  const plainReply = await answer('ben', plain, 'a reply');
  const cases = [
    ['ben', q.id, { answer_id: a.id }, 403, /asker/],
    ['ann', q.id, { answer_id: sub.id }, 422, /answer_id/],
    ['ann', q.id, { answer_id: otherA.id }, 422, /answer_id/],
    ['ann', q.id, { answer_id: q.id }, 422, /answer_id/],
    ['ann', q.id, {}, 422, /answer_id/],
    ['ann', q.id, { answer_id: 'abc' }, 422, /answer_id/],
    ['ann', q.id, { answer_id: -3 }, 422, /answer_id/],
    ['ann', q.id, { answer_id: '999999999999' }, 404, /answer_id/],
    ['ann', '999999999999', { answer_id: a.id }, 404, /question/],
    ['ann', 'abc', { answer_id: a.id }, 404, /not found/i],
    ['ann', plain.id, { answer_id: plainReply.id }, 404, /question/],
    ['ann', a.id, { answer_id: sub.id }, 404, /question/],
    ['cat', q.id, { answer_id: a.id }, 404, /question/], // cat may not see a connections-only question
  ];
  for (const [who, id, body, status, re] of cases) {
    for (const method of ['POST', 'DELETE']) {
      const r = await req(who, method, `${Q}/${id}/accept`, body);
      assert.equal(r.status, status, `${method} ${who} ${id} ${JSON.stringify(body)}: ${JSON.stringify(r.body)}`);
      assert.match(r.body.error, re);
    }
  }
  // nothing changed, nobody told
  assert.equal((await get('ann', `/api/v1/statuses/${q.id}`)).body.moka.question_state, 'open');
  assert.equal((await notifications('ben', 'moka.answer_accepted')).filter((n) => n.status.id === a.id).length, 0);
  // form and query forms of answer_id
  let r = await api(srv, 'POST', `${Q}/${q.id}/accept`, { ...as('ann'), form: { answer_id: a.id } });
  assert.equal(r.status, 200);
  assert.deepEqual(r.body.moka.accepted_answer_ids, [a.id]);
  r = await api(srv, 'DELETE', `${Q}/${q.id}/accept?answer_id=${a.id}`, as('ann'));
  assert.equal(r.status, 200);
  assert.deepEqual(r.body.moka.accepted_answer_ids, []);
  // a deleted question is gone
  assert.equal((await req('ann', 'DELETE', `/api/v1/statuses/${other.id}`)).status, 200);
  assert.equal((await accept('ann', other, otherA)).status, 404);
  // signed out
  assert.equal((await api(srv, 'POST', `${Q}/${q.id}/accept`, { json: { answer_id: a.id } })).status, 401);
  assert.equal((await api(srv, 'GET', `${Q}/mine`)).status, 401);
});

test('a community owner accepts answers to forum questions; members do not', async () => {
  let r = await req('olga', 'POST', C, { name: 'Kitchen', type: 'public' });
  const c = r.body;
  for (const who of ['ann', 'ben']) assert.equal((await req(who, 'POST', `${C}/${c.id}/join`)).status, 200);
  r = await req('ann', 'POST', `${C}/${c.id}/topics`, { title: 'Coffee machine', status: 'How do I descale it?', question: true });
  assert.equal(r.status, 200);
  const topic = r.body.status;
  assert.equal(topic.moka.question_state, 'open');
  const a = await answer('ben', topic, 'Vinegar, then rinse twice');
  assert.equal((await notifications('ann', 'moka.answer')).some((n) => n.status.id === a.id), true);
  assert.equal((await list('ben', 'communities')).includes(topic.id), true);
  assert.equal((await list('ben', 'communities', `?community_id=${c.id}`)).includes(topic.id), true);
  assert.deepEqual(await list('ben', 'communities', '?community_id=999999'), []);
  assert.equal((await get('ben', `${Q}/communities?community_id=x`)).status, 422);
  assert.equal((await accept('ben', topic, a)).status, 403);
  r = await accept('olga', topic, a);
  assert.equal(r.status, 200);
  assert.equal(r.body.moka.question_state, 'answered');
  assert.equal((await notifications('ben', 'moka.answer_accepted')).some((n) => n.account.username === 'olga'), true);
  // answered: off the open list, still in the asker's own
  assert.equal((await list('ben', 'communities')).includes(topic.id), false);
  assert.equal((await list('ann', 'mine')).includes(topic.id), true);
});

test('lists: mine, network (1st and 2nd degree), unanswered; Link pagination', async () => {
  const q1 = await ask('cat', 'cat asks the network', { visibility: 'network' });
  const q2 = await ask('cat', 'cat asks again', { visibility: 'public' });
  const q3 = await ask('cat', 'cat asks connections', { visibility: 'connections' });
  const q4 = await ask('cat', 'answered soon');
  const a4 = await answer('ben', q4, 'here');
  assert.equal((await accept('cat', q4, a4)).status, 200);
  const mine = await list('cat', 'mine');
  assert.deepEqual(mine.slice(0, 4), [q4.id, q3.id, q2.id, q1.id]);
  // ben (1st degree) sees all open ones; ann (2nd degree) not the connections-only one
  const benNet = await list('ben', 'network');
  for (const q of [q1, q2, q3]) assert.ok(benNet.includes(q.id), q.status);
  assert.ok(!benNet.includes(q4.id));
  const annNet = await list('ann', 'network');
  assert.ok(annNet.includes(q1.id) && annNet.includes(q2.id));
  assert.ok(!annNet.includes(q3.id) && !annNet.includes(q4.id));
  // eve is nobody's connection: nothing in her network, even the public question
  assert.deepEqual(await list('eve', 'network'), []);
  // one's own questions are not in one's network list
  assert.ok(!(await list('cat', 'network')).includes(q1.id));
  // pages: limit 1, following rel="next"
  let r = await get('cat', `${Q}/mine?limit=1`);
  assert.deepEqual(r.body.map((s) => s.id), [q4.id]);
  let link = r.headers.get('link');
  assert.match(link, new RegExp(`/api/moka/v1/questions/mine\\?limit=1&max_id=${q4.id}>; rel="next"`));
  assert.match(link, new RegExp(`min_id=${q4.id}>; rel="prev"`));
  r = await get('cat', `${Q}/mine?limit=2&max_id=${q4.id}`);
  assert.deepEqual(r.body.map((s) => s.id), [q3.id, q2.id]);
  r = await get('cat', `${Q}/mine?limit=2&min_id=${q1.id}`);
  assert.deepEqual(r.body.map((s) => s.id), [q3.id, q2.id]);
  r = await get('cat', `${Q}/mine?since_id=${q2.id}`);
  assert.deepEqual(r.body.map((s) => s.id), [q4.id, q3.id]);
  for (const bad of ['limit=0', 'max_id=abc', 'limit=x']) {
    r = await get('cat', `${Q}/mine?${bad}`);
    assert.equal(r.status, 422, bad);
    assert.match(r.body.error, /limit|max_id/);
  }
  // unanswered: older than min_age seconds (default a day), no answer, not accepted
  assert.equal((await list('ann', 'unanswered')).includes(q1.id), false);
  const un = await list('ann', 'unanswered', '?min_age=0');
  assert.ok(un.includes(q1.id) && un.includes(q2.id));
  assert.ok(!un.includes(q3.id) && !un.includes(q4.id));
  r = await get('ann', `${Q}/unanswered?min_age=0&limit=1`);
  assert.match(r.headers.get('link'), /min_age=0&limit=1&max_id=/);
  assert.equal((await get('ann', `${Q}/unanswered?min_age=-1`)).status, 422);
  await answer('ann', q1, 'an answer');
  assert.ok(!(await list('ann', 'unanswered', '?min_age=0')).includes(q1.id));
  // the lists are Statuses with the question state
  r = await get('ben', `${Q}/network?limit=1`);
  assert.equal(r.body[0].moka.question, true);
  assert.equal(r.body[0].moka.question_state, 'open');
});

test('a restart keeps questions and accepted answers', async () => {
  const q = await ask('ann', 'Still there after a restart?');
  const a = await answer('ben', q, 'yes');
  assert.equal((await accept('ann', q, a)).status, 200);
  for (const s of open) s.close();
  await stopServer(srv, { keep: true });
  srv = await startServer({ dir: srv.dir });
  const s = (await get('ben', `/api/v1/statuses/${q.id}`)).body;
  assert.equal(s.moka.question_state, 'answered');
  assert.deepEqual(s.moka.accepted_answer_ids, [a.id]);
  assert.equal((await list('ann', 'mine'))[0], q.id);
  assert.equal((await get('ann', `/api/v1/statuses/${a.id}`)).body.moka.accepted_answer, true);
  assert.equal((await unaccept('ann', q, a)).status, 200);
});
