// The network: connect (invitations with messages; accept, ignore,
// withdraw), disconnect, distance and "who connects us", follow and
// unfollow with followers/following lists, Mastodon relationships and
// follow requests, notifications, suggestions, bad ids, anonymous access,
// deactivated people — and the graph surviving a restart.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, stopServer, api, createUser, moka } from './lib.js';

let srv;
const u = {};
const names = ['ann', 'ben', 'cid', 'dee', 'eli', 'fay', 'gus', 'hal', 'ivy'];

before(async () => {
  srv = await startServer();
  for (const n of names) u[n] = createUser(srv, n, { name: n.toUpperCase(), department: n < 'e' ? 'Ops' : 'Legal' });
});
after(async () => {
  await stopServer(srv);
  // under ASan+UBSan (make check) the server reports problems on stderr
  assert.doesNotMatch(srv.log, /ERROR: \w+Sanitizer|runtime error/);
});

const post = (path, who, json) => api(srv, 'POST', path, { token: u[who].token, json });
const get = (path, who) => api(srv, 'GET', path, { token: u[who].token });
const ids = (list) => list.map((a) => a.id);
async function rel(who, other) {
  const r = await get(`/api/v1/accounts/relationships?id[]=${u[other].id}`, who);
  assert.equal(r.status, 200);
  assert.equal(r.body.length, 1);
  return r.body[0];
}
async function notifications(who) {
  const r = await get('/api/v1/notifications', who);
  assert.equal(r.status, 200);
  return r.body;
}

test('anonymous requests to the network are 401', async () => {
  for (const [m, p] of [['POST', `/api/moka/v1/accounts/${u.ben.id}/connect`], ['GET', '/api/moka/v1/invitations'],
    ['GET', `/api/v1/accounts/relationships?id[]=${u.ben.id}`], ['POST', `/api/v1/accounts/${u.ben.id}/follow`],
    ['GET', `/api/v1/accounts/${u.ben.id}/followers`], ['GET', '/api/v1/follow_requests'],
    ['GET', `/api/moka/v1/accounts/${u.ben.id}/common`]]) {
    const r = await api(srv, m, p);
    assert.equal(r.status, 401, p);
    assert.match(r.body.error, /token/);
  }
});

test('connect sends an invitation listed for both; accepting makes a connection at distance 1', async () => {
  const c = await post(`/api/moka/v1/accounts/${u.ben.id}/connect`, 'ann', { message: 'Hi Ben, we met at the offsite' });
  assert.equal(c.status, 200);
  assert.equal(c.body.id, u.ben.id);
  assert.equal(c.body.requested, true);
  assert.deepEqual({ ...c.body.moka, invitation_id: undefined }, { connected: false, invitation: 'sent', invitation_id: undefined, distance: 3 });

  const recv = await get('/api/moka/v1/invitations', 'ben');
  assert.equal(recv.status, 200);
  assert.equal(recv.body.received.length, 1);
  assert.deepEqual(recv.body.sent, []);
  const inv = recv.body.received[0];
  assert.equal(inv.account.id, u.ann.id);
  assert.equal(inv.account.username, 'ann');
  assert.equal(inv.message, 'Hi Ben, we met at the offsite');
  assert.equal(inv.direction, 'received');
  assert.match(inv.created_at, /^\d{4}-/);
  const sent = await get('/api/moka/v1/invitations?type=sent', 'ann');
  assert.deepEqual(sent.body.map((i) => [i.id, i.account.id, i.message]), [[inv.id, u.ben.id, inv.message]]);

  const other = await rel('ben', 'ann');
  assert.equal(other.requested_by, true);
  assert.equal(other.moka.invitation, 'received');
  assert.equal(other.moka.invitation_id, inv.id);

  // the invitation is ben's to accept: ann, or anyone else, gets 404
  assert.equal((await post(`/api/moka/v1/invitations/${inv.id}/accept`, 'ann')).status, 404);
  assert.equal((await post(`/api/moka/v1/invitations/${inv.id}/accept`, 'cid')).status, 404);
  assert.equal((await post(`/api/moka/v1/invitations/${inv.id}/withdraw`, 'ben')).status, 404);

  const acc = await post(`/api/moka/v1/invitations/${inv.id}/accept`, 'ben');
  assert.equal(acc.status, 200);
  assert.equal(acc.body.id, u.ann.id);
  assert.equal(acc.body.moka.connected, true);
  assert.equal(acc.body.moka.distance, 1);
  assert.equal(acc.body.moka.invitation, null);
  assert.deepEqual((await get('/api/moka/v1/invitations', 'ben')).body, { received: [], sent: [] });
  assert.deepEqual((await get('/api/moka/v1/invitations', 'ann')).body, { received: [], sent: [] });
  assert.deepEqual(ids((await get(`/api/moka/v1/accounts/${u.ann.id}/connections`, 'cid')).body), [u.ben.id]);
  assert.deepEqual(ids((await get(`/api/moka/v1/accounts/${u.ben.id}/connections`, 'cid')).body), [u.ann.id]);
  assert.equal((await get(`/api/v1/accounts/${u.ann.id}`, 'cid')).body.moka.connections_count, 1);
  // connecting again is idempotent
  const again = await post(`/api/moka/v1/accounts/${u.ben.id}/connect`, 'ann');
  assert.equal(again.status, 200);
  assert.equal(again.body.moka.connected, true);
  assert.deepEqual((await get('/api/moka/v1/invitations', 'ben')).body.received, []);
});

