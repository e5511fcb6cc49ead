// Posts through Mastodon's /api/v1/statuses: create with every audience,
// validation (each refusal changes nothing), read, edit, delete, the
// Idempotency-Key, threads (context), likes and reposts with their counts
// and notifications, questions and board posts.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, stopServer, api, createUser } from './lib.js';

let srv;
const u = {};

before(async () => {
  srv = await startServer({ settings: { post_max_chars: '100' } });
  for (const n of ['ann', 'ben', 'cat', 'dan', 'eve']) u[n] = createUser(srv, n);
  // ann-ben and ben-cat are connected; dan follows ann; eve knows nobody
  for (const [a, b] of [['ann', 'ben'], ['ben', 'cat']]) {
    for (const [x, y] of [[a, b], [b, a]]) {
      const r = await api(srv, 'POST', `/api/moka/v1/accounts/${u[y].id}/connect`, { token: u[x].token });
      assert.equal(r.status, 200);
    }
  }
  assert.equal((await api(srv, 'POST', `/api/v1/accounts/${u.ann.id}/follow`, { token: u.dan.token })).status, 200);
});
after(async () => { await stopServer(srv); });

const as = (who) => ({ token: u[who].token });
const post = (who, json, headers) => api(srv, 'POST', '/api/v1/statuses', { ...as(who), json, headers });
const get = (who, path) => api(srv, 'GET', path, as(who));
async function create(who, json) {
  const r = await post(who, json);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body;
}
async function wallIds(who) {
  const r = await get(who, `/api/v1/accounts/${u[who].id}/statuses?limit=40`);
  assert.equal(r.status, 200);
  return r.body.map((s) => s.id);
}
async function notifications(who, type) {
  const r = await get(who, '/api/v1/notifications?limit=40');
  assert.equal(r.status, 200);
  return r.body.filter((n) => !type || n.type === type);
}

