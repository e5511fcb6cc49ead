// Communities: create, browse, join/request/invite, roles, last owner,
// the community stream, pins, topics, notifications, and privacy of
// restricted communities (including live streams after leaving).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, stopServer, api, createUser, MOKA, openStream } from './lib.js';

let srv, owner, ann, bob, carl, dora;
const C = '/api/moka/v1/communities';
const open = [];
const req = (u, method, path, json) => api(srv, method, path, { token: u.token, json });
const post = (u, path, json = {}) => req(u, 'POST', path, json);
const get = (u, path) => req(u, 'GET', path);

async function community(u, fields) {
  const r = await post(u, C, fields);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body;
}
async function say(u, cid, text, extra = {}) {
  const r = await post(u, '/api/v1/statuses', { status: text, visibility: 'community', community_id: cid, ...extra });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body;
}

async function stream(path, token) {
  const s = await openStream(srv, path, token);
  open.push(s);
  return s;
}
async function until(s, pred, what, ms = 8000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (pred(s)) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.fail(`${what}: got ${JSON.stringify(s.messages)}`);
}
const updates = (s) => s.messages.filter((m) => m.event === 'update').map((m) => m.data);

before(async () => {
  srv = await startServer();
  owner = createUser(srv, 'olga');
  ann = createUser(srv, 'ann');
  bob = createUser(srv, 'bob');
  carl = createUser(srv, 'carl');
  dora = createUser(srv, 'dora');
});
after(async () => {
  for (const s of open) s.close();
  await stopServer(srv);
});

test('create: the creator is the owner; bad input is 422 and changes nothing', async () => {
  const c = await community(owner, { name: '  Rust guild ', description: 'All things Rust', tags: ['Rust', 'Systems Programming', 'rust'], type: 'public' });
  assert.equal(c.name, 'Rust guild');
  assert.deepEqual(c.tags, ['rust', 'systems-programming']);
  assert.equal(c.type, 'public');
  assert.equal(c.role, 'owner');
  assert.equal(c.members_count, 1);
  assert.equal(c.owners_count, 1);
  for (const [body, field] of [[{}, 'name'], [{ name: '' }, 'name'], [{ name: 'x', type: 'secret' }, 'type'],
    [{ name: 'x', tags: ['no!'] }, 'tags'], [{ name: 'x'.repeat(201) }, 'name'], [{ name: 'a\nb' }, 'name']]) {
    const r = await post(owner, C, body);
    assert.equal(r.status, 422, JSON.stringify(body));
    assert.match(r.body.error, new RegExp(field));
  }
  const mine = await get(owner, `${C}/mine`);
  assert.deepEqual(mine.body.map((x) => x.id), [c.id]);
  assert.equal((await api(srv, 'GET', `${C}/${c.id}`)).status, 401);
});

test('public: anyone joins at once, reads and posts; members leave', async () => {
  const c = await community(owner, { name: 'Open house', type: 'public' });
  const j = await post(ann, `${C}/${c.id}/join`);
  assert.equal(j.status, 200);
  assert.equal(j.body.role, 'member');
  assert.equal(j.body.members_count, 2);
  const p = await say(ann, c.id, 'hello open house');
  assert.equal(p.moka.visibility, 'community');
  assert.equal(p.moka.community_id, c.id);
  // a non-member reads a public community's stream, but may not post
  const tl = await get(bob, `${C}/${c.id}/timeline`);
  assert.deepEqual(tl.body.map((s) => s.id), [p.id]);
  const refused = await post(bob, '/api/v1/statuses', { status: 'me too', visibility: 'community', community_id: c.id });
  assert.equal(refused.status, 403);
  assert.equal((await post(bob, '/api/v1/statuses', { status: 'x', in_reply_to_id: p.id })).status, 403);
  // replies in the thread belong to the community
  const r = await say(owner, c.id, 'welcome', { in_reply_to_id: p.id, visibility: 'public', community_id: undefined });
  assert.equal(r.moka.community_id, c.id);
  // members' home streams carry community posts
  const home = await get(owner, '/api/v1/timelines/home');
  assert.ok(home.body.some((s) => s.id === p.id));
  const members = await get(bob, `${C}/${c.id}/members`);
  assert.deepEqual(members.body.map((m) => [m.account.username, m.role]), [['ann', 'member'], ['olga', 'owner']]);
  assert.equal((await post(ann, `${C}/${c.id}/leave`)).body.role, null);
  assert.equal((await get(ann, `${C}/${c.id}`)).body.members_count, 1);
});

