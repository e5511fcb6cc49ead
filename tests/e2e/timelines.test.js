// The streams: home, the company stream, hashtags, walls and mentions —
// what each holds, Mastodon's pagination (max_id, since_id, min_id, limit,
// Link headers) over more than two pages, and bad parameters.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, stopServer, api, createUser } from './lib.js';

let srv;
const u = {};
const created = []; // ann's 50 numbered posts, oldest first

before(async () => {
  srv = await startServer();
  for (const n of ['ann', 'ben', 'cat', 'dan', 'eve']) u[n] = createUser(srv, n);
  // ann-ben connected; cat follows ann; dan and eve know nobody
  for (const [x, y] of [['ann', 'ben'], ['ben', 'ann']]) {
    assert.equal((await api(srv, 'POST', `/api/moka/v1/accounts/${u[y].id}/connect`, { token: u[x].token })).status, 200);
  }
  assert.equal((await api(srv, 'POST', `/api/v1/accounts/${u.ann.id}/follow`, { token: u.cat.token })).status, 200);
  for (let i = 1; i <= 50; i++) {
    const r = await api(srv, 'POST', '/api/v1/statuses', { token: u.ann.token, json: { status: `number ${i}` } });
    assert.equal(r.status, 200);
    created.push(r.body.id);
  }
});
after(async () => { await stopServer(srv); });

const get = (who, path) => api(srv, 'GET', path, { token: u[who].token });
const post = async (who, json) => {
  const r = await api(srv, 'POST', '/api/v1/statuses', { token: u[who].token, json });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body;
};
const ids = (r) => r.body.map((s) => s.id);
function links(r) {
  const out = {};
  for (const part of (r.headers.get('link') || '').split(/,\s*/)) {
    const m = /^<([^>]+)>; rel="(next|prev)"$/.exec(part);
    if (m) out[m[2]] = new URL(m[1]);
  }
  return out;
}
const newestFirst = () => [...created].reverse();

test('pagination: 50 posts in pages of 20 by following Link rel="next", each newest first', async () => {
  let r = await get('ben', `/api/v1/accounts/${u.ann.id}/statuses`);
  const pages = [];
  for (;;) {
    assert.equal(r.status, 200);
    if (r.body.length === 0) {
      assert.equal(r.headers.get('link'), null);
      break;
    }
    pages.push(ids(r));
    const l = links(r);
    assert.equal(l.prev.searchParams.get('min_id'), r.body[0].id);
    assert.equal(l.next.searchParams.get('max_id'), r.body[r.body.length - 1].id);
    assert.equal(l.next.pathname, `/api/v1/accounts/${u.ann.id}/statuses`);
    r = await get('ben', l.next.pathname + l.next.search);
  }
  assert.deepEqual(pages.map((p) => p.length), [20, 20, 10]);
  assert.deepEqual(pages.flat(), newestFirst());
});

test('pagination: limit, since_id, min_id (the page just above, still newest first) and rel="prev"', async () => {
  const all = newestFirst();
  const five = await get('ben', `/api/v1/accounts/${u.ann.id}/statuses?limit=5`);
  assert.deepEqual(ids(five), all.slice(0, 5));
  assert.equal(links(five).next.searchParams.get('limit'), '5');
  const mid = all[30];
  const above = await get('ben', `/api/v1/accounts/${u.ann.id}/statuses?min_id=${mid}&limit=5`);
  assert.deepEqual(ids(above), all.slice(25, 30));
  const since = await get('ben', `/api/v1/accounts/${u.ann.id}/statuses?since_id=${mid}&limit=5`);
  assert.deepEqual(ids(since), all.slice(0, 5));
  const between = await get('ben', `/api/v1/accounts/${u.ann.id}/statuses?max_id=${all[10]}&since_id=${all[14]}`);
  assert.deepEqual(ids(between), all.slice(11, 14));
  // following rel="prev" from a middle page walks back up
  const page = await get('ben', `/api/v1/accounts/${u.ann.id}/statuses?max_id=${all[20]}&limit=10`);
  assert.deepEqual(ids(page), all.slice(21, 31));
  const prev = links(page).prev;
  const up = await get('ben', prev.pathname + prev.search);
  assert.deepEqual(ids(up), all.slice(11, 21));
  const top = await get('ben', `/api/v1/accounts/${u.ann.id}/statuses?min_id=${all[0]}`);
  assert.deepEqual(ids(top), []);
  const big = await get('ben', `/api/v1/accounts/${u.ann.id}/statuses?limit=1000`);
  assert.equal(big.body.length, 40);
});

