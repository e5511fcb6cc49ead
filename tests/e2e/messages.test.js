// Conversations ("social mail"): one-to-one reuse, groups and their
// members, settings, messages (send, edit, delete, react, idempotency),
// read markers and unread counts, mute, archive, leave, search, live
// events on the user stream, and bad input answered with clear errors.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, stopServer, api, createUser, openStream } from './lib.js';

let srv, ann, bob, cat, dan, eve;
const C = '/api/moka/v1/conversations';
const open = [];
const req = (u, method, path, json, headers) => api(srv, method, path, { token: u.token, json, headers });
const post = (u, path, json = {}, headers) => req(u, 'POST', path, json, headers);
const get = (u, path) => req(u, 'GET', path);

async function ok(p) {
  const r = await p;
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body;
}
const start = (u, ids, extra = {}) => ok(post(u, C, { account_ids: ids.map((x) => x.id), ...extra }));
const send = (u, cid, text, headers) => ok(post(u, `${C}/${cid}/messages`, { text }, headers));

async function stream(u) {
  const s = await openStream(srv, '/api/v1/streaming/user', u.token);
  open.push(s);
  return s;
}
async function until(s, pred, what) {
  const end = Date.now() + 8000;
  while (Date.now() < end) {
    if (pred(s)) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.fail(`${what}: got ${JSON.stringify(s.messages.map((m) => m.event))}`);
}
const events = (s, name) => s.messages.filter((m) => m.event === name).map((m) => m.data);

before(async () => {
  srv = await startServer({ settings: { max_body_bytes: 65536 } });
  ann = createUser(srv, 'ann');
  bob = createUser(srv, 'bob');
  cat = createUser(srv, 'cat');
  dan = createUser(srv, 'dan');
  eve = createUser(srv, 'eve');
});
after(async () => {
  for (const s of open) s.close();
  await stopServer(srv);
});

test('one-to-one: one per pair, reused from either side; its members are fixed', async () => {
  const c = await start(ann, [bob]);
  assert.equal(c.kind, 'direct');
  assert.equal(c.members_count, 2);
  assert.deepEqual(c.accounts.map((a) => a.username), ['bob']);
  assert.equal(c.unread_count, 0);
  assert.equal(c.last_message, null);
  const again = await start(bob, [ann]);
  assert.equal(again.id, c.id);
  assert.deepEqual(again.accounts.map((a) => a.username), ['ann']);
  let r = await post(ann, `${C}/${c.id}/members`, { account_ids: [cat.id] });
  assert.equal(r.status, 422);
  assert.match(r.body.error, /start a group/);
  r = await post(ann, `${C}/${c.id}/leave`);
  assert.equal(r.status, 422);
  r = await req(ann, 'PATCH', `${C}/${c.id}`, { title: 'x' });
  assert.equal(r.status, 422);
  // a title makes a group, even of two
  const titled = await start(ann, [bob], { title: 'Just us' });
  assert.equal(titled.kind, 'group');
  assert.notEqual(titled.id, c.id);
});

test('send, list by activity with unread counts and last message, read marker', async () => {
  const c = await start(ann, [cat]);
  const m = await send(ann, c.id, 'Hello @cat, see https://example.com/page and <b>this</b>');
  assert.equal(m.conversation_id, c.id);
  assert.equal(m.account.username, 'ann');
  assert.match(m.content, /class="u-url mention">@<span>cat<\/span>/);
  assert.match(m.content, /<a href="https:\/\/example.com\/page" rel="nofollow noopener noreferrer"/);
  assert.match(m.content, /&lt;b&gt;this&lt;\/b&gt;/);
  assert.deepEqual(m.mentions.map((x) => x.username), ['cat']);
  assert.equal(m.edited_at, null);
  assert.deepEqual(m.reactions, []);

  let list = await ok(get(cat, C));
  assert.equal(list[0].id, c.id);
  assert.equal(list[0].unread_count, 1);
  assert.equal(list[0].last_message.id, m.id);
  // the author has read their own message
  assert.equal((await ok(get(ann, `${C}/${c.id}`))).unread_count, 0);
  let count = await ok(get(cat, `${C}/unread_count`));
  assert.deepEqual(count, { unread: 1, conversations: 1 });

  const m2 = await send(ann, c.id, 'second');
  assert.equal((await ok(get(cat, `${C}/${c.id}`))).unread_count, 2);
  let after = await ok(post(cat, `${C}/${c.id}/read`, { last_read_id: m.id }));
  assert.equal(after.unread_count, 1);
  assert.equal(after.last_read_id, m.id);
  // markers never move back
  after = await ok(post(cat, `${C}/${c.id}/read`, { last_read_id: '1' }));
  assert.equal(after.last_read_id, m.id);
  after = await ok(post(cat, `${C}/${c.id}/read`));
  assert.equal(after.last_read_id, m2.id);
  assert.equal(after.unread_count, 0);
  count = await ok(get(cat, `${C}/unread_count`));
  assert.equal(count.unread, 0);

  // the most recently active conversation comes first; Link pages by activity
  const other = await start(cat, [dan]);
  await send(dan, other.id, 'newer');
  list = await ok(get(cat, C));
  assert.deepEqual(list.slice(0, 2).map((x) => x.id), [other.id, c.id]);
  const page = await get(cat, `${C}?limit=1`);
  assert.equal(page.body.length, 1);
  const next = /<[^>]*\/api\/moka\/v1\/conversations\?max_id=(\d+)>; rel="next"/.exec(page.headers.get('link'));
  assert.ok(next, page.headers.get('link'));
  const second = await ok(get(cat, `${C}?limit=1&max_id=${next[1]}`));
  assert.equal(second[0].id, c.id);
});

test('messages: pages with max_id/since_id/min_id, edit, delete, reactions', async () => {
  const c = await start(bob, [dan]);
  const ids = [];
  for (let i = 0; i < 5; i++) ids.push((await send(bob, c.id, `m${i}`)).id);
  let r = await get(dan, `${C}/${c.id}/messages?limit=2`);
  assert.deepEqual(r.body.map((m) => m.text), ['m4', 'm3']);
  assert.match(r.headers.get('link'), /max_id=/);
  r = await ok(get(dan, `${C}/${c.id}/messages?max_id=${ids[3]}&limit=2`));
  assert.deepEqual(r.map((m) => m.text), ['m2', 'm1']);
  r = await ok(get(dan, `${C}/${c.id}/messages?since_id=${ids[2]}`));
  assert.deepEqual(r.map((m) => m.text), ['m4', 'm3']);
  r = await ok(get(dan, `${C}/${c.id}/messages?min_id=${ids[0]}&limit=2`));
  assert.deepEqual(r.map((m) => m.text), ['m2', 'm1']);
  const one = await ok(get(dan, `${C}/${c.id}/messages/${ids[1]}`));
  assert.equal(one.text, 'm1');

  // edit: only the author
  let e = await req(dan, 'PATCH', `${C}/${c.id}/messages/${ids[4]}`, { text: 'hacked' });
  assert.equal(e.status, 403);
  e = await ok(req(bob, 'PATCH', `${C}/${c.id}/messages/${ids[4]}`, { text: 'm4, edited @dan' }));
  assert.equal(e.text, 'm4, edited @dan');
  assert.match(e.content, /mention/);
  assert.ok(e.edited_at);

  // reactions toggle, one of each per person
  let m = await ok(post(dan, `${C}/${c.id}/messages/${ids[4]}/reactions`, { emoji: '👍' }));
  assert.deepEqual(m.reactions, [{ name: '👍', count: 1, me: true }]);
  m = await ok(post(bob, `${C}/${c.id}/messages/${ids[4]}/reactions`, { emoji: '👍' }));
  assert.deepEqual(m.reactions, [{ name: '👍', count: 2, me: true }]);
  m = await ok(post(bob, `${C}/${c.id}/messages/${ids[4]}/reactions`, { emoji: '🎉' }));
  assert.deepEqual(m.reactions.map((x) => [x.name, x.count]), [['👍', 2], ['🎉', 1]]);
  m = await ok(post(dan, `${C}/${c.id}/messages/${ids[4]}/reactions`, { emoji: '👍' }));
  assert.deepEqual(m.reactions, [{ name: '👍', count: 1, me: false }, { name: '🎉', count: 1, me: false }]);
  for (const bad of ['', 'abc', ':smile:', ' 👍', '👍'.repeat(9), '<script>']) {
    const x = await post(dan, `${C}/${c.id}/messages/${ids[4]}/reactions`, { emoji: bad });
    assert.equal(x.status, 422, `emoji ${JSON.stringify(bad)}`);
    assert.match(x.body.error, /^emoji/);
  }

  // delete: only the author; then gone everywhere
  let d = await req(dan, 'DELETE', `${C}/${c.id}/messages/${ids[3]}`);
  assert.equal(d.status, 403);
  d = await ok(req(bob, 'DELETE', `${C}/${c.id}/messages/${ids[3]}`));
  assert.deepEqual(d, { id: ids[3], deleted: true });
  assert.equal((await get(dan, `${C}/${c.id}/messages/${ids[3]}`)).status, 404);
  assert.equal((await req(bob, 'DELETE', `${C}/${c.id}/messages/${ids[3]}`)).status, 404);
  r = await ok(get(dan, `${C}/${c.id}/messages`));
  assert.ok(!r.some((x) => x.id === ids[3]));
  // a message asked through another conversation is unknown there
  const other = await start(bob, [eve]);
  assert.equal((await get(bob, `${C}/${other.id}/messages/${ids[1]}`)).status, 404);
});

test('Idempotency-Key: a retried send returns the first message and sends nothing new', async () => {
  const c = await start(eve, [ann]);
  const h = { 'Idempotency-Key': 'retry-1' };
  const a = await send(eve, c.id, 'once', h);
  const b = await send(eve, c.id, 'once', h);
  assert.equal(a.id, b.id);
  const list = await ok(get(ann, `${C}/${c.id}/messages`));
  assert.equal(list.length, 1);
  const long = await post(eve, `${C}/${c.id}/messages`, { text: 'x' }, { 'Idempotency-Key': 'k'.repeat(65) });
  assert.equal(long.status, 422);
});

test('groups: creator is admin, anyone adds, admins remove and set history; at most 100', async () => {
  const g = await start(ann, [bob, cat], { title: 'Launch crew' });
  assert.equal(g.kind, 'group');
  assert.equal(g.title, 'Launch crew');
  assert.equal(g.role, 'admin');
  assert.deepEqual(g.admin_ids, [ann.id]);
  assert.equal(g.history_visible, false);
  assert.equal(g.members_count, 3);
  // a group of two, asked for explicitly
  const pair = await start(ann, [bob], { group: true });
  assert.equal(pair.kind, 'group');
  assert.notEqual(pair.id, (await start(ann, [bob])).id);

  // members add people; adding someone twice is a no-op
  let after = await ok(post(bob, `${C}/${g.id}/members`, { account_ids: [dan.id, dan.id, cat.id] }));
  assert.equal(after.members_count, 4);
  assert.equal(after.role, 'member');
  // only admins remove others or change settings
  let r = await req(bob, 'DELETE', `${C}/${g.id}/members/${dan.id}`);
  assert.equal(r.status, 403);
  r = await req(bob, 'PATCH', `${C}/${g.id}`, { title: 'Mine now' });
  assert.equal(r.status, 403);
  after = await ok(req(ann, 'PATCH', `${C}/${g.id}`, { title: 'Launch crew 2', history_visible: true }));
  assert.equal(after.title, 'Launch crew 2');
  assert.equal(after.history_visible, true);
  after = await ok(req(ann, 'DELETE', `${C}/${g.id}/members/${dan.id}`));
  assert.equal(after.members_count, 3);
  assert.equal((await get(dan, `${C}/${g.id}`)).status, 404);
  r = await req(ann, 'DELETE', `${C}/${g.id}/members/${dan.id}`);
  assert.equal(r.status, 404);

  // the last admin leaving hands the role to the longest-standing member
  await ok(post(ann, `${C}/${g.id}/leave`));
  const now = await ok(get(bob, `${C}/${g.id}`));
  assert.deepEqual(now.admin_ids, [bob.id]);
  assert.equal(now.role, 'admin');
  assert.equal((await get(ann, `${C}/${g.id}`)).status, 404);

  // too many people: 422 and nothing changes
  const many = [];
  for (let i = 0; i < 100; i++) many.push(String(1000 + i));
  r = await post(ann, C, { account_ids: many });
  assert.equal(r.status, 422);
  assert.match(r.body.error, /at most 100/);
  r = await post(bob, `${C}/${g.id}/members`, { account_ids: many });
  assert.equal(r.status, 422);
  assert.match(r.body.error, /at most 100/);
  assert.equal((await ok(get(bob, `${C}/${g.id}`))).members_count, 2);
});

test('mute keeps a conversation out of the total; archive hides it until a new message', async () => {
  const c = await start(dan, [eve]);
  await send(dan, c.id, 'one');
  let total = await ok(get(eve, `${C}/unread_count`));
  const before = total.unread;
  let x = await ok(post(eve, `${C}/${c.id}/mute`));
  assert.equal(x.muted, true);
  total = await ok(get(eve, `${C}/unread_count`));
  assert.equal(total.unread, before - 1);
  assert.equal((await ok(get(eve, `${C}/${c.id}`))).unread_count, 1);
  x = await ok(post(eve, `${C}/${c.id}/unmute`));
  assert.equal(x.muted, false);

  x = await ok(post(eve, `${C}/${c.id}/archive`));
  assert.equal(x.archived, true);
  assert.ok(!(await ok(get(eve, C))).some((k) => k.id === c.id));
  assert.ok((await ok(get(eve, `${C}?archived=true`))).some((k) => k.id === c.id));
  // still archived for eve only
  assert.ok((await ok(get(dan, C))).some((k) => k.id === c.id));
  await send(dan, c.id, 'back?');
  assert.ok((await ok(get(eve, C))).some((k) => k.id === c.id));
  await ok(post(eve, `${C}/${c.id}/archive`));
  await ok(post(eve, `${C}/${c.id}/unarchive`));
  assert.ok((await ok(get(eve, C))).some((k) => k.id === c.id));
});

test('search finds my messages only, case-insensitively, with LIKE characters taken literally', async () => {
  const c = await start(cat, [eve]);
  await send(cat, c.id, 'The Quarterly REPORT is due 100% on Friday');
  await send(cat, c.id, 'unrelated');
  const other = await start(ann, [bob]);
  await send(ann, other.id, 'quarterly report for ann and bob');
  let r = await ok(get(eve, `${C}/search?q=quarterly%20report`));
  assert.deepEqual(r.map((m) => m.text), ['The Quarterly REPORT is due 100% on Friday']);
  r = await ok(get(eve, `${C}/search?q=100%25`));
  assert.equal(r.length, 1);
  r = await ok(get(eve, `${C}/search?q=_`));
  assert.equal(r.length, 0);
  r = await get(eve, `${C}/search?q=%20`);
  assert.equal(r.status, 422);
  r = await get(eve, `${C}/search`);
  assert.equal(r.status, 422);
});

test('live: messages, edits, reactions, deletes and membership changes on the user stream', async () => {
  const sb = await stream(bob), sd = await stream(dan), se = await stream(eve);
  await until(sb, (s) => s.res.status === 200, 'stream');
  const g = await start(bob, [dan], { title: 'Live' });
  await until(sd, (s) => events(s, 'moka.conversation').some((c) => c.id === g.id), 'dan learns of the group');
  const m = await send(bob, g.id, 'live one');
  await until(sd, (s) => events(s, 'moka.message').some((x) => x.id === m.id), 'dan gets the message');
  const got = events(sd, 'moka.message').find((x) => x.id === m.id);
  assert.equal(got.text, 'live one');
  assert.equal(got.conversation_id, g.id);
  await ok(req(bob, 'PATCH', `${C}/${g.id}/messages/${m.id}`, { text: 'live one, edited' }));
  await until(sd, (s) => events(s, 'moka.message.update').some((x) => x.text === 'live one, edited'), 'edit');
  await ok(post(dan, `${C}/${g.id}/messages/${m.id}/reactions`, { emoji: '❤️' }));
  await until(sb, (s) => events(s, 'moka.message.update').some((x) => x.reactions.length === 1 && !x.reactions[0].me), 'reaction, rendered for bob');
  await ok(req(bob, 'DELETE', `${C}/${g.id}/messages/${m.id}`));
  await until(sd, (s) => events(s, 'moka.message.delete').some((x) => x.id === m.id && x.conversation_id === g.id), 'delete');

  // eve is added: she learns of it; removed: she is told, and gets nothing more
  await ok(post(dan, `${C}/${g.id}/members`, { account_ids: [eve.id] }));
  await until(se, (s) => events(s, 'moka.conversation').some((c) => c.id === g.id), 'eve added');
  const m2 = await send(bob, g.id, 'eve is here');
  await until(se, (s) => events(s, 'moka.message').some((x) => x.id === m2.id), 'eve gets messages');
  await ok(req(bob, 'DELETE', `${C}/${g.id}/members/${eve.id}`));
  await until(se, (s) => events(s, 'moka.conversation.delete').some((x) => x.id === g.id), 'eve told she is out');
  const m3 = await send(bob, g.id, 'after eve');
  await until(sd, (s) => events(s, 'moka.message').some((x) => x.id === m3.id), 'dan still gets messages');
  await send(bob, g.id, 'flush');
  await until(sd, (s) => events(s, 'moka.message').some((x) => x.text === 'flush'), 'flush');
  assert.ok(!events(se, 'moka.message').some((x) => x.id === m3.id || x.text === 'flush'), 'eve got a message after removal');
  // her read marker and mute go to her own streams only
  await ok(post(dan, `${C}/${g.id}/mute`));
  await until(sd, (s) => events(s, 'moka.conversation').some((c) => c.id === g.id && c.muted), 'dan sees his mute');
  assert.ok(!events(sb, 'moka.conversation').some((c) => c.id === g.id && c.muted), 'mute is per person');
});

test('attachments: files by id, each shown only to members who may read the file', async () => {
  const fd = new FormData();
  fd.append('file', new Blob(['minutes of the meeting\n'], { type: 'text/plain' }), 'minutes.txt');
  const up = await api(srv, 'POST', '/api/moka/v1/files', { token: ann.token, form: fd });
  assert.equal(up.status, 200, JSON.stringify(up.body));
  const file = up.body;
  const c = await start(ann, [bob]);
  // a file alone is a message; the sender must be able to read it
  const m = await ok(post(ann, `${C}/${c.id}/messages`, { file_ids: [file.id] }));
  assert.equal(m.text, '');
  assert.equal(m.attachments.length, 1);
  assert.equal(m.attachments[0].id, file.id);
  assert.equal(m.attachments[0].name, 'minutes.txt');
  // bob is a member but the file is private to ann: he sees that it is restricted
  let seen = await ok(get(bob, `${C}/${c.id}/messages/${m.id}`));
  assert.deepEqual(seen.attachments, [{ id: file.id, restricted: true }]);
  assert.equal((await get(bob, `/api/moka/v1/files/${file.id}/download`)).status, 404);
  // once ann shares it with him, the same message shows it
  const share = await req(ann, 'PATCH', `/api/moka/v1/files/${file.id}`, { people: [{ id: bob.id, role: 'reader' }] });
  assert.equal(share.status, 200, JSON.stringify(share.body));
  seen = await ok(get(bob, `${C}/${c.id}/messages/${m.id}`));
  assert.equal(seen.attachments[0].name, 'minutes.txt');
  // a file the sender may not read, an unknown one, too many, not ids
  const other = new FormData();
  other.append('file', new Blob(['cat only'], { type: 'text/plain' }), 'cat.txt');
  const catFile = (await api(srv, 'POST', '/api/moka/v1/files', { token: cat.token, form: other })).body;
  for (const ids of [[catFile.id], ['999999'], Array(11).fill(file.id), ['x']]) {
    const r = await post(ann, `${C}/${c.id}/messages`, { text: 'with files', file_ids: ids });
    assert.equal(r.status, 422, JSON.stringify(ids));
    assert.match(r.body.error, /file/);
  }
  // a stranger learns nothing of the message, nor of the file through it
  assert.equal((await get(cat, `${C}/${c.id}/messages/${m.id}`)).status, 404);
});

test('bad input: unknown ids, non-members, malformed JSON, oversized text, blank text', async () => {
  const c = await start(ann, [bob]);
  const stored = (await ok(get(bob, `${C}/${c.id}/messages`))).length;
  for (const [m, p] of [['GET', `${C}/999999`], ['GET', `${C}/abc`], ['GET', `${C}/999999/messages`],
    ['POST', `${C}/999999/read`], ['POST', `${C}/999999/mute`], ['POST', `${C}/999999/leave`],
    ['GET', `${C}/${c.id}/messages/123`], ['DELETE', `${C}/${c.id}/messages/123`]]) {
    const r = await req(ann, m, p, m === 'GET' || m === 'DELETE' ? undefined : {});
    assert.equal(r.status, 404, `${m} ${p}`);
    assert.equal(r.body.error, 'Record not found');
  }
  // a stranger is told nothing: the same 404 on every path
  for (const [m, p, body] of [['GET', `${C}/${c.id}`], ['GET', `${C}/${c.id}/messages`],
    ['POST', `${C}/${c.id}/messages`, { text: 'hi' }], ['POST', `${C}/${c.id}/read`, {}],
    ['POST', `${C}/${c.id}/mute`, {}], ['POST', `${C}/${c.id}/archive`, {}],
    ['POST', `${C}/${c.id}/members`, { account_ids: [dan.id] }], ['PATCH', `${C}/${c.id}`, { title: 'x' }]]) {
    const r = await req(cat, m, p, body);
    assert.equal(r.status, 404, `${m} ${p}`);
  }
  let r = await post(ann, C, { account_ids: ['999999'] });
  assert.equal(r.status, 404);
  assert.match(r.body.error, /account_ids: no such person/);
  r = await post(ann, C, { account_ids: [ann.id] });
  assert.equal(r.status, 422);
  r = await post(ann, C, { account_ids: 'nope' });
  assert.equal(r.status, 422);
  r = await post(ann, C, {});
  assert.equal(r.status, 422);
  assert.match(r.body.error, /account_ids/);
  r = await post(ann, C, { account_ids: [bob.id, cat.id], title: 'a\nb' });
  assert.equal(r.status, 422);
  r = await api(srv, 'POST', C, { token: ann.token, raw: '{"account_ids": [', headers: { 'Content-Type': 'application/json' } });
  assert.equal(r.status, 400);
  assert.ok(r.body.error);
  r = await api(srv, 'POST', `${C}/${c.id}/messages`, { token: ann.token, raw: '{"text": ', headers: { 'Content-Type': 'application/json' } });
  assert.equal(r.status, 400);
  r = await post(ann, `${C}/${c.id}/messages`, { text: 'x'.repeat(5001) });
  assert.equal(r.status, 422);
  assert.match(r.body.error, /^text: 5001 characters/);
  r = await post(ann, `${C}/${c.id}/messages`, { text: ' \n ' });
  assert.equal(r.status, 422);
  assert.match(r.body.error, /^text: can't be blank/);
  r = await post(ann, `${C}/${c.id}/messages`, {});
  assert.equal(r.status, 422);
  assert.match(r.body.error, /text/);
  r = await post(ann, `${C}/${c.id}/messages`, { text: 'bad \u0001 control' });
  assert.equal(r.status, 422);
  r = await post(ann, `${C}/${c.id}/messages`, { text: 'x'.repeat(100000) });
  assert.equal(r.status, 413);
  assert.match(r.body.error, /too large/);
  // nothing of that was stored
  assert.equal((await ok(get(bob, `${C}/${c.id}/messages`))).length, stored);
  r = await api(srv, 'GET', C);
  assert.equal(r.status, 401);
});
