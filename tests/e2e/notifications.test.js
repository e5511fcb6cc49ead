// Notifications and read markers: what creates them, the Mastodon list with
// its pagination and filters, one, dismiss, clear, the unread count, and that
// a notification never shows a post its recipient may no longer see.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, stopServer, api, createUser } from './lib.js';

let srv, alice, bob, carol, dave, eve;

const get = (u, path) => api(srv, 'GET', path, { token: u.token });
const post = (u, path, json) => api(srv, 'POST', path, { token: u.token, json });
const list = async (u, query = '') => {
  const r = await get(u, '/api/v1/notifications' + query);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.ok(Array.isArray(r.body));
  return r;
};
const unread = async (u, query = '') => {
  const r = await get(u, '/api/v1/notifications/unread_count' + query);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body.count;
};
async function connect(a, b) {
  const r1 = await post(a, `/api/moka/v1/accounts/${b.id}/connect`, {});
  assert.ok(r1.status < 300, JSON.stringify(r1.body));
  const r2 = await post(b, `/api/moka/v1/accounts/${a.id}/connect`, {});
  assert.ok(r2.status < 300, JSON.stringify(r2.body));
}
async function status(u, text, visibility = 'public', extra = {}) {
  const r = await post(u, '/api/v1/statuses', { status: text, visibility, ...extra });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body;
}

before(async () => {
  srv = await startServer();
  alice = createUser(srv, 'n_alice');
  bob = createUser(srv, 'n_bob');
  carol = createUser(srv, 'n_carol');
  dave = createUser(srv, 'n_dave');
  eve = createUser(srv, 'n_eve');
});
after(async () => { await stopServer(srv); });

test('notification endpoints need a token', async () => {
  for (const path of ['/api/v1/notifications', '/api/v1/notifications/unread_count', '/api/v1/markers']) {
    const r = await api(srv, 'GET', path);
    assert.equal(r.status, 401);
    assert.equal(typeof r.body.error, 'string');
  }
  const c = await api(srv, 'POST', '/api/v1/notifications/clear');
  assert.equal(c.status, 401);
});

test('an invitation notifies the invitee (follow_request, with its message); acceptance notifies the inviter', async () => {
  const inv = await post(alice, `/api/moka/v1/accounts/${dave.id}/connect`, { message: 'Let us work together' });
  assert.ok(inv.status < 300, JSON.stringify(inv.body));
  const { body: d } = await list(dave);
  const req = d.find((n) => n.type === 'follow_request');
  assert.ok(req, JSON.stringify(d));
  assert.equal(req.account.id, alice.id);
  assert.match(req.created_at, /^\d{4}-\d\d-\d\dT/);
  assert.equal(typeof req.id, 'string');
  assert.equal(req.moka.invitation.message, 'Let us work together');
  assert.equal(req.moka.invitation.from_id, alice.id);
  assert.equal(req.status, undefined);

  const acc = await post(dave, `/api/moka/v1/accounts/${alice.id}/connect`, {});
  assert.ok(acc.status < 300, JSON.stringify(acc.body));
  const { body: a } = await list(alice);
  const ok = a.find((n) => n.type === 'moka.connection_accepted');
  assert.ok(ok, JSON.stringify(a));
  assert.equal(ok.account.id, dave.id);
  // nobody is notified of their own actions
  assert.ok(!a.some((n) => n.account && n.account.id === alice.id));
});