test('notifications: follow_request for an invitation, moka.connection_accepted for the inviter', async () => {
  const ben = await notifications('ben');
  const req = ben.find((n) => n.type === 'follow_request');
  assert.ok(req, JSON.stringify(ben));
  assert.equal(req.account.id, u.ann.id);
  const ann = await notifications('ann');
  const ok = ann.find((n) => n.type === 'moka.connection_accepted');
  assert.ok(ok, JSON.stringify(ann));
  assert.equal(ok.account.id, u.ben.id);
});

test('inviting back accepts; distance 2 through a shared connection and who connects us', async () => {
  await post(`/api/moka/v1/accounts/${u.ben.id}/connect`, 'cid');
  const back = await post(`/api/moka/v1/accounts/${u.cid.id}/connect`, 'ben');
  assert.equal(back.body.moka.connected, true);
  assert.deepEqual((await get('/api/moka/v1/invitations', 'cid')).body.sent, []);

  const r = await rel('ann', 'cid');
  assert.equal(r.moka.distance, 2);
  assert.equal(r.moka.connected, false);
  const common = await get(`/api/moka/v1/accounts/${u.cid.id}/common`, 'ann');
  assert.equal(common.status, 200);
  assert.equal(common.body.distance, 2);
  assert.equal(common.body.count, 1);
  assert.deepEqual(ids(common.body.accounts), [u.ben.id]);
  // between two other people, with ?with=
  const between = await get(`/api/moka/v1/accounts/${u.cid.id}/common?with=${u.ann.id}`, 'dee');
  assert.deepEqual(ids(between.body.accounts), [u.ben.id]);
  const prof = await get(`/api/moka/v1/profiles/${u.cid.id}`, 'ann');
  assert.equal(prof.body.network.distance, 2);
  assert.equal(prof.body.network.common_count, 1);
  assert.deepEqual(ids(prof.body.network.common), [u.ben.id]);
  assert.equal((await rel('dee', 'ann')).moka.distance, 3);
});

test('ignore hides an invitation from the recipient only; the sender still sees it pending', async () => {
  await post(`/api/moka/v1/accounts/${u.ann.id}/connect`, 'dee', { message: 'hello' });
  const inv = (await get('/api/moka/v1/invitations?type=received', 'ann')).body[0];
  assert.equal(inv.account.id, u.dee.id);
  const ig = await post(`/api/moka/v1/invitations/${inv.id}/ignore`, 'ann');
  assert.equal(ig.status, 200);
  assert.equal(ig.body.moka.invitation, null);
  assert.deepEqual((await get('/api/moka/v1/invitations', 'ann')).body.received, []);
  assert.deepEqual(ids((await get('/api/moka/v1/invitations?type=sent', 'dee')).body.map((i) => i.account)), [u.ann.id]);
  const r = await rel('dee', 'ann');
  assert.equal(r.moka.invitation, 'sent');
  assert.equal(r.requested, true);
  // inviting again stays pending silently
  const again = await post(`/api/moka/v1/accounts/${u.ann.id}/connect`, 'dee');
  assert.equal(again.status, 200);
  assert.equal(again.body.moka.invitation, 'sent');
  assert.deepEqual((await get('/api/moka/v1/invitations', 'ann')).body.received, []);
  // and ann can still change her mind by connecting back
  const yes = await post(`/api/moka/v1/accounts/${u.dee.id}/connect`, 'ann');
  assert.equal(yes.body.moka.connected, true);
});

