// The privacy matrix for questions: every list (mine, network,
// communities, unanswered), every count and state in a question's Status
// (answers_count, accepted_answer_ids, question_state) and accepting hold
// only what the viewer may see — network / connections / private / direct
// questions against the 1st, 2nd and 3rd degree, a follower, a mentioned
// person and a stranger; community questions against members and
// non-members of public and restricted communities; and again after
// someone leaves a community or a connection goes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, stopServer, api, createUser } from './lib.js';

let srv;
const u = {};
const Q = '/api/moka/v1/questions';
const C = '/api/moka/v1/communities';
const AUDIENCES = ['public', 'unlisted', 'network', 'connections', 'private', 'direct', 'pubcomm', 'restricted'];
const VIEWERS = ['author', 'conn', 'second', 'third', 'follower', 'mentioned', 'member', 'stranger'];
// who may see the question asked to each audience
const SEES = {
  author: AUDIENCES,
  conn: ['public', 'unlisted', 'network', 'connections', 'private', 'pubcomm'],
  second: ['public', 'unlisted', 'network', 'pubcomm'],
  third: ['public', 'unlisted', 'pubcomm'],
  follower: ['public', 'unlisted', 'private', 'pubcomm'],
  mentioned: ['public', 'unlisted', 'direct', 'pubcomm'],
  member: ['public', 'unlisted', 'pubcomm', 'restricted'],
  stranger: ['public', 'unlisted', 'pubcomm'],
};
// the network list: 1st and 2nd degree, outside communities
const NETWORK = {
  conn: ['public', 'unlisted', 'network', 'connections', 'private'],
  second: ['public', 'unlisted', 'network'],
};
// the communities list: the viewer's own communities
const COMMUNITIES = { author: ['pubcomm', 'restricted'], member: ['pubcomm', 'restricted'] };
const P = {};
let pub, restricted, openQ, hidden, visibleA;

const as = (who) => ({ token: u[who].token });
const req = (who, method, path, json) => api(srv, method, path, { ...as(who), json });
const get = (who, path) => req(who, 'GET', path);
async function post(who, json) {
  const r = await req(who, 'POST', '/api/v1/statuses', json);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body;
}
async function connect(a, b) {
  for (const [x, y] of [[a, b], [b, a]]) {
    const r = await api(srv, 'POST', `/api/moka/v1/accounts/${u[y].id}/connect`, as(x));
    assert.equal(r.status, 200, JSON.stringify(r.body));
  }
}
// Every id of a list, following rel="next" with small pages.
async function all(who, path) {
  const out = [];
  let next = `${path}${path.includes('?') ? '&' : '?'}limit=2`;
  for (let i = 0; next && i < 40; i++) {
    const r = await get(who, next);
    assert.equal(r.status, 200, `${path} for ${who}`);
    out.push(...r.body.map((s) => s.id));
    const m = /<([^>]+)>; rel="next"/.exec(r.headers.get('link') || '');
    next = m ? new URL(m[1]).pathname + new URL(m[1]).search : null;
  }
  return out;
}
const asked = (ids) => AUDIENCES.filter((a) => ids.includes(P[a].id));

before(async () => {
  srv = await startServer();
  for (const n of ['author', 'conn', 'second', 'third', 'follower', 'mentioned', 'member', 'stranger']) u[n] = createUser(srv, n);
  await connect('author', 'conn');
  await connect('conn', 'second');
  await connect('second', 'third');
  assert.equal((await req('follower', 'POST', `/api/v1/accounts/${u.author.id}/follow`)).status, 200);
  pub = (await req('author', 'POST', C, { name: 'Open forum', type: 'public' })).body;
  restricted = (await req('author', 'POST', C, { name: 'Secret project', type: 'restricted' })).body;
  assert.equal((await req('member', 'POST', `${C}/${pub.id}/join`)).status, 200);
  assert.equal((await req('author', 'POST', `${C}/${restricted.id}/invite`, { account_id: u.member.id })).status, 200);
  assert.equal((await req('member', 'POST', `${C}/${restricted.id}/invitation/accept`)).status, 200);
  for (const a of AUDIENCES.slice(0, 6)) P[a] = await post('author', { status: `question to ${a} @mentioned`.replace(' @mentioned', a === 'direct' ? ' @mentioned' : ''), visibility: a, question: true });
  P.pubcomm = await post('author', { status: 'forum question', visibility: 'community', community_id: pub.id, question: true });
  P.restricted = (await req('author', 'POST', `${C}/${restricted.id}/topics`, { title: 'Secret', status: 'restricted question', question: true })).body.status;
  // an open question with an answer only the author and conn see (a direct
  // reply mentioning the author), accepted; and one with a public answer
  openQ = await post('author', { status: 'who sees the answer?', visibility: 'public', question: true });
  hidden = await post('conn', { status: '@author only for you', visibility: 'direct', in_reply_to_id: openQ.id });
  visibleA = await post('third', { status: 'everyone sees this', visibility: 'public', in_reply_to_id: P.public.id });
  assert.equal((await req('author', 'POST', `${Q}/${openQ.id}/accept`, { answer_id: hidden.id })).status, 200);
});
after(async () => { await stopServer(srv); });

test('each question is seen by exactly its audience', async () => {
  for (const who of VIEWERS) {
    for (const a of AUDIENCES) {
      const r = await get(who, `/api/v1/statuses/${P[a].id}`);
      assert.equal(r.status, SEES[who].includes(a) ? 200 : 404, `${who} / ${a}`);
    }
  }
});