test('bad pagination parameters are 422 with the parameter named', async () => {
  for (const [q, name] of [['max_id=abc', 'max_id'], ['since_id=-4', 'since_id'], ['min_id=1.5', 'min_id'],
    ['limit=0', 'limit'], ['limit=x', 'limit'], ['max_id=99999999999999999999', 'max_id']]) {
    for (const path of ['/api/v1/timelines/home', '/api/v1/timelines/public', `/api/v1/accounts/${u.ann.id}/statuses`,
      '/api/v1/timelines/tag/x', '/api/moka/v1/timelines/mentions']) {
      const r = await get('ben', `${path}?${q}`);
      assert.equal(r.status, 422, `${path}?${q}`);
      assert.match(r.body.error, new RegExp(`^${name}`));
    }
  }
  assert.equal((await get('ben', '/api/v1/timelines/public?local=maybe')).status, 422);
  assert.equal((await get('ben', `/api/v1/accounts/${u.ann.id}/statuses?exclude_replies=2`)).status, 422);
  assert.equal((await get('ben', '/api/v1/accounts/424242/statuses')).status, 404);
  assert.equal((await get('ben', '/api/v1/accounts/abc/statuses')).status, 404);
  for (const path of ['/api/v1/timelines/home', '/api/v1/timelines/public', '/api/v1/timelines/tag/x',
    `/api/v1/accounts/${u.ann.id}/statuses`, '/api/moka/v1/timelines/mentions']) {
    assert.equal((await api(srv, 'GET', path)).status, 401, path);
  }
});

test('home: mine, my connections\' and the people I follow, that I may see; not strangers\'', async () => {
  const mine = await post('ben', { status: 'ben here' });
  const stranger = await post('eve', { status: 'eve public' });
  const conn = await post('ann', { status: 'for connections', visibility: 'connections' });
  const benHome = ids(await get('ben', '/api/v1/timelines/home?limit=40'));
  assert.deepEqual(benHome.slice(0, 2), [conn.id, mine.id]);
  assert.ok(!benHome.includes(stranger.id));
  const catHome = ids(await get('cat', '/api/v1/timelines/home?limit=40'));
  assert.ok(!catHome.includes(conn.id), 'a follower does not see connections posts');
  assert.equal(catHome[0], created[49]);
  const danHome = await get('dan', '/api/v1/timelines/home');
  assert.deepEqual(ids(danHome), []);
  assert.equal(danHome.headers.get('link'), null);
  // following eve brings her posts in at once; a delete takes them out at once
  assert.equal((await api(srv, 'POST', `/api/v1/accounts/${u.eve.id}/follow`, { token: u.dan.token })).status, 200);
  assert.deepEqual(ids(await get('dan', '/api/v1/timelines/home')), [stranger.id]);
  assert.equal((await api(srv, 'DELETE', `/api/v1/statuses/${stranger.id}`, { token: u.eve.token })).status, 200);
  assert.deepEqual(ids(await get('dan', '/api/v1/timelines/home')), []);
  // replies show when I may see them; a repost of a post I may see shows
  const reply = await post('ben', { status: 'answer', in_reply_to_id: conn.id });
  assert.ok(ids(await get('ann', '/api/v1/timelines/home')).includes(reply.id));
  assert.ok(!ids(await get('cat', '/api/v1/timelines/home?limit=40')).includes(reply.id));
  const boost = await api(srv, 'POST', `/api/v1/statuses/${created[0]}/reblog`, { token: u.eve.token });
  const danNow = await get('dan', '/api/v1/timelines/home');
  assert.equal(danNow.body[0].id, boost.body.id);
  assert.equal(danNow.body[0].reblog.id, created[0]);
});