test('withdraw removes a sent invitation; it cannot be accepted afterwards', async () => {
  await post(`/api/moka/v1/accounts/${u.ann.id}/connect`, 'eli');
  const inv = (await get('/api/moka/v1/invitations?type=sent', 'eli')).body[0];
  assert.equal(inv.account.id, u.ann.id);
  assert.equal((await post(`/api/moka/v1/invitations/${inv.id}/withdraw`, 'ann')).status, 404);
  const w = await post(`/api/moka/v1/invitations/${inv.id}/withdraw`, 'eli');
  assert.equal(w.status, 200);
  assert.equal(w.body.moka.invitation, null);
  assert.deepEqual((await get('/api/moka/v1/invitations', 'eli')).body, { received: [], sent: [] });
  assert.deepEqual((await get('/api/moka/v1/invitations', 'ann')).body.received, []);
  const acc = await post(`/api/moka/v1/invitations/${inv.id}/accept`, 'ann');
  assert.equal(acc.status, 404);
  assert.equal(acc.body.error, 'Record not found');
  assert.equal((await rel('ann', 'eli')).moka.connected, false);
});

test('disconnect removes the connection and the distances through it', async () => {
  // ann - ben - cid, ann - dee
  const d = await post(`/api/moka/v1/accounts/${u.ben.id}/disconnect`, 'ann');
  assert.equal(d.status, 200);
  assert.equal(d.body.moka.connected, false);
  assert.equal(d.body.moka.distance, 3);
  assert.equal((await rel('ann', 'cid')).moka.distance, 3);
  assert.deepEqual(ids((await get(`/api/moka/v1/accounts/${u.ann.id}/connections`, 'ann')).body), [u.dee.id]);
  assert.equal((await get(`/api/moka/v1/accounts/${u.cid.id}/common`, 'ann')).body.count, 0);
  // again: nothing to do, still fine
  assert.equal((await post(`/api/moka/v1/accounts/${u.ben.id}/disconnect`, 'ann')).status, 200);
  // reconnect for the tests below
  await post(`/api/moka/v1/accounts/${u.ben.id}/connect`, 'ann');
  await post(`/api/moka/v1/accounts/${u.ann.id}/connect`, 'ben');
  assert.equal((await rel('ann', 'cid')).moka.distance, 2);
});

test('follow and unfollow: relationships, followers/following lists, a notification', async () => {
  for (const who of ['ben', 'cid', 'dee', 'eli']) {
    const f = await post(`/api/v1/accounts/${u[who].id}/follow`, 'fay');
    assert.equal(f.status, 200);
    assert.equal(f.body.following, true);
    assert.equal(f.body.moka.connected, false);
  }
  assert.equal((await post(`/api/v1/accounts/${u.ben.id}/follow`, 'fay')).body.following, true); // idempotent
  const fl = await get(`/api/v1/accounts/${u.ben.id}/followers`, 'ann');
  assert.deepEqual(ids(fl.body), [u.fay.id]);
  const rb = await rel('ben', 'fay');
  assert.equal(rb.followed_by, true);
  assert.equal(rb.following, false);
  const acct = await get(`/api/v1/accounts/${u.fay.id}`, 'ann');
  assert.equal(acct.body.following_count, 4);
  assert.equal((await get(`/api/v1/accounts/${u.ben.id}`, 'ann')).body.followers_count, 1);
  const n = (await notifications('ben')).find((x) => x.type === 'follow');
  assert.equal(n.account.id, u.fay.id);

  // pagination: newest (highest id) first, Link next/prev, max_id/since_id/min_id
  const all = [u.eli.id, u.dee.id, u.cid.id, u.ben.id];
  const p1 = await get(`/api/v1/accounts/${u.fay.id}/following?limit=2`, 'ann');
  assert.deepEqual(ids(p1.body), all.slice(0, 2));
  const link = p1.headers.get('link');
  assert.match(link, /rel="next"/);
  assert.match(link, /rel="prev"/);
  const next = /<([^>]+)>; rel="next"/.exec(link)[1];
  const p2 = await get(new URL(next).pathname + new URL(next).search + '&limit=2', 'ann');
  assert.deepEqual(ids(p2.body), all.slice(2, 4));
  const since = await get(`/api/v1/accounts/${u.fay.id}/following?since_id=${u.cid.id}`, 'ann');
  assert.deepEqual(ids(since.body), all.slice(0, 2));
  const min = await get(`/api/v1/accounts/${u.fay.id}/following?min_id=${u.ben.id}&limit=1`, 'ann');
  assert.deepEqual(ids(min.body), [u.cid.id]);
  const empty = await get(`/api/v1/accounts/${u.fay.id}/following?max_id=${u.ben.id}`, 'ann');
  assert.deepEqual(empty.body, []);
  assert.equal(empty.headers.get('link'), null);
  const badCursor = await get(`/api/v1/accounts/${u.fay.id}/following?max_id=abc`, 'ann');
  assert.equal(badCursor.status, 422);

  const un = await post(`/api/v1/accounts/${u.dee.id}/unfollow`, 'fay');
  assert.equal(un.body.following, false);
  assert.deepEqual(ids((await get(`/api/v1/accounts/${u.fay.id}/following`, 'fay')).body), [u.eli.id, u.cid.id, u.ben.id]);
  assert.deepEqual((await get(`/api/v1/accounts/${u.dee.id}/followers`, 'fay')).body, []);
  const many = await get(`/api/v1/accounts/relationships?id[]=${u.ben.id}&id[]=${u.dee.id}&id[]=99999`, 'fay');
  assert.deepEqual(many.body.map((r) => [r.id, r.following]), [[u.ben.id, true], [u.dee.id, false]]);
});

