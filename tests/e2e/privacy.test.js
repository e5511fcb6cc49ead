// The privacy matrix: who sees what. People — the author, a connection
// (1st degree), a colleague of a colleague (2nd), a 3rd-degree colleague,
// someone mentioned, an unrelated follower, a deactivated user's token,
// and anonymous — against posts of every audience, through every read
// path: the single post, the context of a reply, home, the company stream,
// the hashtag stream, the wall, mentions, favourited_by, reply counts,
// notifications; and again after a disconnect.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, stopServer, api, createUser, moka } from './lib.js';

let srv;
const u = {};
const AUDIENCES = ['public', 'unlisted', 'network', 'connections', 'private', 'direct'];
const VIEWERS = ['author', 'conn', 'second', 'third', 'mentioned', 'follower'];
// Who may see a post of each audience, written out by hand.
const SEES = {
  author: ['public', 'unlisted', 'network', 'connections', 'private', 'direct'],
  conn: ['public', 'unlisted', 'network', 'connections', 'private'],
  second: ['public', 'unlisted', 'network'],
  third: ['public', 'unlisted'],
  mentioned: ['public', 'unlisted', 'network', 'connections', 'private', 'direct'],
  follower: ['public', 'unlisted', 'private'],
};
const P = {}; // audience -> the author's post (mentioning @mentioned, tagged #privacymatrix)
const R = {}; // audience -> the author's public reply to P[audience]
let counted; // a public post with one reply of each audience
let connReply; // conn's public reply inside the author's connections-only thread

const as = (who) => ({ token: u[who].token });
const get = (who, path) => api(srv, 'GET', path, who ? as(who) : {});
async function post(who, json) {
  const r = await api(srv, 'POST', '/api/v1/statuses', { ...as(who), json });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body;
}
async function connect(a, b) {
  for (const [x, y] of [[a, b], [b, a]]) {
    const r = await api(srv, 'POST', `/api/moka/v1/accounts/${u[y].id}/connect`, as(x));
    assert.equal(r.status, 200, JSON.stringify(r.body));
  }
}
// Every id of a stream, following rel="next".
async function stream(who, path) {
  const out = [];
  let next = `${path}${path.includes('?') ? '&' : '?'}limit=40`;
  for (let i = 0; next && i < 20; i++) {
    const r = await get(who, next);
    assert.equal(r.status, 200, `${path} for ${who}`);
    out.push(...r.body.map((s) => s.id));
    const m = /<([^>]+)>; rel="next"/.exec(r.headers.get('link') || '');
    next = r.body.length && m ? new URL(m[1]).pathname + new URL(m[1]).search : null;
  }
  return out;
}
const visibleTo = (who) => AUDIENCES.filter((a) => SEES[who].includes(a));
const postsIn = (list, set) => AUDIENCES.filter((a) => list.includes(set[a].id));

before(async () => {
  srv = await startServer();
  for (const n of ['author', 'conn', 'second', 'third', 'mentioned', 'follower', 'deact']) u[n] = createUser(srv, n);
  await connect('author', 'conn');
  await connect('conn', 'second');
  await connect('second', 'third');
  await connect('author', 'deact');
  assert.equal((await api(srv, 'POST', `/api/v1/accounts/${u.author.id}/follow`, as('follower'))).status, 200);
  for (const a of AUDIENCES) P[a] = await post('author', { status: `matrix ${a} @mentioned #privacymatrix`, visibility: a });
  for (const a of AUDIENCES) R[a] = await post('author', { status: `reply under ${a}`, in_reply_to_id: P[a].id });
  counted = await post('author', { status: 'count my replies' });
  for (const a of AUDIENCES) await post('author', { status: `a ${a} reply`, visibility: a, in_reply_to_id: counted.id });
  for (const a of AUDIENCES) {
    assert.equal((await api(srv, 'POST', `/api/v1/statuses/${P[a].id}/favourite`, as('author'))).status, 200);
  }
  moka(srv, ['user', 'deactivate', 'deact']);
});
after(async () => { await stopServer(srv); });

test('the matrix itself: the distances are what the people are named for', async () => {
  const r = await get('author', `/api/v1/accounts/relationships?${['conn', 'second', 'third', 'mentioned', 'follower'].map((n) => `id[]=${u[n].id}`).join('&')}`);
  assert.equal(r.status, 200);
  assert.deepEqual(r.body.map((x) => x.moka.distance), [1, 2, 3, 3, 3]);
  assert.deepEqual(r.body.map((x) => x.followed_by), [false, false, false, false, true]);
});