test('community posts need community_id and the right visibility', async () => {
  const c = await community(owner, { name: 'Checks' });
  let r = await post(owner, '/api/v1/statuses', { status: 'x', visibility: 'community' });
  assert.equal(r.status, 422);
  r = await post(owner, '/api/v1/statuses', { status: 'x', community_id: c.id });
  assert.equal(r.status, 422);
  r = await post(owner, '/api/v1/statuses', { status: 'x', visibility: 'community', community_id: '999999' });
  assert.equal(r.status, 404);
});

test('moderated: joining is a request owners approve or refuse', async () => {
  const c = await community(owner, { name: 'Architecture board', type: 'moderated' });
  const j = await post(ann, `${C}/${c.id}/join`);
  assert.equal(j.body.membership, 'requested');
  assert.equal(j.body.role, null);
  await post(bob, `${C}/${c.id}/join`);
  const notes = await get(owner, '/api/v1/notifications');
  const reqs = notes.body.filter((n) => n.type === 'moka.community_request' && n.moka.community_id === c.id);
  assert.deepEqual(reqs.map((n) => n.account.username).sort(), ['ann', 'bob']);
  assert.equal(reqs[0].moka.community.name, 'Architecture board');
  assert.equal((await get(ann, `${C}/${c.id}/requests`)).status, 403);
  const list = await get(owner, `${C}/${c.id}/requests`);
  assert.deepEqual(list.body.map((a) => a.username).sort(), ['ann', 'bob']);
  assert.equal((await post(ann, `${C}/${c.id}/requests/${bob.id}/approve`)).status, 403);
  const ok = await post(owner, `${C}/${c.id}/requests/${ann.id}/approve`);
  assert.equal(ok.status, 200);
  assert.equal(ok.body.members_count, 2);
  assert.equal((await post(owner, `${C}/${c.id}/requests/${bob.id}/refuse`)).status, 200);
  assert.equal((await post(owner, `${C}/${c.id}/requests/${bob.id}/approve`)).status, 404);
  assert.equal((await get(ann, `${C}/${c.id}`)).body.role, 'member');
  assert.equal((await get(bob, `${C}/${c.id}`)).body.membership, null);
  const approved = (await get(ann, '/api/v1/notifications')).body.find((n) => n.type === 'moka.community_approved');
  assert.equal(approved.moka.community_id, c.id);
});

test('roles: promote, demote, remove; a community always keeps an owner', async () => {
  const c = await community(owner, { name: 'Owners', type: 'public' });
  await post(ann, `${C}/${c.id}/join`);
  let r = await post(owner, `${C}/${c.id}/leave`);
  assert.equal(r.status, 409);
  r = await post(owner, `${C}/${c.id}/members/${owner.id}/demote`);
  assert.equal(r.status, 409);
  assert.equal((await post(ann, `${C}/${c.id}/members/${owner.id}/demote`)).status, 403);
  r = await post(owner, `${C}/${c.id}/members/${ann.id}/promote`);
  assert.equal(r.body.owners_count, 2);
  r = await post(ann, `${C}/${c.id}/members/${owner.id}/demote`);
  assert.equal(r.status, 200);
  assert.equal(r.body.owners_count, 1);
  assert.equal((await req(ann, 'DELETE', `${C}/${c.id}/members/${ann.id}`)).status, 409);
  assert.equal((await req(ann, 'DELETE', `${C}/${c.id}/members/${owner.id}`)).body.members_count, 1);
  assert.equal((await req(ann, 'DELETE', `${C}/${c.id}/members/${bob.id}`)).status, 404);
  assert.equal((await post(ann, `${C}/${c.id}/members/${bob.id}/promote`)).status, 404);
});