test('follow_requests are received invitations; authorize connects, reject ignores', async () => {
  await post(`/api/moka/v1/accounts/${u.hal.id}/connect`, 'gus', { message: 'hi' });
  await post(`/api/moka/v1/accounts/${u.hal.id}/connect`, 'ivy');
  const fr = await get('/api/v1/follow_requests', 'hal');
  assert.equal(fr.status, 200);
  assert.deepEqual(ids(fr.body).sort(), [u.gus.id, u.ivy.id].sort());
  assert.equal(fr.body[0].username.length > 0, true);
  const cred = await api(srv, 'PATCH', '/api/v1/accounts/update_credentials', { token: u.hal.token, json: {} });
  assert.equal(cred.body.source.follow_requests_count, 2);
  const a = await post(`/api/v1/follow_requests/${u.gus.id}/authorize`, 'hal');
  assert.equal(a.status, 200);
  assert.equal(a.body.id, u.gus.id);
  assert.equal(a.body.moka.connected, true);
  const r = await post(`/api/v1/follow_requests/${u.ivy.id}/reject`, 'hal');
  assert.equal(r.status, 200);
  assert.equal(r.body.moka.connected, false);
  assert.deepEqual((await get('/api/v1/follow_requests', 'hal')).body, []);
  assert.equal((await rel('ivy', 'hal')).moka.invitation, 'sent');
  assert.equal((await post(`/api/v1/follow_requests/${u.ann.id}/authorize`, 'hal')).status, 404);
  assert.equal((await rel('gus', 'hal')).moka.distance, 1);
});

test('bad targets: yourself is 422, unknown or malformed ids are 404, long messages 422', async () => {
  const self = await post(`/api/moka/v1/accounts/${u.ann.id}/connect`, 'ann');
  assert.equal(self.status, 422);
  assert.equal((await post(`/api/v1/accounts/${u.ann.id}/follow`, 'ann')).status, 422);
  for (const [m, p] of [['POST', '/api/moka/v1/accounts/99999/connect'], ['POST', '/api/moka/v1/accounts/abc/connect'],
    ['POST', '/api/moka/v1/accounts/99999/disconnect'], ['POST', '/api/v1/accounts/99999/follow'],
    ['POST', '/api/v1/accounts/-1/unfollow'], ['GET', '/api/v1/accounts/99999/followers'],
    ['GET', '/api/moka/v1/accounts/99999/connections'], ['GET', '/api/moka/v1/accounts/99999/common'],
    ['GET', `/api/moka/v1/accounts/${u.ben.id}/common?with=99999`],
    ['POST', '/api/moka/v1/invitations/99999/accept'], ['POST', '/api/moka/v1/invitations/x/ignore']]) {
    const r = await api(srv, m, p, { token: u.ann.token });
    assert.equal(r.status, 404, p);
    assert.equal(r.body.error, 'Record not found', p);
  }
  const long = await post(`/api/moka/v1/accounts/${u.eli.id}/connect`, 'ann', { message: 'm'.repeat(501) });
  assert.equal(long.status, 422);
  assert.match(long.body.error, /message/);
  const wrongType = await post(`/api/moka/v1/accounts/${u.eli.id}/connect`, 'ann', { message: 42 });
  assert.equal(wrongType.status, 422);
  assert.equal((await rel('ann', 'eli')).moka.invitation, null, 'nothing was sent');
  const badType = await get('/api/moka/v1/invitations?type=all', 'ann');
  assert.equal(badType.status, 422);
});