test('single post: exactly the audience gets 200, everyone else the same 404 as a missing post', async () => {
  for (const who of VIEWERS) {
    for (const a of AUDIENCES) {
      const r = await get(who, `/api/v1/statuses/${P[a].id}`);
      if (SEES[who].includes(a)) {
        assert.equal(r.status, 200, `${who} should see ${a}`);
        assert.equal(r.body.id, P[a].id);
      } else {
        assert.equal(r.status, 404, `${who} must not see ${a}`);
        assert.deepEqual(r.body, { error: 'Record not found' });
      }
    }
  }
});

test('context of a reply: the reply and its thread follow the parent\'s audience', async () => {
  for (const who of VIEWERS) {
    for (const a of AUDIENCES) {
      const sees = SEES[who].includes(a);
      const reply = await get(who, `/api/v1/statuses/${R[a].id}`);
      assert.equal(reply.status, sees ? 200 : 404, `${who}: public reply under ${a}`);
      const ctx = await get(who, `/api/v1/statuses/${R[a].id}/context`);
      assert.equal(ctx.status, sees ? 200 : 404, `${who}: context under ${a}`);
      if (sees) assert.deepEqual(ctx.body.ancestors.map((s) => s.id), [P[a].id]);
      const top = await get(who, `/api/v1/statuses/${P[a].id}/context`);
      assert.equal(top.status, sees ? 200 : 404);
      if (sees) assert.deepEqual(top.body.descendants.map((s) => s.id), [R[a].id]);
    }
  }
});

test('home: the author\'s posts reach the connection and the follower, within the audience', async () => {
  for (const who of VIEWERS) {
    const home = await stream(who, '/api/v1/timelines/home');
    const inHome = ['author', 'conn', 'follower'].includes(who) ? visibleTo(who) : [];
    assert.deepEqual(postsIn(home, P), inHome, `${who} home`);
    assert.deepEqual(postsIn(home, R), inHome, `${who} home replies`);
  }
});

test('company stream: public posts for everyone signed in; threads only where the parent is visible', async () => {
  for (const who of VIEWERS) {
    const list = await stream(who, '/api/v1/timelines/public');
    assert.deepEqual(postsIn(list, P), ['public'], who);
    assert.deepEqual(postsIn(list, R), visibleTo(who), `${who}: self-replies under each audience`);
  }
});

test('hashtag stream: what the viewer may see, unlisted left out', async () => {
  for (const who of VIEWERS) {
    const list = await stream(who, '/api/v1/timelines/tag/privacymatrix');
    assert.deepEqual(postsIn(list, P), visibleTo(who).filter((a) => a !== 'unlisted'), who);
  }
});

test('wall: the author\'s wall shows each viewer their part', async () => {
  for (const who of VIEWERS) {
    const list = await stream(who, `/api/v1/accounts/${u.author.id}/statuses`);
    assert.deepEqual(postsIn(list, P), visibleTo(who), who);
    assert.deepEqual(postsIn(list, R), visibleTo(who), `${who} replies`);
  }
});

test('mentions: the mentioned person sees every post that names them; nobody else does', async () => {
  for (const who of VIEWERS) {
    const list = await stream(who, '/api/moka/v1/timelines/mentions');
    assert.deepEqual(postsIn(list, P), who === 'mentioned' ? AUDIENCES : [], who);
  }
});

test('favourited_by: answers only to the audience', async () => {
  for (const who of VIEWERS) {
    for (const a of AUDIENCES) {
      const r = await get(who, `/api/v1/statuses/${P[a].id}/favourited_by`);
      if (SEES[who].includes(a)) {
        assert.equal(r.status, 200);
        assert.deepEqual(r.body.map((x) => x.id), [u.author.id]);
      } else {
        assert.equal(r.status, 404, `${who} ${a}`);
      }
    }
  }
});

test('reply counts count only the replies the viewer may see', async () => {
  for (const who of VIEWERS) {
    // the replies mention nobody: the mentioned person is a stranger to them
    const want = { author: 6, conn: 5, second: 3, third: 2, mentioned: 2, follower: 3 }[who];
    const r = await get(who, `/api/v1/statuses/${counted.id}`);
    assert.equal(r.status, 200);
    assert.equal(r.body.replies_count, want, who);
    const ctx = await get(who, `/api/v1/statuses/${counted.id}/context`);
    assert.equal(ctx.body.descendants.length, want, `${who} descendants`);
  }
});