test('follows notify; types[] and exclude_types[] filter the list', async () => {
  assert.equal((await post(carol, `/api/v1/accounts/${bob.id}/follow`, {})).status, 200);
  assert.equal((await post(dave, `/api/v1/accounts/${bob.id}/follow`, {})).status, 200);
  assert.ok((await post(eve, `/api/moka/v1/accounts/${bob.id}/connect`, {})).status < 300);

  const all = (await list(bob)).body;
  assert.deepEqual(all.map((n) => n.type).sort(), ['follow', 'follow', 'follow_request']);
  assert.deepEqual(new Set(all.filter((n) => n.type === 'follow').map((n) => n.account.id)),
    new Set([carol.id, dave.id]));

  const follows = (await list(bob, '?types[]=follow')).body;
  assert.equal(follows.length, 2);
  assert.ok(follows.every((n) => n.type === 'follow'));
  const notFollows = (await list(bob, '?exclude_types[]=follow')).body;
  assert.deepEqual(notFollows.map((n) => n.type), ['follow_request']);
  assert.equal(notFollows[0].account.id, eve.id);
  const both = (await list(bob, '?types[]=follow&types[]=follow_request')).body;
  assert.equal(both.length, 3);
  assert.equal((await list(bob, '?types[]=mention')).body.length, 0);
  assert.equal(await unread(bob, '?types[]=follow'), 2);
  assert.equal(await unread(bob, '?exclude_types[]=follow'), 1);
});

// eve gets five follow notifications from carol (follow, unfollow, follow ...)
async function fiveFollows() {
  for (let i = 0; i < 5; i++) {
    assert.equal((await post(carol, `/api/v1/accounts/${eve.id}/follow`, {})).status, 200);
    assert.equal((await post(carol, `/api/v1/accounts/${eve.id}/unfollow`, {})).status, 200);
  }
  const ids = (await list(eve, '?types[]=follow')).body.map((n) => n.id);
  assert.equal(ids.length, 5);
  return ids; // newest first
}

let eveIds;
test('pagination: limit, max_id, since_id, min_id and the Link header', async () => {
  eveIds = await fiveFollows();
  const [n5, n4, n3, n2, n1] = eveIds;
  for (let i = 1; i < eveIds.length; i++) assert.ok(BigInt(eveIds[i - 1]) > BigInt(eveIds[i]));

  const p1 = await list(eve, '?types[]=follow&limit=2');
  assert.deepEqual(p1.body.map((n) => n.id), [n5, n4]);
  const link = p1.headers.get('link');
  assert.match(link, new RegExp(`max_id=${n4}[^>]*>; rel="next"`));
  assert.match(link, new RegExp(`min_id=${n5}[^>]*>; rel="prev"`));
  const next = /<([^>]+)>; rel="next"/.exec(link)[1];
  const p2 = await list(eve, next.slice(next.indexOf('?')));
  assert.deepEqual(p2.body.map((n) => n.id), [n3, n2]);

  assert.deepEqual((await list(eve, `?types[]=follow&min_id=${n2}&limit=2`)).body.map((n) => n.id), [n4, n3]);
  assert.deepEqual((await list(eve, `?types[]=follow&since_id=${n2}&limit=2`)).body.map((n) => n.id), [n5, n4]);
  assert.deepEqual((await list(eve, `?types[]=follow&since_id=${n2}&max_id=${n5}`)).body.map((n) => n.id), [n4, n3]);
  const empty = await list(eve, `?types[]=follow&max_id=${n1}`);
  assert.deepEqual(empty.body, []);
  assert.equal(empty.headers.get('link'), null);
});

test('one notification by id; someone else\'s or an unknown id is 404', async () => {
  const id = eveIds[0];
  const mine = await get(eve, `/api/v1/notifications/${id}`);
  assert.equal(mine.status, 200);
  assert.equal(mine.body.id, id);
  assert.equal(mine.body.type, 'follow');
  assert.equal(mine.body.account.id, carol.id);
  for (const [who, path] of [[bob, `/api/v1/notifications/${id}`], [eve, '/api/v1/notifications/999999'],
    [eve, '/api/v1/notifications/abc']]) {
    const r = await get(who, path);
    assert.equal(r.status, 404);
    assert.equal(typeof r.body.error, 'string');
  }
});