test('edit and archive: owners only; archived is read-only', async () => {
  const c = await community(owner, { name: 'Old project', type: 'public' });
  await post(ann, `${C}/${c.id}/join`);
  const p = await say(ann, c.id, 'before the end');
  assert.equal((await req(ann, 'PATCH', `${C}/${c.id}`, { name: 'Mine' })).status, 403);
  let r = await req(owner, 'PATCH', `${C}/${c.id}`, { description: 'Done', tags: ['legacy'] });
  assert.equal(r.body.name, 'Old project');
  assert.equal(r.body.description, 'Done');
  assert.deepEqual(r.body.tags, ['legacy']);
  assert.equal((await req(owner, 'PATCH', `${C}/${c.id}`, { name: '' })).status, 422);
  assert.equal((await post(ann, `${C}/${c.id}/archive`)).status, 403);
  r = await post(owner, `${C}/${c.id}/archive`);
  assert.equal(r.body.archived, true);
  assert.equal((await post(owner, '/api/v1/statuses', { status: 'x', visibility: 'community', community_id: c.id })).status, 403);
  assert.equal((await post(bob, `${C}/${c.id}/join`)).status, 409);
  assert.equal((await req(owner, 'PATCH', `${C}/${c.id}`, { name: 'y' })).status, 409);
  assert.deepEqual((await get(bob, `${C}/${c.id}/timeline`)).body.map((s) => s.id), [p.id]);
});

test('pins and topics', async () => {
  const c = await community(owner, { name: 'Forum', type: 'public' });
  await post(ann, `${C}/${c.id}/join`);
  const t1 = await post(ann, `${C}/${c.id}/topics`, { title: 'First topic', status: 'what do you think?', question: true });
  assert.equal(t1.status, 200, JSON.stringify(t1.body));
  assert.equal(t1.body.status.moka.question, true);
  const t2 = await post(owner, `${C}/${c.id}/topics`, { title: 'Second', status: 'news' });
  const note = (await get(ann, '/api/v1/notifications')).body.find((n) => n.type === 'moka.community_topic');
  assert.equal(note.status.id, t2.body.id);
  assert.equal(note.moka.community_id, c.id);
  assert.equal(note.moka.community.name, 'Forum');
  let list = await get(bob, `${C}/${c.id}/topics`);
  assert.deepEqual(list.body.map((t) => t.title), ['Second', 'First topic']);
  await say(owner, c.id, 'an answer', { in_reply_to_id: t1.body.id });
  list = await get(bob, `${C}/${c.id}/topics`);
  assert.deepEqual(list.body.map((t) => [t.title, t.replies_count]), [['First topic', 1], ['Second', 0]]);
  assert.equal((await post(bob, `${C}/${c.id}/topics`, { title: 'x', status: 'y' })).status, 403);
  assert.equal((await post(ann, `${C}/${c.id}/topics`, { title: '', status: 'y' })).status, 422);
  assert.equal((await post(ann, `${C}/${c.id}/topics`, { title: 'x' })).status, 422);
  // pins: owners only, posts of this community only
  assert.equal((await post(ann, `${C}/${c.id}/pins/${t1.body.id}`)).status, 403);
  const other = await post(owner, '/api/v1/statuses', { status: 'elsewhere' });
  assert.equal((await post(owner, `${C}/${c.id}/pins/${other.body.id}`)).status, 404);
  assert.equal((await post(owner, `${C}/${c.id}/pins/${t1.body.id}`)).status, 200);
  assert.deepEqual((await get(bob, `${C}/${c.id}/pins`)).body.map((s) => s.id), [t1.body.id]);
  assert.equal((await req(owner, 'DELETE', `${C}/${c.id}/pins/${t1.body.id}`)).status, 200);
  assert.deepEqual((await get(bob, `${C}/${c.id}/pins`)).body, []);
});