test('company stream: public posts only — no unlisted, no reposts, no replies to others', async () => {
  const pub = await post('dan', { status: 'public words' });
  const unl = await post('dan', { status: 'unlisted words', visibility: 'unlisted' });
  const net = await post('dan', { status: 'network words', visibility: 'network' });
  const thread = await post('dan', { status: 'continuing my thread', in_reply_to_id: pub.id });
  const other = await post('eve', { status: 'answering dan', in_reply_to_id: pub.id });
  const boost = await api(srv, 'POST', `/api/v1/statuses/${pub.id}/reblog`, { token: u.eve.token });
  for (const q of ['', '?local=true']) {
    const got = ids(await get('cat', `/api/v1/timelines/public${q}`));
    assert.ok(got.includes(pub.id));
    assert.ok(got.includes(thread.id), 'a reply to oneself stays');
    for (const x of [unl.id, net.id, other.id, boost.body.id]) assert.ok(!got.includes(x), x);
    assert.ok(got.indexOf(thread.id) < got.indexOf(pub.id));
  }
  assert.deepEqual(ids(await get('cat', '/api/v1/timelines/public?only_media=true')), []);
  assert.deepEqual(ids(await get('cat', '/api/v1/timelines/public?remote=true')), []);
});

test('hashtag stream: normalised tags, audiences respected, unlisted left out', async () => {
  const a = await post('ann', { status: 'Visiting the #Café today' });
  const b = await post('ben', { status: 'coffee at the #cafe', visibility: 'connections' });
  const c = await post('eve', { status: 'quiet #CAFE', visibility: 'unlisted' });
  const d = await post('eve', { status: 'only for me and @dan #cafe', visibility: 'direct' });
  const forAnn = ids(await get('ann', '/api/v1/timelines/tag/cafe'));
  assert.deepEqual(forAnn, [b.id, a.id]);
  assert.deepEqual(ids(await get('dan', `/api/v1/timelines/tag/${encodeURIComponent('#CAFÉ')}`)), [d.id, a.id]);
  assert.deepEqual(ids(await get('cat', '/api/v1/timelines/tag/Cafe')), [a.id]);
  assert.ok(!forAnn.includes(c.id));
  const bad = await get('ann', '/api/v1/timelines/tag/%21%21');
  assert.equal(bad.status, 422);
  assert.deepEqual(ids(await get('ann', '/api/v1/timelines/tag/nothing_here')), []);
});

test('walls: board posts, exclude_replies, exclude_reblogs, pinned and only_media', async () => {
  const own = await post('cat', { status: 'my wall' });
  const board = await post('dan', { status: 'on cat\'s board', board_id: u.cat.id });
  const selfReply = await post('cat', { status: 'more of my thread', in_reply_to_id: own.id });
  const reply = await post('cat', { status: 'answering ann', in_reply_to_id: created[49] });
  const boost = await api(srv, 'POST', `/api/v1/statuses/${created[48]}/reblog`, { token: u.cat.token });
  const wall = (q = '') => get('eve', `/api/v1/accounts/${u.cat.id}/statuses${q}`).then(ids);
  assert.deepEqual(await wall(), [boost.body.id, reply.id, selfReply.id, board.id, own.id]);
  assert.deepEqual(await wall('?exclude_replies=true'), [boost.body.id, selfReply.id, board.id, own.id]);
  assert.deepEqual(await wall('?exclude_reblogs=true&exclude_replies=1'), [selfReply.id, board.id, own.id]);
  assert.deepEqual(await wall('?pinned=true'), []);
  assert.deepEqual(await wall('?only_media=true'), []);
  const l = links(await get('eve', `/api/v1/accounts/${u.cat.id}/statuses?exclude_replies=true&limit=2`));
  assert.equal(l.next.searchParams.get('exclude_replies'), 'true');
  assert.equal(l.next.searchParams.get('limit'), '2');
  // the board post is also on dan's own wall
  assert.equal((await get('eve', `/api/v1/accounts/${u.dan.id}/statuses`)).body[0].id, board.id);
});

test('mentions: the posts that mention me and that I may see', async () => {
  const a = await post('ann', { status: 'hey @eve' });
  const b = await post('ben', { status: 'psst @eve', visibility: 'direct' });
  const hiddenParent = await post('ann', { status: 'inner circle', visibility: 'connections' });
  const c = await post('ben', { status: 'looping in @eve', in_reply_to_id: hiddenParent.id });
  const got = ids(await get('eve', '/api/moka/v1/timelines/mentions'));
  assert.deepEqual(got.slice(0, 2), [b.id, a.id]);
  assert.ok(!got.includes(c.id), 'a mention inside a thread eve may not see');
  assert.deepEqual(ids(await get('dan', '/api/moka/v1/timelines/mentions')).filter((x) => [a.id, b.id].includes(x)), []);
});