test('a post is rendered as a Mastodon Status with Moka extras', async () => {
  const s = await create('ann', { status: 'Hello @ben, see #Coffee at https://example.com/x', spoiler_text: 'cw', sensitive: true, language: 'en' });
  assert.match(s.id, /^\d+$/);
  assert.equal(s.visibility, 'public');
  assert.deepEqual(s.moka, { visibility: 'public', question: false, board_owner_id: null });
  assert.equal(s.text, 'Hello @ben, see #Coffee at https://example.com/x');
  assert.match(s.content, /^<p>Hello <span class="h-card"><a href="[^"]*\/@ben" class="u-url mention">@<span>ben<\/span><\/a><\/span>/);
  assert.match(s.content, /<a href="[^"]*\/tags\/coffee" class="mention hashtag" rel="tag">#<span>Coffee<\/span><\/a>/);
  assert.match(s.content, /<a href="https:\/\/example.com\/x" rel="nofollow noopener noreferrer" target="_blank">example.com\/x<\/a>/);
  assert.deepEqual(s.mentions.map((m) => [m.id, m.username, m.acct]), [[u.ben.id, 'ben', 'ben']]);
  assert.deepEqual(s.tags.map((t) => t.name), ['coffee']);
  assert.equal(s.spoiler_text, 'cw');
  assert.equal(s.sensitive, true);
  assert.equal(s.language, 'en');
  assert.equal(s.account.id, u.ann.id);
  assert.equal(s.account.username, 'ann');
  assert.match(s.url, new RegExp(`/@ann/${s.id}$`));
  assert.match(s.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  for (const k of ['in_reply_to_id', 'in_reply_to_account_id', 'edited_at', 'reblog', 'application', 'card', 'poll']) assert.equal(s[k], null, k);
  for (const k of ['media_attachments', 'emojis']) assert.deepEqual(s[k], [], k);
  assert.deepEqual([s.replies_count, s.reblogs_count, s.favourites_count], [0, 0, 0]);
  assert.deepEqual([s.favourited, s.reblogged, s.muted, s.bookmarked, s.pinned], [false, false, false, false, false]);
  // others see the same post without its source text
  const seen = await get('eve', `/api/v1/statuses/${s.id}`);
  assert.equal(seen.status, 200);
  assert.equal(seen.body.content, s.content);
  assert.equal(seen.body.text, null);
});

test('every audience, by Moka and Mastodon names, with the name Mastodon clients know', async () => {
  const cases = [['public', 'public'], ['unlisted', 'unlisted'], ['network', 'private'],
    ['connections', 'private'], ['private', 'private'], ['direct', 'direct']];
  for (const [vis, masto] of cases) {
    const s = await create('ann', { status: `audience ${vis} @ben`, visibility: vis });
    assert.equal(s.visibility, masto, vis);
    assert.equal(s.moka.visibility, vis);
    const again = await get('ann', `/api/v1/statuses/${s.id}`);
    assert.equal(again.body.moka.visibility, vis);
  }
  // urlencoded forms work too, Mastodon-style
  const f = await api(srv, 'POST', '/api/v1/statuses', { ...as('ann'), form: { status: 'from a form', visibility: 'connections', 'moka[question]': 'true' } });
  assert.equal(f.status, 200);
  assert.equal(f.body.moka.visibility, 'connections');
  assert.equal(f.body.moka.question, true);
});

test('bad input is refused with a clear error and creates nothing', async () => {
  const before = await wallIds('ann');
  const bad = [
    [{ visibility: 'public' }, 422, /status: required/],
    [{ status: '   \n ' }, 422, /status: can't be blank/],
    [{ status: 'x'.repeat(101) }, 422, /status: .*100/],
    [{ status: 'é'.repeat(101) }, 422, /status: .*100/],
    [{ status: 'short', spoiler_text: 'y'.repeat(96) }, 422, /spoiler_text/],
    [{ status: 5 }, 422, /status: expected a string/],
    [{ status: 'ok', sensitive: 'maybe' }, 422, /sensitive/],
    [{ status: 'ok', visibility: 'everyone' }, 422, /visibility/],
    [{ status: 'ok', visibility: 3 }, 422, /visibility/],
    [{ status: 'ok', in_reply_to_id: 'abc' }, 422, /in_reply_to_id/],
    [{ status: 'ok', in_reply_to_id: '99999999999' }, 404, /in_reply_to_id: no such status/],
    [{ status: 'ok', language: 'English' }, 422, /language/],
    [{ status: 'ok', media_ids: ['1'] }, 422, /media/],
    [{ status: 'ok', poll: { options: ['a', 'b'], expires_in: 60 } }, 422, /poll/],
    [{ status: 'ok', question: 'yes' }, 422, /question/],
    [{ status: 'ok', moka: { question: 1 } }, 422, /moka.question/],
    [{ status: 'ok', board_id: '424242' }, 404, /board_id/],
    [{ status: 'ok', board_id: u.ben.id, in_reply_to_id: before[0] }, 422, /board_id/],
    [{ status: 'bad \u0007 bell' }, 422, /status/],
  ];
  for (const [json, status, msg] of bad) {
    const r = await post('ann', json);
    assert.equal(r.status, status, JSON.stringify(json));
    assert.match(r.body.error, msg, JSON.stringify(json));
  }
  const malformed = await post('ann', '{"status": "unterminated');
  assert.equal(malformed.status, 400);
  assert.match(malformed.body.error, /malformed JSON/);
  const array = await post('ann', '["status"]');
  assert.equal(array.status, 400);
  const anon = await api(srv, 'POST', '/api/v1/statuses', { json: { status: 'hi' } });
  assert.equal(anon.status, 401);
  assert.deepEqual(await wallIds('ann'), before);
});

test('reading: unknown, malformed and invisible ids are all 404; anonymous is 401', async () => {
  const priv = await create('ann', { status: 'for connections', visibility: 'connections' });
  for (const id of ['abc', '0', '-1', '99999999999999', `${priv.id}x`]) {
    const r = await get('ben', `/api/v1/statuses/${id}`);
    assert.equal(r.status, 404, id);
    assert.equal(r.body.error, 'Record not found');
  }
  const hidden = await get('eve', `/api/v1/statuses/${priv.id}`);
  assert.equal(hidden.status, 404);
  assert.equal(hidden.body.error, 'Record not found');
  assert.equal((await get('ben', `/api/v1/statuses/${priv.id}`)).status, 200);
  assert.equal((await api(srv, 'GET', `/api/v1/statuses/${priv.id}`)).status, 401);
});

test('editing: the author only; others get 403 (if they see it) or 404, and nothing changes', async () => {
  const s = await create('ann', { status: 'first draft #one', visibility: 'connections' });
  const put = (who, json) => api(srv, 'PUT', `/api/v1/statuses/${s.id}`, { ...as(who), json });
  const ben = await put('ben', { status: 'hijacked' });
  assert.equal(ben.status, 403);
  assert.match(ben.body.error, /author/);
  const eve = await put('eve', { status: 'hijacked' });
  assert.equal(eve.status, 404);
  assert.equal(eve.body.error, 'Record not found');
  assert.equal((await put('ann', { status: 'x'.repeat(200) })).status, 422);
  assert.equal((await put('ann', {})).status, 422);
  let now = await get('ann', `/api/v1/statuses/${s.id}`);
  assert.equal(now.body.text, 'first draft #one');
  assert.equal(now.body.edited_at, null);

  const ok = await put('ann', { status: 'second draft with @cat #two', spoiler_text: 'spoiler', sensitive: true });
  assert.equal(ok.status, 200);
  assert.equal(ok.body.text, 'second draft with @cat #two');
  assert.match(ok.body.content, /second draft/);
  assert.match(ok.body.edited_at, /Z$/);
  assert.equal(ok.body.id, s.id);
  assert.equal(ok.body.spoiler_text, 'spoiler');
  assert.equal(ok.body.sensitive, true);
  assert.deepEqual(ok.body.tags.map((t) => t.name), ['two']);
  assert.deepEqual(ok.body.mentions.map((m) => m.username), ['cat']);
  assert.equal(ok.body.moka.visibility, 'connections');
  // cat is now mentioned, so cat sees it (and was told)
  now = await get('cat', `/api/v1/statuses/${s.id}`);
  assert.equal(now.status, 200);
  assert.ok((await notifications('cat', 'mention')).some((n) => n.status.id === s.id));
  // the tag streams follow the edit
  const one = await get('ann', '/api/v1/timelines/tag/one');
  assert.ok(!one.body.some((x) => x.id === s.id));
  const two = await get('ann', '/api/v1/timelines/tag/two');
  assert.ok(two.body.some((x) => x.id === s.id));
});

test('deleting: others cannot; the author gets the status back with its text, then it is gone everywhere', async () => {
  const s = await create('ann', { status: 'short-lived #gone', visibility: 'public' });
  const del = (who) => api(srv, 'DELETE', `/api/v1/statuses/${s.id}`, as(who));
  const ben = await del('ben');
  assert.equal(ben.status, 403);
  assert.equal((await get('ben', `/api/v1/statuses/${s.id}`)).status, 200);
  const ok = await del('ann');
  assert.equal(ok.status, 200);
  assert.equal(ok.body.id, s.id);
  assert.equal(ok.body.text, 'short-lived #gone');
  for (const who of ['ann', 'ben', 'eve']) assert.equal((await get(who, `/api/v1/statuses/${s.id}`)).status, 404);
  assert.equal((await del('ann')).status, 404);
  for (const path of ['/api/v1/timelines/home', '/api/v1/timelines/public', '/api/v1/timelines/tag/gone', `/api/v1/accounts/${u.ann.id}/statuses`]) {
    const r = await get('ben', path);
    assert.equal(r.status, 200);
    assert.ok(!r.body.some((x) => x.id === s.id), path);
  }
});

test('an Idempotency-Key returns the same post for the same user, not a duplicate', async () => {
  const key = { 'Idempotency-Key': 'retry-123' };
  const a = await post('ben', { status: 'once only' }, key);
  const b = await post('ben', { status: 'once only' }, key);
  assert.equal(a.status, 200);
  assert.equal(b.status, 200);
  assert.equal(a.body.id, b.body.id);
  const other = await post('cat', { status: 'once only' }, key);
  assert.notEqual(other.body.id, a.body.id);
  const fresh = await post('ben', { status: 'once only' }, { 'Idempotency-Key': 'retry-124' });
  assert.notEqual(fresh.body.id, a.body.id);
  const wall = await get('ben', `/api/v1/accounts/${u.ben.id}/statuses`);
  assert.equal(wall.body.filter((s) => s.content === '<p>once only</p>').length, 2);
});

test('threads: replies, context in order, reply counts, and the parent author told', async () => {
  const root = await create('ann', { status: 'root' });
  const r1 = await create('ben', { status: 'first answer', in_reply_to_id: root.id });
  const r2 = await create('cat', { status: 'second answer', in_reply_to_id: root.id });
  const r11 = await create('ann', { status: 'answer to the first', in_reply_to_id: r1.id });
  assert.equal(r1.in_reply_to_id, root.id);
  assert.equal(r1.in_reply_to_account_id, u.ann.id);
  assert.equal(r11.in_reply_to_account_id, u.ben.id);
  const ctx = await get('eve', `/api/v1/statuses/${r1.id}/context`);
  assert.equal(ctx.status, 200);
  assert.deepEqual(ctx.body.ancestors.map((s) => s.id), [root.id]);
  assert.deepEqual(ctx.body.descendants.map((s) => s.id), [r11.id]);
  const top = await get('eve', `/api/v1/statuses/${root.id}/context`);
  assert.deepEqual(top.body.ancestors, []);
  assert.deepEqual(top.body.descendants.map((s) => s.id), [r1.id, r11.id, r2.id]);
  assert.equal((await get('eve', `/api/v1/statuses/${root.id}`)).body.replies_count, 2);
  assert.ok((await notifications('ann', 'mention')).some((n) => n.status.id === r1.id));
  assert.equal((await get('eve', '/api/v1/statuses/123/context')).status, 404);
  // a reply to a repost answers the original
  const rb = await api(srv, 'POST', `/api/v1/statuses/${root.id}/reblog`, as('dan'));
  const viaRepost = await create('eve', { status: 'via the repost', in_reply_to_id: rb.body.id });
  assert.equal(viaRepost.in_reply_to_id, root.id);
});

test('likes: counts, flags, favourited_by, idempotent, the author told; only on visible posts', async () => {
  const s = await create('ann', { status: 'like me' });
  const fav = (who, what = 'favourite', id = s.id) => api(srv, 'POST', `/api/v1/statuses/${id}/${what}`, as(who));
  let r = await fav('ben');
  assert.equal(r.status, 200);
  assert.equal(r.body.favourited, true);
  assert.equal(r.body.favourites_count, 1);
  r = await fav('ben');
  assert.equal(r.body.favourites_count, 1);
  r = await fav('eve');
  assert.equal(r.body.favourites_count, 2);
  const seen = await get('cat', `/api/v1/statuses/${s.id}`);
  assert.equal(seen.body.favourites_count, 2);
  assert.equal(seen.body.favourited, false);
  const by = await get('cat', `/api/v1/statuses/${s.id}/favourited_by`);
  assert.equal(by.status, 200);
  assert.deepEqual(by.body.map((a) => a.username).sort(), ['ben', 'eve']);
  assert.ok((await notifications('ann', 'favourite')).some((n) => n.status.id === s.id && n.account.id === u.ben.id));
  r = await fav('ben', 'unfavourite');
  assert.equal(r.body.favourited, false);
  assert.equal(r.body.favourites_count, 1);
  const hidden = await create('ann', { status: 'connections only', visibility: 'connections' });
  assert.equal((await fav('eve', 'favourite', hidden.id)).status, 404);
  assert.equal((await get('eve', `/api/v1/statuses/${hidden.id}/favourited_by`)).status, 404);
  assert.equal((await fav('eve', 'favourite', '777')).status, 404);
});

test('reposts: public posts only, counted, shown wrapped, undone; reposts of a deleted post go', async () => {
  const s = await create('ann', { status: 'worth sharing' });
  const rb = await api(srv, 'POST', `/api/v1/statuses/${s.id}/reblog`, as('eve'));
  assert.equal(rb.status, 200);
  assert.notEqual(rb.body.id, s.id);
  assert.equal(rb.body.reblog.id, s.id);
  assert.equal(rb.body.account.id, u.eve.id);
  assert.equal(rb.body.content, '');
  assert.equal(rb.body.reblog.reblogs_count, 1);
  assert.equal(rb.body.reblog.reblogged, true);
  const again = await api(srv, 'POST', `/api/v1/statuses/${s.id}/reblog`, as('eve'));
  assert.equal(again.body.id, rb.body.id);
  const by = await get('ben', `/api/v1/statuses/${s.id}/reblogged_by`);
  assert.deepEqual(by.body.map((a) => a.username), ['eve']);
  assert.ok((await notifications('ann', 'reblog')).some((n) => n.status.id === s.id));
  const wall = await get('ben', `/api/v1/accounts/${u.eve.id}/statuses`);
  assert.equal(wall.body[0].id, rb.body.id);
  // connections-only posts cannot be reposted, even by a connection
  const c = await create('ann', { status: 'inner circle', visibility: 'connections' });
  const no = await api(srv, 'POST', `/api/v1/statuses/${c.id}/reblog`, as('ben'));
  assert.equal(no.status, 403);
  assert.match(no.body.error, /public/);
  // undo
  const un = await api(srv, 'POST', `/api/v1/statuses/${s.id}/unreblog`, as('eve'));
  assert.equal(un.status, 200);
  assert.equal(un.body.id, s.id);
  assert.equal(un.body.reblogged, false);
  assert.equal(un.body.reblogs_count, 0);
  assert.equal((await get('ben', `/api/v1/statuses/${rb.body.id}`)).status, 404);
  // a repost disappears with its original
  const rb2 = await api(srv, 'POST', `/api/v1/statuses/${s.id}/reblog`, as('dan'));
  assert.equal((await api(srv, 'DELETE', `/api/v1/statuses/${s.id}`, as('ann'))).status, 200);
  assert.equal((await get('dan', `/api/v1/statuses/${rb2.body.id}`)).status, 404);
});

test('questions and board posts: flags, the board owner told, on the owner wall', async () => {
  const q = await create('ann', { status: 'Who knows Kubernetes?', question: true, visibility: 'network' });
  assert.equal(q.moka.question, true);
  const q2 = await create('ann', { status: 'And Rust?', moka: { question: true } });
  assert.equal(q2.moka.question, true);
  const b = await create('eve', { status: 'Congrats on the launch!', board_id: u.ben.id, visibility: 'connections' });
  assert.equal(b.moka.board_owner_id, u.ben.id);
  // eve has no connections: the board owner still sees the post
  const seen = await get('ben', `/api/v1/statuses/${b.id}`);
  assert.equal(seen.status, 200);
  assert.equal((await get('ann', `/api/v1/statuses/${b.id}`)).status, 404);
  assert.ok((await notifications('ben', 'moka.board_post')).some((n) => n.status.id === b.id));
  const wall = await get('ben', `/api/v1/accounts/${u.ben.id}/statuses`);
  assert.equal(wall.body[0].id, b.id);
  const home = await get('ben', '/api/v1/timelines/home');
  assert.ok(home.body.some((s) => s.id === b.id));
  // a board post on one's own board is an ordinary post
  const self = await create('ben', { status: 'my own board', board_id: u.ben.id });
  assert.equal(self.moka.board_owner_id, null);
});

test('mention notifications go only to the mentioned who may see the post', async () => {
  const parent = await create('ann', { status: 'connections thread', visibility: 'connections' });
  // ben replies publicly and mentions eve, who cannot see ann's connections post
  const reply = await create('ben', { status: 'cc @eve @cat', in_reply_to_id: parent.id });
  assert.equal((await get('eve', `/api/v1/statuses/${reply.id}`)).status, 404);
  assert.ok(!(await notifications('eve')).some((n) => n.status && n.status.id === reply.id));
  assert.ok(!(await notifications('cat')).some((n) => n.status && n.status.id === reply.id));
  const direct = await create('ben', { status: 'psst @eve', visibility: 'direct' });
  assert.equal((await get('eve', `/api/v1/statuses/${direct.id}`)).status, 200);
  assert.equal((await get('ann', `/api/v1/statuses/${direct.id}`)).status, 404);
  assert.ok((await notifications('eve', 'mention')).some((n) => n.status.id === direct.id));
});

test('reply counts follow new and deleted replies of a narrower audience (the cached reply list)', async () => {
  const parent = await create('ann', { status: 'who has the Q3 figures?', visibility: 'public' });
  const count = async (who) => {
    const r = await get(who, `/api/v1/statuses/${parent.id}`);
    assert.equal(r.status, 200);
    return r.body.replies_count;
  };
  const inHome = async (who) => {
    const r = await get(who, '/api/v1/timelines/home?limit=40');
    assert.equal(r.status, 200);
    return r.body.find((s) => s.id === parent.id)?.replies_count;
  };
  // ben's replies for his connections only (ann, cat): a narrower audience
  const r1 = await create('ben', { status: 'I do', visibility: 'connections', in_reply_to_id: parent.id });
  assert.deepEqual([await count('ann'), await count('cat'), await count('dan'), await count('eve')], [1, 1, 0, 0]);
  assert.equal(await inHome('ann'), 1);
  // a second one after the list was read (and cached): counted at once
  const r2 = await create('ben', { status: 'sent them', visibility: 'connections', in_reply_to_id: parent.id });
  assert.deepEqual([await count('ann'), await count('cat'), await count('dan'), await count('eve')], [2, 2, 0, 0]);
  assert.equal(await inHome('ann'), 2);
  assert.equal(await inHome('dan'), 0);
  // deleted: no longer counted
  assert.equal((await api(srv, 'DELETE', `/api/v1/statuses/${r2.id}`, as('ben'))).status, 200);
  assert.deepEqual([await count('ann'), await count('cat'), await count('dan')], [1, 1, 0]);
  assert.equal(await inHome('ann'), 1);
  assert.equal((await api(srv, 'DELETE', `/api/v1/statuses/${r1.id}`, as('ben'))).status, 200);
  assert.deepEqual([await count('ann'), await count('cat')], [0, 0]);
});

test("a Status's Account shows its author's present counts, from the cache or not", async () => {
  const fay = createUser(srv, 'fay'), gus = createUser(srv, 'gus'), hal = createUser(srv, 'hal');
  const by = (x) => ({ token: x.token });
  const ok = async (r) => { assert.equal((await r).status, 200); };
  const s = await api(srv, 'POST', '/api/v1/statuses', { ...by(fay), json: { status: 'counting', visibility: 'public' } });
  assert.equal(s.status, 200);
  // each read twice: the second comes from the cache of rendered Accounts
  async function counts(want) {
    for (let i = 0; i < 2; i++) {
      const r = await api(srv, 'GET', `/api/v1/statuses/${s.body.id}`, by(gus));
      assert.equal(r.status, 200);
      const a = r.body.account;
      assert.deepEqual([a.followers_count, a.following_count, a.statuses_count, a.moka.connections_count], want);
      const plain = (await api(srv, 'GET', `/api/v1/accounts/${fay.id}`, by(gus))).body;
      assert.equal(a.last_status_at, plain.last_status_at);
    }
  }
  await counts([0, 0, 1, 0]);
  await ok(api(srv, 'POST', `/api/v1/accounts/${fay.id}/follow`, by(gus)));
  await counts([1, 0, 1, 0]);
  await ok(api(srv, 'POST', `/api/v1/accounts/${hal.id}/follow`, by(fay)));
  await counts([1, 1, 1, 0]);
  await ok(api(srv, 'POST', `/api/moka/v1/accounts/${hal.id}/connect`, by(fay)));
  await ok(api(srv, 'POST', `/api/moka/v1/accounts/${fay.id}/connect`, by(hal)));
  await counts([1, 1, 1, 1]);
  const t = await api(srv, 'POST', '/api/v1/statuses', { ...by(fay), json: { status: 'and one more' } });
  assert.equal(t.status, 200);
  await counts([1, 1, 2, 1]);
  await ok(api(srv, 'DELETE', `/api/v1/statuses/${t.body.id}`, by(fay)));
  await counts([1, 1, 1, 1]);
  await ok(api(srv, 'POST', `/api/v1/accounts/${fay.id}/unfollow`, by(gus)));
  await ok(api(srv, 'POST', `/api/moka/v1/accounts/${hal.id}/disconnect`, by(fay)));
  await counts([0, 1, 1, 0]);
});