test('mine: only one\'s own questions', async () => {
  assert.deepEqual(asked(await all('author', `${Q}/mine`)), AUDIENCES);
  for (const who of VIEWERS.slice(1)) assert.deepEqual(await all(who, `${Q}/mine`), [], who);
});

test('network: open questions of the 1st and 2nd degree the viewer may see, never further', async () => {
  for (const who of VIEWERS) {
    const ids = await all(who, `${Q}/network`);
    assert.deepEqual(asked(ids), NETWORK[who] || [], who);
    for (const a of asked(ids)) assert.ok(SEES[who].includes(a));
    // openQ is answered for those who see the accepted answer, open for the others
    assert.equal(ids.includes(openQ.id), who === 'second', `${who}: openQ`);
  }
});

test('communities: only the viewer\'s communities, restricted ones to members only', async () => {
  for (const who of VIEWERS) {
    assert.deepEqual(asked(await all(who, `${Q}/communities`)), COMMUNITIES[who] || [], who);
    const one = await all(who, `${Q}/communities?community_id=${restricted.id}`);
    assert.deepEqual(asked(one), (COMMUNITIES[who] || []).includes('restricted') ? ['restricted'] : [], who);
  }
});

test('unanswered: what the viewer may see and no answer the viewer may see', async () => {
  for (const who of VIEWERS) {
    const ids = await all(who, `${Q}/unanswered?min_age=0`);
    // public has a public answer; the rest are unanswered
    assert.deepEqual(asked(ids), SEES[who].filter((a) => a !== 'public'), who);
    // openQ's only answer is hidden from all but author and conn
    assert.equal(ids.includes(openQ.id), !['author', 'conn'].includes(who), `${who}: openQ`);
  }
});

test('counts and states in a question\'s Status hold only what the viewer may see', async () => {
  for (const who of VIEWERS) {
    const s = (await get(who, `/api/v1/statuses/${openQ.id}`)).body;
    const sees = ['author', 'conn'].includes(who);
    assert.equal(s.moka.answers_count, sees ? 1 : 0, who);
    assert.equal(s.replies_count, sees ? 1 : 0, who);
    assert.deepEqual(s.moka.accepted_answer_ids, sees ? [hidden.id] : [], who);
    assert.equal(s.moka.question_state, sees ? 'answered' : 'open', who);
    const ctx = (await get(who, `/api/v1/statuses/${openQ.id}/context`)).body;
    assert.deepEqual(ctx.descendants.map((d) => d.id), sees ? [hidden.id] : [], who);
    // the hidden answer itself: 404
    assert.equal((await get(who, `/api/v1/statuses/${hidden.id}`)).status, sees ? 200 : 404, who);
  }
  const s = (await get('stranger', `/api/v1/statuses/${P.public.id}`)).body;
  assert.equal(s.moka.answers_count, 1);
  assert.equal(s.moka.question_state, 'open');
});

test('accepting: a question one may not see is 404 whoever asks; a visible one is 403', async () => {
  for (const who of VIEWERS.slice(1)) {
    for (const a of AUDIENCES) {
      const r = await req(who, 'POST', `${Q}/${P[a].id}/accept`, { answer_id: visibleA.id });
      assert.equal(r.status, SEES[who].includes(a) ? 403 : 404, `${who} / ${a}`);
    }
  }
  // an unknown answer id is the same 404
  const r = await req('author', 'POST', `${Q}/${P.network.id}/accept`, { answer_id: '1' });
  assert.equal(r.status, 404);
});

test('an answer the asker may not see: no notification, not counted, cannot be accepted', async () => {
  const q = await post('author', { status: 'does anyone read this?', visibility: 'public', question: true });
  const secret = await post('conn', { status: 'a note to myself', visibility: 'direct', in_reply_to_id: q.id });
  const told = (await get('author', '/api/v1/notifications?limit=80')).body;
  assert.equal(told.some((n) => n.status && n.status.id === secret.id), false);
  const s = (await get('author', `/api/v1/statuses/${q.id}`)).body;
  assert.equal(s.moka.answers_count, 0);
  const r = await req('author', 'POST', `${Q}/${q.id}/accept`, { answer_id: secret.id });
  assert.equal(r.status, 404);
  assert.match(r.body.error, /answer_id/);
  // it stays unanswered for everyone but its writer
  assert.ok((await all('stranger', `${Q}/unanswered?min_age=0`)).includes(q.id));
  assert.ok(!(await all('conn', `${Q}/unanswered?min_age=0`)).includes(q.id));
});

test('leaving a community or losing a connection takes the questions off the lists at once', async () => {
  assert.equal((await req('member', 'POST', `${C}/${restricted.id}/leave`)).status, 200);
  assert.deepEqual(asked(await all('member', `${Q}/communities`)), ['pubcomm']);
  assert.ok(!asked(await all('member', `${Q}/unanswered?min_age=0`)).includes('restricted'));
  assert.equal((await req('second', 'POST', `/api/moka/v1/accounts/${u.conn.id}/disconnect`)).status, 200);
  assert.deepEqual(asked(await all('second', `${Q}/network`)), []);
  assert.deepEqual(asked(await all('second', `${Q}/unanswered?min_age=0`)), ['unlisted', 'pubcomm']);
});