test('the unread count follows the notifications marker; markers are Mastodon-shaped', async () => {
  const [n5, , n3] = eveIds;
  const base = await unread(eve, '?types[]=follow');
  assert.equal(base, 5);
  const set = await post(eve, '/api/v1/markers', { notifications: { last_read_id: n3 } });
  assert.equal(set.status, 200, JSON.stringify(set.body));
  assert.equal(set.body.notifications.last_read_id, n3);
  assert.equal(set.body.notifications.version, 1);
  assert.equal(set.body.home, undefined);
  assert.equal(await unread(eve, '?types[]=follow'), 2);
  assert.equal(await unread(eve, '?types[]=follow&limit=1'), 1);

  // form fields work too, and each change bumps the version
  const form = await api(srv, 'POST', '/api/v1/markers', { token: eve.token, form: { 'notifications[last_read_id]': n5, 'home[last_read_id]': '12345' } });
  assert.equal(form.status, 200, JSON.stringify(form.body));
  assert.equal(form.body.notifications.version, 2);
  assert.equal(form.body.home.last_read_id, '12345');
  assert.equal(await unread(eve, '?types[]=follow'), 0);

  const m = await get(eve, '/api/v1/markers?timeline[]=notifications');
  assert.deepEqual(Object.keys(m.body), ['notifications']);
  assert.equal(m.body.notifications.last_read_id, n5);
  assert.match(m.body.notifications.updated_at, /^\d{4}-\d\d-\d\dT.*Z$/);
  const both = await get(eve, '/api/v1/markers?timeline[]=home&timeline[]=notifications');
  assert.deepEqual(Object.keys(both.body).sort(), ['home', 'notifications']);
  // another user's markers are their own
  assert.deepEqual((await get(dave, '/api/v1/markers?timeline[]=notifications')).body, {});

  for (const body of [{}, { notifications: { last_read_id: 'x' } }, { home: 5 }]) {
    const bad = await post(eve, '/api/v1/markers', body);
    assert.equal(bad.status, 422, JSON.stringify(body));
    assert.equal(typeof bad.body.error, 'string');
  }
  assert.equal((await get(eve, '/api/v1/markers?timeline[]=notifications')).body.notifications.version, 2);

  // a new notification is unread again
  assert.equal((await post(carol, `/api/v1/accounts/${eve.id}/follow`, {})).status, 200);
  assert.equal(await unread(eve, '?types[]=follow'), 1);
});

test('dismiss and clear', async () => {
  const before = (await list(eve)).body.map((n) => n.id);
  assert.ok(before.length >= 3);
  const [first, second] = before;
  // someone else cannot dismiss eve's notification
  const other = await post(bob, `/api/v1/notifications/${first}/dismiss`, {});
  assert.equal(other.status, 404);
  assert.ok((await list(eve)).body.some((n) => n.id === first));

  const d = await post(eve, `/api/v1/notifications/${first}/dismiss`, {});
  assert.equal(d.status, 200);
  assert.deepEqual(d.body, {});
  assert.ok(!(await list(eve)).body.some((n) => n.id === first));
  assert.equal((await get(eve, `/api/v1/notifications/${first}`)).status, 404);
  assert.equal((await post(eve, `/api/v1/notifications/${first}/dismiss`, {})).status, 404);
  // Mastodon's older form
  assert.equal((await post(eve, '/api/v1/notifications/dismiss', { id: second })).status, 200);
  assert.ok(!(await list(eve)).body.some((n) => n.id === second));

  const bobBefore = (await list(bob)).body.length;
  const c = await post(eve, '/api/v1/notifications/clear', {});
  assert.equal(c.status, 200);
  assert.deepEqual((await list(eve)).body, []);
  assert.equal(await unread(eve), 0);
  assert.equal((await list(bob)).body.length, bobBefore);
});

test('bad parameters are 422 with a JSON error', async () => {
  for (const q of ['?limit=0', '?limit=x', '?max_id=abc', '?since_id=-4', '?min_id=1.5',
    '?types[]=Bad!', '?exclude_types[]=' + 'x'.repeat(100)]) {
    const r = await get(bob, '/api/v1/notifications' + q);
    assert.equal(r.status, 422, q);
    assert.equal(typeof r.body.error, 'string');
  }
  assert.equal((await get(bob, '/api/v1/notifications/unread_count?limit=0')).status, 422);
  // a large limit is lowered, not refused
  assert.equal((await get(bob, '/api/v1/notifications?limit=500')).status, 200);
});