test('topics: one topic, keyset pages by last activity (Link rel="next"), bad cursors', async () => {
  const c = await community(owner, { name: 'Paged forum', type: 'public' });
  const ids = [];
  for (let i = 0; i < 5; i++) ids.push((await post(owner, `${C}/${c.id}/topics`, { title: `T${i}`, status: `body ${i}` })).body.id);
  await say(owner, c.id, 'bump', { in_reply_to_id: ids[1] }); // T1 moves to the top
  const one = await get(bob, `${C}/${c.id}/topics/${ids[1]}`);
  assert.equal(one.status, 200);
  assert.deepEqual([one.body.id, one.body.title, one.body.replies_count, one.body.status.id], [ids[1], 'T1', 1, ids[1]]);
  assert.equal((await get(bob, `${C}/${c.id}/topics/999999`)).status, 404);
  const elsewhere = await community(owner, { name: 'Other forum', type: 'public' });
  assert.equal((await get(bob, `${C}/${elsewhere.id}/topics/${ids[1]}`)).status, 404);
  const seen = [];
  let path = `${C}/${c.id}/topics?limit=2`;
  for (let i = 0; path && i < 5; i++) {
    const r = await get(bob, path);
    assert.equal(r.status, 200);
    seen.push(...r.body.map((x) => x.title));
    const next = /<([^>]+)>; rel="next"/.exec(r.headers.get('link') || '');
    path = next ? (({ pathname, search }) => pathname + search)(new URL(next[1], srv.base)) : null;
  }
  assert.deepEqual(seen, ['T1', 'T4', 'T3', 'T2', 'T0']);
  assert.equal((await get(bob, `${C}/${c.id}/topics?cursor=nope`)).status, 422);
});

test('browse and filter; restricted communities are invisible unless listed', async () => {
  const hidden = await community(owner, { name: 'Secret merger', type: 'restricted', tags: ['finance'] });
  const listed = await community(owner, { name: 'Security team', description: 'Ask us', type: 'restricted', listed: true, tags: ['finance'] });
  const pub = await community(owner, { name: 'Finance club', type: 'public', tags: ['Finance'] });
  const all = (await get(bob, `${C}?limit=80`)).body;
  assert.ok(!all.some((c) => c.id === hidden.id));
  const l = all.find((c) => c.id === listed.id);
  assert.deepEqual(Object.keys(l).sort(), ['description', 'id', 'limited', 'listed', 'name', 'type']);
  assert.equal(l.limited, true);
  assert.deepEqual((await get(bob, `${C}?tag=finance`)).body.map((c) => c.id), [pub.id]);
  assert.deepEqual((await get(owner, `${C}?tag=finance`)).body.map((c) => c.id), [pub.id, listed.id, hidden.id]);
  assert.deepEqual((await get(bob, `${C}?type=restricted`)).body.map((c) => c.id), [listed.id]);
  assert.deepEqual((await get(bob, `${C}?q=secu`)).body.map((c) => c.id), [listed.id]);
  assert.equal((await get(bob, `${C}?type=nope`)).status, 422);
  assert.equal((await get(bob, `${C}/${hidden.id}`)).status, 404);
  assert.deepEqual((await get(bob, `${C}/${hidden.id}`)).body, (await get(bob, `${C}/99999`)).body);
  for (const path of ['timeline', 'members', 'pins', 'topics']) {
    assert.equal((await get(bob, `${C}/${listed.id}/${path}`)).status, 404, path);
    assert.equal((await get(bob, `${C}/${hidden.id}/${path}`)).status, 404, path);
  }
  assert.equal((await post(bob, `${C}/${listed.id}/join`)).status, 403);
  assert.equal((await post(bob, `${C}/${hidden.id}/join`)).status, 404);
});