test('suggestions: colleagues of colleagues first, excluding connections, invitations and self', async () => {
  // ann: connected to ben, dee. ben - cid, ben - ... ; gus - hal
  await post(`/api/moka/v1/accounts/${u.cid.id}/connect`, 'dee');
  await post(`/api/moka/v1/accounts/${u.dee.id}/connect`, 'cid'); // cid now shares ben and dee with ann
  await post(`/api/moka/v1/accounts/${u.gus.id}/connect`, 'ann'); // pending: gus is excluded
  const s = await get('/api/moka/v1/people/suggestions?limit=5', 'ann');
  assert.equal(s.status, 200);
  const got = s.body.map((x) => x.account.id);
  assert.equal(got[0], u.cid.id);
  assert.equal(s.body[0].mutual_connections, 2);
  assert.ok(s.body[0].reasons.includes('mutual_connections'));
  assert.ok(s.body[0].reasons.includes('same_department'));
  for (const excluded of [u.ann.id, u.ben.id, u.dee.id, u.gus.id]) assert.ok(!got.includes(excluded), excluded);
  assert.ok(got.length <= 5);
});

test('deactivated people leave lists, distances and who connects us; they come back', async () => {
  // ann - ben - cid and ann - dee - cid
  moka(srv, ['user', 'deactivate', 'ben']);
  assert.equal((await get(`/api/v1/accounts/${u.ben.id}`, 'ann')).status, 404);
  assert.ok(!ids((await get(`/api/moka/v1/accounts/${u.ann.id}/connections`, 'ann')).body).includes(u.ben.id));
  const c = await get(`/api/moka/v1/accounts/${u.cid.id}/common`, 'ann');
  assert.deepEqual(ids(c.body.accounts), [u.dee.id]);
  assert.equal((await post(`/api/moka/v1/accounts/${u.ben.id}/connect`, 'eli')).status, 404);
  assert.equal((await post(`/api/v1/accounts/${u.ben.id}/follow`, 'eli')).status, 404);
  assert.equal((await get(`/api/v1/accounts/${u.fay.id}`, 'ann')).body.following_count, 2);
  moka(srv, ['user', 'activate', 'ben']);
  assert.equal((await rel('ann', 'ben')).moka.connected, true);
  assert.equal((await get(`/api/moka/v1/accounts/${u.cid.id}/common`, 'ann')).body.count, 2);
  assert.equal((await get(`/api/v1/accounts/${u.fay.id}`, 'ann')).body.following_count, 3);
});

test('the graph survives a restart: same distances, connections and follows', async () => {
  const pairs = [['ann', 'ben'], ['ann', 'cid'], ['ann', 'fay'], ['gus', 'hal'], ['ivy', 'hal'], ['fay', 'ben']];
  const before = [];
  for (const [a, b] of pairs) before.push(await rel(a, b));
  const followers = ids((await get(`/api/v1/accounts/${u.cid.id}/followers`, 'ann')).body);
  assert.deepEqual(followers, [u.fay.id]);
  await stopServer(srv, { keep: true });
  assert.doesNotMatch(srv.log, /ERROR: \w+Sanitizer|runtime error/);
  srv = await startServer({ dir: srv.dir });
  assert.match(srv.log, /graph of \d+ people, \d+ connections, \d+ follows/);
  for (let i = 0; i < pairs.length; i++) assert.deepEqual(await rel(...pairs[i]), before[i], pairs[i].join('-'));
  assert.deepEqual(ids((await get(`/api/v1/accounts/${u.cid.id}/followers`, 'ann')).body), followers);
  assert.equal((await rel('ann', 'cid')).moka.distance, 2);
});
