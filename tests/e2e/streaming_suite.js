// Live streams (Server-Sent Events): what arrives, to whom, and what never
// does. The same cases run against the server's own port
// (streaming.test.js) and against its stream relays (streaming_relay.test.js,
// with relay set): streams opened through a relay must behave exactly alike.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, stopServer, api, createUser, moka, readSse } from './lib.js';

export function streamingSuite({ relay = false } = {}) {
  let srv, alice, bob, carol, dave, erin;
  let streams; // where streams are opened: the server itself, or its relays
  const open = [];

  const post = (u, path, json) => api(srv, 'POST', path, { token: u.token, json });
  async function status(u, text, visibility = 'public', extra = {}) {
    const r = await post(u, '/api/v1/statuses', { status: text, visibility, ...extra });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return r.body;
  }
  async function connect(a, b) {
    assert.ok((await post(a, `/api/moka/v1/accounts/${b.id}/connect`, {})).status < 300);
    assert.ok((await post(b, `/api/moka/v1/accounts/${a.id}/connect`, {})).status < 300);
  }

  // Opens an SSE stream with fetch and parses its messages as they come.
  async function stream(path, token, { query = false } = {}) {
    const ctrl = new AbortController();
    const headers = token && !query ? { Authorization: `Bearer ${token}` } : {};
    const url = streams.base + path + (query ? `${path.includes('?') ? '&' : '?'}access_token=${token}` : '');
    const res = await fetch(url, { headers, signal: ctrl.signal });
    const s = { res, messages: [], comments: [], ended: false };
    s.close = () => ctrl.abort();
    open.push(s);
    if (res.status !== 200) return s;
    readSse(res, ({ event, data, comments }) => {
      s.comments.push(...comments);
      if (data !== null) s.messages.push({ event, data });
    }).then(() => { s.ended = true; });
    return s;
  }

  // Waits (bounded) until pred holds; fails with what arrived otherwise.
  async function until(s, pred, what, ms = 8000) {
    const end = Date.now() + ms;
    while (Date.now() < end) {
      const found = pred(s);
      if (found) return found;
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.fail(`${what} did not arrive; got ${JSON.stringify(s.messages).slice(0, 2000)}`);
  }
  const updateOf = (id, event = 'update') => (s) => s.messages.find((m) => m.event === event && JSON.parse(m.data).id === id);
  const hasUpdate = (s, id) => s.messages.some((m) => m.event === 'update' && JSON.parse(m.data).id === id);

  before(async () => {
    const settings = { stream_heartbeat: '1' };
    if (relay) Object.assign(settings, { stream_listen: '127.0.0.1:0', stream_relays: '2' });
    srv = await startServer({ settings });
    streams = relay ? { base: srv.streamBase } : srv;
    assert.ok(streams.base, 'the stream address is known');
    alice = createUser(srv, 's_alice');
    bob = createUser(srv, 's_bob');
    carol = createUser(srv, 's_carol');
    dave = createUser(srv, 's_dave');
    erin = createUser(srv, 's_erin');
    await connect(alice, bob);
    // carol follows alice but is not connected to anyone: distance 3
    assert.equal((await post(carol, `/api/v1/accounts/${alice.id}/follow`, {})).status, 200);
  });
  after(async () => {
    for (const s of open) s.close();
    await stopServer(srv);
  });

  test('streaming health is OK; streams need a valid token (401)', async () => {
    const h = await api(streams, 'GET', '/api/v1/streaming/health');
    assert.equal(h.status, 200);
    assert.equal(h.body, 'OK');
    for (const token of [undefined, 'not-a-token']) {
      const r = await api(streams, 'GET', '/api/v1/streaming/user', { token });
      assert.equal(r.status, 401);
      assert.equal(typeof r.body.error, 'string');
    }
    const noTag = await api(streams, 'GET', '/api/v1/streaming/hashtag?tag=%21%21', { token: bob.token });
    assert.equal(noTag.status, 422);
    const unknown = await api(streams, 'GET', '/api/v1/streaming?stream=nope', { token: bob.token });
    assert.equal(unknown.status, 422);
  });

  test('a stream is text/event-stream, opens with a comment and gets heartbeats', async () => {
    const s = await stream('/api/v1/streaming/user', dave.token);
    assert.equal(s.res.status, 200);
    assert.match(s.res.headers.get('content-type'), /^text\/event-stream/);
    await until(s, (x) => x.comments.includes('thump'), 'a heartbeat');
    s.close();
  });

  test('the access_token query parameter opens a stream too', async () => {
    const s = await stream('/api/v1/streaming/user', dave.token, { query: true });
    assert.equal(s.res.status, 200);
    await until(s, (x) => x.comments.length > 0, 'the first comment');
    s.close();
  });

  test('a post by a connection arrives as update; one the viewer may not see never does', async () => {
    const b = await stream('/api/v1/streaming/user', bob.token);
    const c = await stream('/api/v1/streaming/user', carol.token);
    await until(c, (x) => x.comments.length > 0, 'stream open');
    await until(b, (x) => x.comments.length > 0, 'stream open');
    const secret = await status(alice, 'Only for my connections', 'connections');
    const net = await status(alice, 'For my network', 'network');
    const pub = await status(alice, 'Hello everyone', 'public');
    const got = JSON.parse((await until(b, updateOf(secret.id), 'the connections post')).data);
    assert.equal(got.account.id, alice.id);
    assert.match(got.content, /Only for my connections/);
    await until(b, updateOf(pub.id), 'the public post at bob');
    // carol follows alice: she gets the public post, and since events arrive
    // in commit order, the earlier posts she may not see would be there by now
    await until(c, updateOf(pub.id), 'the public post at carol');
    assert.ok(!hasUpdate(c, secret.id), 'carol must not get a connections-only post');
    assert.ok(!hasUpdate(c, net.id), 'carol (distance 3) must not get a network post');
    assert.ok(!c.messages.some((m) => m.data.includes('Only for my connections')));
    // a stream of someone unrelated gets none of it
    b.close();
    c.close();
  });

  test('a mention arrives as notification; /user/notification carries notifications only', async () => {
    const n = await stream('/api/v1/streaming/user/notification', bob.token);
    const u = await stream('/api/v1/streaming/user', bob.token);
    await until(n, (x) => x.comments.length > 0, 'stream open');
    await until(u, (x) => x.comments.length > 0, 'stream open');
    const s = await status(alice, `Hey @${bob.username}, have a look`, 'connections');
    const msg = await until(n, (x) => x.messages.find((m) => m.event === 'notification'), 'the notification');
    const note = JSON.parse(msg.data);
    assert.equal(note.type, 'mention');
    assert.equal(note.account.id, alice.id);
    assert.equal(note.status.id, s.id);
    await until(u, (x) => x.messages.find((m) => m.event === 'notification' && JSON.parse(m.data).id === note.id), 'the notification on /user');
    await until(u, updateOf(s.id), 'the update on /user');
    assert.ok(!n.messages.some((m) => m.event !== 'notification'), 'only notifications on /user/notification');
    n.close();
    u.close();
  });

  test('edits arrive as status.update and deletes as delete', async () => {
    const b = await stream('/api/v1/streaming/user', bob.token);
    await until(b, (x) => x.comments.length > 0, 'stream open');
    const s = await status(alice, 'First version', 'connections');
    await until(b, updateOf(s.id), 'the post');
    const e = await api(srv, 'PUT', `/api/v1/statuses/${s.id}`, { token: alice.token, json: { status: 'Second version' } });
    assert.equal(e.status, 200, JSON.stringify(e.body));
    const edited = JSON.parse((await until(b, updateOf(s.id, 'status.update'), 'the edit')).data);
    assert.match(edited.content, /Second version/);
    const d = await api(srv, 'DELETE', `/api/v1/statuses/${s.id}`, { token: alice.token });
    assert.equal(d.status, 200);
    await until(b, (x) => x.messages.find((m) => m.event === 'delete' && m.data === s.id), 'the delete');
    b.close();
  });

  test('a new post reaches every viewer alike but its author (the source text); after a like, each gets their own flags', async () => {
    const [a, b, c] = await Promise.all([alice, bob, carol].map((u) => stream('/api/v1/streaming/user', u.token)));
    for (const x of [a, b, c]) await until(x, (y) => y.comments.length > 0, 'stream open');
    const s = await status(alice, 'Shared rendering check', 'public');
    const [fa, fb, fc] = await Promise.all([a, b, c].map((x) => until(x, updateOf(s.id), 'the post')));
    assert.equal(fb.data, fc.data); // bob (connection) and carol (follower): the same bytes
    const [pa, pb] = [JSON.parse(fa.data), JSON.parse(fb.data)];
    assert.equal(pa.text, 'Shared rendering check');
    assert.equal(pb.text, null);
    assert.equal(pb.favourited, false);
    assert.deepEqual({ ...pa, text: null }, pb);
    // liked by bob, then edited: the edit carries bob's own flag to bob only
    assert.equal((await post(bob, `/api/v1/statuses/${s.id}/favourite`, {})).status, 200);
    const e = await api(srv, 'PUT', `/api/v1/statuses/${s.id}`, { token: alice.token, json: { status: 'Shared rendering, edited' } });
    assert.equal(e.status, 200, JSON.stringify(e.body));
    const [eb, ec] = await Promise.all([b, c].map(async (x) => JSON.parse((await until(x, updateOf(s.id, 'status.update'), 'the edit')).data)));
    assert.equal(eb.favourited, true);
    assert.equal(ec.favourited, false);
    assert.equal(eb.favourites_count, 1);
    assert.equal(ec.favourites_count, 1);
    for (const x of [a, b, c]) x.close();
  });

  test('the public stream gets public posts only; a hashtag stream gets its tag', async () => {
    const p = await stream('/api/v1/streaming/public', erin.token);
    const t = await stream('/api/v1/streaming/hashtag?tag=%23Launch', erin.token);
    const any = await stream('/api/v1/streaming?stream=hashtag&tag=launch', erin.token);
    for (const s of [p, t, any]) await until(s, (x) => x.comments.length > 0, 'stream open');
    const hidden = await status(alice, 'Connections only #launch', 'connections');
    const unlisted = await status(alice, 'Quiet #launch', 'unlisted');
    const other = await status(alice, 'Nothing tagged here', 'public');
    const tagged = await status(alice, 'We #Launch today', 'public');
    await until(p, updateOf(other.id), 'the public post');
    await until(p, updateOf(tagged.id), 'the tagged public post');
    await until(t, updateOf(tagged.id), 'the tagged post on the hashtag stream');
    await until(any, updateOf(tagged.id), 'the tagged post on ?stream=hashtag');
    assert.ok(!hasUpdate(p, hidden.id) && !hasUpdate(p, unlisted.id));
    assert.ok(!hasUpdate(t, hidden.id) && !hasUpdate(t, unlisted.id) && !hasUpdate(t, other.id));
    for (const s of [p, t, any]) s.close();
  });

  test('a client that reconnects finds what it missed in the notification list', async () => {
    const first = await stream('/api/v1/streaming/user', bob.token);
    await until(first, (x) => x.comments.length > 0, 'stream open');
    first.close();
    const s = await status(alice, `While you were away, @${bob.username}`, 'public');
    const again = await stream('/api/v1/streaming/user', bob.token);
    await until(again, (x) => x.comments.includes('thump'), 'a heartbeat after reconnecting');
    const list = await api(srv, 'GET', '/api/v1/notifications?types[]=mention', { token: bob.token });
    assert.equal(list.status, 200);
    const n = list.body.find((x) => x.status && x.status.id === s.id);
    assert.ok(n, 'the missed mention is listed');
    assert.equal(n.account.id, alice.id);
    again.close();
  });

  test('deactivating a user closes their streams', async () => {
    const s = await stream('/api/v1/streaming/user', erin.token);
    await until(s, (x) => x.comments.length > 0, 'stream open');
    moka(srv, ['user', 'deactivate', erin.username]);
    await until(s, (x) => x.ended, 'the end of the stream');
    const again = await api(streams, 'GET', '/api/v1/streaming/user', { token: erin.token });
    assert.equal(again.status, 401);
  });

  test('signing out ends the streams opened with that session; other sessions keep theirs', async () => {
    const signIn = async () => {
      const r = await api(srv, 'POST', '/auth/sign_in', { json: { username: dave.username, password: 'correct horse battery staple' } });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      return { cookie: r.headers.get('set-cookie').split(';')[0], csrf: r.body.csrf_token };
    };
    const one = await signIn();
    const two = await signIn();
    const openWith = async (sess) => {
      const ctrl = new AbortController();
      const res = await fetch(streams.base + '/api/v1/streaming/user', { headers: { Cookie: sess.cookie }, signal: ctrl.signal });
      assert.equal(res.status, 200);
      const s = { ended: false, close: () => ctrl.abort(), messages: [], comments: [] };
      open.push(s);
      (async () => { try { for await (const _ of res.body) { s.comments.push('x'); } } catch { /* aborted */ } s.ended = true; })();
      return s;
    };
    const s1 = await openWith(one);
    const s2 = await openWith(two);
    await until(s1, (x) => x.comments.length > 0, 'first stream open');
    await until(s2, (x) => x.comments.length > 0, 'second stream open');
    const out = await api(srv, 'POST', '/auth/sign_out', { headers: { Cookie: one.cookie, 'X-CSRF-Token': one.csrf } });
    assert.ok(out.status < 300, JSON.stringify(out.body));
    await until(s1, (x) => x.ended, 'the end of the signed-out stream');
    const seen = s2.comments.length;
    await until(s2, (x) => x.comments.length > seen, 'a heartbeat on the other session');
    assert.equal(s2.ended, false);
  });

  return { server: () => srv, stream, until, status, users: () => ({ alice, bob, carol, dave, erin }) };
}