test('restricted: invitation, privacy on every path, and access gone at once after leave/removal', async () => {
  const c = await community(owner, { name: 'Project X', type: 'restricted' });
  assert.equal((await post(owner, `${C}/${c.id}/invite`, { account_id: '99999' })).status, 422);
  assert.equal((await post(owner, `${C}/${c.id}/invite`, {})).status, 422);
  assert.equal((await post(carl, `${C}/${c.id}/invite`, { account_id: dora.id })).status, 404);
  let r = await post(owner, `${C}/${c.id}/invite`, { account_id: carl.id });
  assert.equal(r.status, 200);
  const inv = (await get(carl, '/api/v1/notifications')).body.find((n) => n.type === 'moka.community_invitation');
  assert.equal(inv.moka.community.name, 'Project X');
  assert.equal((await get(carl, `${C}/${c.id}`)).body.membership, 'invited');
  assert.equal((await post(dora, `${C}/${c.id}/invitation/accept`)).status, 404);
  r = await post(carl, `${C}/${c.id}/invitation/accept`);
  assert.equal(r.body.role, 'member');
  await post(owner, `${C}/${c.id}/invite`, { account_id: dora.id });
  assert.equal((await post(dora, `${C}/${c.id}/invitation/decline`)).status, 200);
  assert.equal((await get(dora, `${C}/${c.id}`)).status, 404);

  const carlLive = await stream('/api/v1/streaming/user', carl.token);
  const doraLive = await stream('/api/v1/streaming/user', dora.token);
  const secret = await say(owner, c.id, `#xsecret plans @dora @carl`);
  const reply = await say(carl, c.id, 'agreed', { in_reply_to_id: secret.id });
  await until(carlLive, (s) => updates(s).some((u) => u.id === secret.id), 'carl gets the post live');
  // a non-member sees nothing of it, anywhere
  const paths = [`/api/v1/statuses/${secret.id}`, `/api/v1/statuses/${reply.id}`, `/api/v1/statuses/${secret.id}/context`];
  for (const p of paths) assert.equal((await get(dora, p)).status, 404, p);
  for (const p of ['/api/v1/timelines/home', '/api/v1/timelines/tag/xsecret', `/api/v1/accounts/${owner.id}/statuses`, '/api/v1/timelines/public', '/api/moka/v1/timelines/mentions']) {
    const b = (await get(dora, p)).body;
    assert.ok(!JSON.stringify(b).includes(secret.id), p);
  }
  assert.ok(!(await get(dora, '/api/v1/notifications')).body.some((n) => n.status && n.status.id === secret.id));
  assert.equal((await get(dora, '/api/v1/notifications/unread_count')).body.count,
    (await get(dora, '/api/v1/notifications')).body.length);
  assert.equal((await get(dora, `/api/v1/accounts/${owner.id}`)).status, 200);
  // the members' view
  assert.equal((await get(carl, `/api/v1/statuses/${secret.id}`)).body.replies_count, 1);
  assert.ok((await get(carl, '/api/v1/notifications')).body.some((n) => n.type === 'mention' && n.status.id === secret.id));
  // after removal: nothing, at once, including the open stream
  assert.equal((await req(owner, 'DELETE', `${C}/${c.id}/members/${carl.id}`)).status, 200);
  for (const p of [`/api/v1/statuses/${secret.id}`, `/api/v1/statuses/${secret.id}/context`, `${C}/${c.id}/timeline`, `${C}/${c.id}`])
    assert.equal((await get(carl, p)).status, 404, p);
  assert.ok(!(await get(carl, '/api/v1/notifications')).body.some((n) => n.status && n.status.id === secret.id));
  assert.ok(!(await get(carl, '/api/v1/timelines/home')).body.some((s) => s.id === secret.id));
  assert.equal((await get(carl, `/api/v1/statuses/${reply.id}`)).status, 200); // one's own words stay
  const after = await say(owner, c.id, 'after carl left');
  const marker = await post(owner, '/api/v1/statuses', { status: 'public marker' });
  await until(carlLive, (s) => updates(s).some((u) => u.id === marker.body.id) || s.messages.length > 100, 'marker', 8000).catch(() => {});
  assert.ok(!updates(carlLive).some((u) => u.id === after.id), 'removed member gets no live community post');
  assert.ok(!updates(doraLive).some((u) => u.id === secret.id || u.id === after.id));
});