test('notifications: mentions only where the post is visible to the person mentioned', async () => {
  const mine = (await get('mentioned', '/api/v1/notifications?limit=40')).body;
  assert.deepEqual(AUDIENCES.filter((a) => mine.some((n) => n.type === 'mention' && n.status.id === P[a].id)), AUDIENCES);
  // conn answers inside the author's connections-only thread and names third, who may not see it
  const reply = await post('conn', { status: 'what do you think @third', in_reply_to_id: P.connections.id });
  connReply = reply;
  assert.equal((await get('third', `/api/v1/statuses/${reply.id}`)).status, 404);
  const theirs = (await get('third', '/api/v1/notifications?limit=40')).body;
  assert.ok(!theirs.some((n) => n.status && [reply.id, P.connections.id].includes(n.status.id)));
  // the author is told of the reply (they see it)
  const author = (await get('author', '/api/v1/notifications?limit=40')).body;
  assert.ok(author.some((n) => n.type === 'mention' && n.status.id === reply.id));
});

test('a deactivated user\'s token and anonymous requests see nothing at all', async () => {
  const paths = [`/api/v1/statuses/${P.public.id}`, `/api/v1/statuses/${R.public.id}/context`,
    '/api/v1/timelines/home', '/api/v1/timelines/public', '/api/v1/timelines/tag/privacymatrix',
    `/api/v1/accounts/${u.author.id}/statuses`, '/api/moka/v1/timelines/mentions',
    `/api/v1/statuses/${P.public.id}/favourited_by`, `/api/v1/statuses/${P.public.id}/reblogged_by`];
  for (const path of paths) {
    const d = await get('deact', path);
    assert.equal(d.status, 401, `deactivated: ${path}`);
    assert.equal(typeof d.body.error, 'string');
    const anon = await get(null, path);
    assert.equal(anon.status, 401, `anonymous: ${path}`);
  }
  const w = await api(srv, 'POST', `/api/v1/statuses/${P.public.id}/favourite`, as('deact'));
  assert.equal(w.status, 401);
});

test('after a disconnect the audience shrinks at once, on every path', async () => {
  const r = await api(srv, 'POST', `/api/moka/v1/accounts/${u.conn.id}/disconnect`, as('author'));
  assert.equal(r.status, 200);
  // conn is now a stranger to the author; second is 3rd degree
  const now = { conn: ['public', 'unlisted'], second: ['public', 'unlisted'] };
  for (const who of ['conn', 'second']) {
    for (const a of AUDIENCES) {
      const s = await get(who, `/api/v1/statuses/${P[a].id}`);
      assert.equal(s.status, now[who].includes(a) ? 200 : 404, `${who} ${a}`);
    }
    const wall = await stream(who, `/api/v1/accounts/${u.author.id}/statuses`);
    assert.deepEqual(postsIn(wall, P), now[who]);
    const tag = await stream(who, '/api/v1/timelines/tag/privacymatrix');
    assert.deepEqual(postsIn(tag, P), ['public']);
  }
  assert.deepEqual(postsIn(await stream('conn', '/api/v1/timelines/home'), P), []);
  // conn still sees the reply conn wrote in that thread (nothing else of it); the author too
  const own = await get('conn', `/api/v1/statuses/${connReply.id}/context`);
  assert.equal(own.status, 200);
  assert.deepEqual(own.body.ancestors, []);
  assert.equal((await get('author', `/api/v1/statuses/${connReply.id}`)).status, 200);
  assert.equal((await get('second', `/api/v1/statuses/${connReply.id}`)).status, 404);
  const count = await get('conn', `/api/v1/statuses/${counted.id}`);
  assert.equal(count.body.replies_count, 2);
});

// Communities: the owner, a member, and an outsider who is as close as can
// be (connected to the owner, following them, mentioned in every post)
// against posts of public, moderated and restricted (listed) communities.
const TYPES = ['public', 'moderated', 'restricted'];
const CSEES = { cowner: TYPES, cmember: TYPES, cout: ['public', 'moderated'] };
const CP = {}; // type -> the owner's community post
const CR = {}; // type -> the member's reply to it
const CID = {};
const inC = (list, set) => TYPES.filter((t) => list.includes(set[t].id));