test('a mention notifies with the status as the recipient sees it; self-mentions do not', async () => {
  const s = await status(alice, `Hello @${bob.username}, welcome`);
  const n = (await list(bob, '?types[]=mention')).body.find((x) => x.status && x.status.id === s.id);
  assert.ok(n, 'mention notification listed');
  assert.equal(n.account.id, alice.id);
  assert.equal(n.status.account.id, alice.id);
  assert.match(n.status.content, /welcome/);
  const self = await status(alice, `Note to @${alice.username}`);
  assert.ok(!(await list(alice)).body.some((x) => x.status && x.status.id === self.id));
});

test('a notification about a post the recipient can no longer see is not listed nor counted', async () => {
  await connect(alice, bob);
  await post(bob, '/api/v1/markers', { notifications: { last_read_id: '1' } });
  const s = await status(alice, `Just between us, @${bob.username}`, 'connections');
  const listed = (await list(bob)).body.find((x) => x.status && x.status.id === s.id);
  assert.ok(listed);
  const countBefore = await unread(bob, '?types[]=mention');
  assert.ok(countBefore >= 1);
  assert.equal((await get(bob, `/api/v1/notifications/${listed.id}`)).status, 200);

  assert.equal((await api(srv, 'DELETE', `/api/v1/statuses/${s.id}`, { token: alice.token })).status, 200);
  assert.ok(!(await list(bob)).body.some((x) => x.id === listed.id));
  assert.equal((await get(bob, `/api/v1/notifications/${listed.id}`)).status, 404);
  assert.equal(await unread(bob, '?types[]=mention'), countBefore - 1);

  // a reply never widens its parent's audience: mentioning bob in a reply to
  // a connections-only post of carol's (bob is not connected to carol) shows
  // bob nothing
  await connect(alice, carol);
  const parent = await status(carol, 'For my connections only', 'connections');
  const reply = await status(alice, `@${bob.username} look at this`, 'connections', { in_reply_to_id: parent.id });
  assert.ok(!(await list(bob)).body.some((x) => x.status && x.status.id === reply.id));
  assert.equal(await unread(bob, '?types[]=mention'), countBefore - 1);
});

test('a notification shows its actor and post as they are now (the page renders them together, through the caches)', async () => {
  const s = await status(eve, `@${carol.username} the numbers for Q3`, 'public');
  const find = async () => {
    const n = (await list(carol)).body.find((x) => x.type === 'mention' && x.status && x.status.id === s.id);
    assert.ok(n, 'the mention is listed');
    const one = await get(carol, `/api/v1/notifications/${n.id}`);
    assert.equal(one.status, 200, JSON.stringify(one.body));
    assert.deepEqual(one.body, n); // one notification and the page render the same entity
    return n;
  };
  const first = await find();
  assert.equal(first.account.id, eve.id);
  assert.equal(first.status.favourites_count, 0);
  assert.equal(first.status.favourited, false);
  const acct = (await get(carol, `/api/v1/accounts/${eve.id}`)).body;
  assert.deepEqual(first.account, acct);
  assert.deepEqual(await find(), first); // read again: the cached parts are the same

  // the actor's profile, the actor's counts, the post's counts and the
  // reader's own flags all move
  const r = await api(srv, 'PATCH', '/api/v1/accounts/update_credentials', { token: eve.token, form: { display_name: 'Eve Renamed' } });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal((await post(dave, `/api/v1/accounts/${eve.id}/follow`, {})).status, 200);
  assert.equal((await post(carol, `/api/v1/statuses/${s.id}/favourite`, {})).status, 200);
  const now = await find();
  assert.equal(now.account.display_name, 'Eve Renamed');
  assert.equal(now.account.followers_count, first.account.followers_count + 1);
  assert.equal(now.status.account.display_name, 'Eve Renamed');
  assert.equal(now.status.favourites_count, 1);
  assert.equal(now.status.favourited, true);
  assert.deepEqual(now.account, (await get(carol, `/api/v1/accounts/${eve.id}`)).body);
});