test('leaving takes access away on an open stream', async () => {
  const c = await community(owner, { name: 'Leavers', type: 'restricted' });
  await post(owner, `${C}/${c.id}/invite`, { account_id: bob.id });
  await post(bob, `${C}/${c.id}/invitation/accept`);
  await req(owner, 'POST', `/api/moka/v1/accounts/${bob.id}/connect`, {});
  await req(bob, 'POST', `/api/moka/v1/accounts/${owner.id}/connect`, {});
  const live = await stream('/api/v1/streaming/user', bob.token);
  const p1 = await say(owner, c.id, 'one');
  await until(live, (s) => updates(s).some((u) => u.id === p1.id), 'bob gets the first post');
  assert.equal((await post(bob, `${C}/${c.id}/leave`)).status, 200);
  const p2 = await say(owner, c.id, 'two');
  const marker = (await post(owner, '/api/v1/statuses', { status: 'marker' })).body;
  await until(live, (s) => updates(s).some((u) => u.id === marker.id), 'bob gets the public marker');
  assert.ok(!updates(live).some((u) => u.id === p2.id));
  assert.equal((await get(bob, `/api/v1/statuses/${p1.id}`)).status, 404);
});

test('a community stream: its readers who are not members get its posts live, and only its posts', async () => {
  const c = await community(owner, { name: 'Open kitchen', type: 'public' });
  const other = await community(owner, { name: 'Other room', type: 'public' });
  const hidden = await community(owner, { name: 'Back office', type: 'restricted' });
  const S = '/api/moka/v1/streaming/community';
  // dora is no member and not connected to the owner: her user stream never gets these
  const live = await stream(`${S}?id=${c.id}`, dora.token);
  assert.equal(live.res.status, 200);
  const p1 = await say(owner, c.id, 'soup of the day');
  const elsewhere = await say(owner, other.id, 'not this room');
  const p2 = await say(owner, c.id, 'bread is ready');
  await until(live, (s) => updates(s).some((u) => u.id === p2.id), 'dora gets the community posts');
  const got = updates(live).map((u) => u.id);
  assert.ok(got.includes(p1.id));
  assert.ok(!got.includes(elsewhere.id), 'another community\'s post');
  assert.equal(updates(live).find((u) => u.id === p1.id).moka.community_id, c.id);
  // a deleted post is taken away live
  assert.equal((await req(owner, 'DELETE', `/api/v1/statuses/${p1.id}`)).status, 200);
  await until(live, (s) => s.messages.some((m) => m.event === 'delete' && m.data === p1.id), 'the delete');
  // a restricted community's stream is not there for non-members; bad ids are 404 too
  for (const path of [`${S}?id=${hidden.id}`, `${S}?id=999999`, `${S}?id=abc`, S]) {
    const r = await get(dora, path);
    assert.equal(r.status, 404, path);
    assert.match(r.body.error, /community/);
  }
  assert.equal((await api(srv, 'GET', `${S}?id=${c.id}`)).status, 401);
});