test('communities: set-up (owner, member, close outsider; one post and one reply per type)', async () => {
  for (const n of ['cowner', 'cmember', 'cout']) u[n] = createUser(srv, n);
  await connect('cowner', 'cout');
  assert.equal((await api(srv, 'POST', `/api/v1/accounts/${u.cowner.id}/follow`, as('cout'))).status, 200);
  for (const t of TYPES) {
    const c = await api(srv, 'POST', '/api/moka/v1/communities', { ...as('cowner'), json: { name: `matrix ${t}`, type: t, listed: true } });
    assert.equal(c.status, 200);
    CID[t] = c.body.id;
    await api(srv, 'POST', `/api/moka/v1/communities/${CID[t]}/invite`, { ...as('cowner'), json: { account_id: u.cmember.id } });
    const acc = await api(srv, 'POST', `/api/moka/v1/communities/${CID[t]}/invitation/accept`, as('cmember'));
    assert.equal(acc.body.role, 'member');
    CP[t] = await post('cowner', { status: `community ${t} @cout #communitymatrix`, visibility: 'community', community_id: CID[t] });
    CR[t] = await post('cmember', { status: `reply in ${t} @cout`, in_reply_to_id: CP[t].id });
    assert.equal((await api(srv, 'POST', `/api/v1/statuses/${CP[t].id}/favourite`, as('cmember'))).status, 200);
  }
});

async function communityRows(sees) {
  for (const who of Object.keys(sees)) {
    const vis = sees[who];
    for (const t of TYPES) {
      const ok = vis.includes(t);
      for (const path of [`/api/v1/statuses/${CP[t].id}`, `/api/v1/statuses/${CR[t].id}`,
        `/api/v1/statuses/${CP[t].id}/context`, `/api/v1/statuses/${CP[t].id}/favourited_by`,
        `/api/moka/v1/communities/${CID[t]}/timeline`, `/api/moka/v1/communities/${CID[t]}/members`]) {
        const r = await get(who, path);
        assert.equal(r.status, ok ? 200 : 404, `${who} ${t} ${path}`);
      }
      if (ok) assert.equal((await get(who, `/api/v1/statuses/${CP[t].id}`)).body.replies_count, 1, `${who} ${t} count`);
    }
    assert.deepEqual(inC(await stream(who, '/api/v1/timelines/home'), CP), vis, `${who} home`);
    assert.deepEqual(inC(await stream(who, '/api/v1/timelines/tag/communitymatrix'), CP), vis, `${who} tag`);
    assert.deepEqual(inC(await stream(who, `/api/v1/accounts/${u.cowner.id}/statuses`), CP), vis, `${who} wall`);
    assert.deepEqual(inC(await stream(who, `/api/v1/accounts/${u.cmember.id}/statuses`), CR), vis, `${who} member's wall`);
    assert.deepEqual(inC(await stream(who, '/api/v1/timelines/public'), CP), [], `${who} company stream`);
    const notes = (await get(who, '/api/v1/notifications?limit=80')).body;
    const ids = JSON.stringify(notes);
    for (const t of TYPES) if (!vis.includes(t)) assert.ok(!ids.includes(CP[t].id) && !ids.includes(CR[t].id), `${who} notifications ${t}`);
    const unread = (await get(who, '/api/v1/notifications/unread_count?limit=1000')).body.count;
    assert.equal(unread, notes.length, `${who} unread count`);
  }
}

test('communities: every read path follows the community type and membership', async () => {
  await communityRows(CSEES);
  // the outsider is mentioned in every post but told only of what they may read
  const notes = (await get('cout', '/api/v1/notifications?limit=80')).body;
  assert.deepEqual(TYPES.filter((t) => notes.some((n) => n.type === 'mention' && n.status.id === CP[t].id)), ['public', 'moderated']);
  assert.equal((await get('cout', `/api/moka/v1/communities/${CID.restricted}`)).body.limited, true);
});

test('communities: a member removed from a restricted community loses it at once, everywhere', async () => {
  const r = await api(srv, 'DELETE', `/api/moka/v1/communities/${CID.restricted}/members/${u.cmember.id}`, as('cowner'));
  assert.equal(r.status, 200);
  // their own reply stays theirs; everything else of the community goes
  assert.equal((await get('cmember', `/api/v1/statuses/${CR.restricted.id}`)).status, 200);
  for (const path of [`/api/v1/statuses/${CP.restricted.id}`, `/api/v1/statuses/${CP.restricted.id}/context`,
    `/api/moka/v1/communities/${CID.restricted}/timeline`]) {
    assert.equal((await get('cmember', path)).status, 404, path);
  }
  assert.deepEqual(inC(await stream('cmember', '/api/v1/timelines/home'), CP), ['public', 'moderated']);
  assert.deepEqual(inC(await stream('cmember', '/api/v1/timelines/tag/communitymatrix'), CP), ['public', 'moderated']);
  assert.deepEqual(inC(await stream('cmember', `/api/v1/accounts/${u.cowner.id}/statuses`), CP), ['public', 'moderated']);
  const notes = JSON.stringify((await get('cmember', '/api/v1/notifications?limit=80')).body);
  assert.ok(!notes.includes(CP.restricted.id));
});