test('after a restart: communities, members, posts and their audience are loaded', async () => {
  const c = await community(owner, { name: 'Durable', type: 'restricted', tags: ['kept'] });
  await post(owner, `${C}/${c.id}/invite`, { account_id: ann.id });
  await post(ann, `${C}/${c.id}/invitation/accept`);
  const p = await say(ann, c.id, 'still here after a restart');
  const t = await post(owner, `${C}/${c.id}/topics`, { title: 'Kept topic', status: 'body' });
  await stopServer(srv, { keep: true });
  srv = await startServer({ dir: srv.dir });
  const got = await get(ann, `${C}/${c.id}`);
  assert.equal(got.body.role, 'member');
  assert.deepEqual(got.body.tags, ['kept']);
  assert.equal(got.body.members_count, 2);
  assert.deepEqual((await get(ann, `${C}/${c.id}/timeline`)).body.map((s) => s.id), [t.body.id, p.id]);
  assert.equal((await get(bob, `/api/v1/statuses/${p.id}`)).status, 404);
  assert.equal((await get(owner, `/api/v1/statuses/${p.id}`)).body.moka.community_id, c.id);
  assert.ok((await get(owner, '/api/v1/timelines/home')).body.some((s) => s.id === p.id));
  assert.deepEqual((await get(bob, `${C}/${c.id}/topics`)).status, 404);
  assert.deepEqual((await get(ann, `${C}/${c.id}/topics`)).body.map((x) => x.title), ['Kept topic']);
});

test('editing a community post notifies newly mentioned members only', async () => {
  const c = await community(owner, { name: 'Edits', type: 'restricted' });
  await post(owner, `${C}/${c.id}/invite`, { account_id: dora.id });
  await post(dora, `${C}/${c.id}/invitation/accept`);
  const p = await say(owner, c.id, 'draft');
  const e = await req(owner, 'PUT', `/api/v1/statuses/${p.id}`, { status: 'now with @dora and @bob' });
  assert.equal(e.status, 200);
  const dn = (await get(dora, '/api/v1/notifications')).body;
  assert.ok(dn.some((n) => n.type === 'mention' && n.status.id === p.id));
  const bn = (await get(bob, '/api/v1/notifications')).body;
  assert.ok(!JSON.stringify(bn).includes(p.id));
});

test('moka demo: communities with owners, members, posts and forum topics, read through the API', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'moka-demo-c-'));
  try {
    const r = spawnSync(MOKA, ['demo', '--data', dir, '--people', '900', '--seed', '3', '--posts-per-person', '2',
      '--tokens', join(dir, 'tokens.txt'), '--token-count', '20'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const m = /^communities: (\d+), (\d+) members, \d+ requests, \d+ invitations, (\d+) posts, (\d+) topics/m.exec(r.stdout);
    assert.ok(m, r.stdout);
    assert.equal(Number(m[1]), 10); // one for every 88 people
    assert.ok(Number(m[2]) >= 10 * 5 && Number(m[3]) > 10 && Number(m[4]) > 0, m[0]);
    const demoSrv = await startServer({ dir });
    try {
      const token = readFileSync(join(dir, 'tokens.txt'), 'utf8').split('\n')[0];
      const as = { token };
      const all = (await api(demoSrv, 'GET', `${C}?limit=80`, as)).body;
      assert.ok(all.length > 0 && all.length <= 10);
      const open = all.find((c) => !c.limited && c.type !== 'restricted' && c.members_count > 1);
      assert.ok(open, JSON.stringify(all.map((c) => [c.type, c.members_count])));
      assert.ok(open.owners_count >= 1 && open.tags.length > 0);
      const tl = (await api(demoSrv, 'GET', `${C}/${open.id}/timeline`, as)).body;
      assert.ok(tl.length > 0);
      for (const s of tl) assert.equal(s.moka.community_id, open.id);
      const members = (await api(demoSrv, 'GET', `${C}/${open.id}/members?limit=200`, as)).body;
      assert.equal(members.length, open.members_count);
      assert.equal(members.filter((x) => x.role === 'owner').length, open.owners_count);
      // every community of the demo has its forum; replies counted as the API counts them
      let topics = 0;
      for (const c of all.filter((x) => !x.limited)) {
        for (const t of (await api(demoSrv, 'GET', `${C}/${c.id}/topics?limit=80`, as)).body) {
          topics++;
          assert.equal(t.status.replies_count, t.replies_count);
        }
      }
      assert.ok(topics > 0);
    } finally {
      await stopServer(demoSrv);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
