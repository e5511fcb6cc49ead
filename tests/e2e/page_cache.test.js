// The page cache (issue 6): a reader's first page of a stream (home, a
// community, a wall, the company stream, a hashtag, mentions) is kept
// whole and served again while nothing it shows has changed. Each kept
// page must be byte for byte the page the renderer writes from scratch —
// asked with a cursor past the newest post (max_id), which is never kept
// — after every kind of change the page shows: likes and unlikes, replies
// of a wide and of a narrow audience, edits, deletes, reposts, profile
// changes, follows, disconnections, questions and their accepted answers,
// new posts. Each check asks each first page three times: the first
// answer comes from the page kept before the change unless the change
// dropped it, the last from the page kept by then.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MOKA, startServer, stopServer, api, createUser } from './lib.js';

const READERS = 12;
const UNCACHED = '999999999999999999'; // a max_id past every post

async function text(srv, path, token) {
  const res = await fetch(srv.base + path, { headers: { Authorization: `Bearer ${token}` } });
  assert.equal(res.status, 200, path);
  return res.text();
}

// The first pages each reader asks for: home (limit 20 and 5), and in
// turn a community of theirs, a colleague's wall, the company stream, a
// hashtag and their mentions.
const streams = new Map();
async function pathsOf(srv, token, i) {
  if (!streams.has(token)) {
    const me = (await api(srv, 'GET', '/api/v1/accounts/verify_credentials', { token })).body;
    const mine = (await api(srv, 'GET', '/api/moka/v1/communities/mine', { token })).body;
    const conns = (await api(srv, 'GET', `/api/moka/v1/accounts/${me.id}/connections`, { token })).body;
    const other = [
      mine.length ? `/api/moka/v1/communities/${mine[0].id}/timeline?limit=20` : '/api/v1/timelines/public?limit=20',
      `/api/v1/accounts/${conns.length ? conns[0].id : me.id}/statuses?limit=20`,
      '/api/v1/timelines/public?limit=20',
      '/api/v1/timelines/tag/kept?limit=20',
      '/api/moka/v1/timelines/mentions?limit=20',
    ][i % 5];
    streams.set(token, ['/api/v1/timelines/home?limit=20', '/api/v1/timelines/home?limit=5', other]);
  }
  return streams.get(token);
}

// Every reader's first pages, kept, against the renderer's.
async function check(srv, readers, what, least = 10) {
  let posts = 0;
  for (const [i, token] of readers.entries()) {
    for (const path of await pathsOf(srv, token, i)) {
      const first = await text(srv, path, token); // kept before the change, if valid
      await text(srv, path, token);
      const kept = await text(srv, path, token); // kept by now
      const fresh = await text(srv, `${path}&max_id=${UNCACHED}`, token);
      assert.equal(first, fresh, `${what}: ${token.slice(0, 6)}'s ${path}, first asked`);
      assert.equal(kept, fresh, `${what}: ${token.slice(0, 6)}'s ${path}, kept`);
      posts += JSON.parse(kept).length;
    }
  }
  assert.ok(posts >= readers.length * least, `${what}: pages with posts (${posts})`);
}

const ok = (r) => assert.ok(r.status === 200, JSON.stringify(r.body));

test('a kept first page is the page written from scratch, after every kind of change', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'moka-e2e-pagecache-'));
  const tokensFile = join(dir, 'tokens.txt');
  const d = spawnSync(MOKA, ['demo', '--data', dir, '--people', '120', '--seed', '12',
    '--tokens', tokensFile, '--token-count', '30'], { encoding: 'utf8' });
  assert.equal(d.status, 0, d.stderr);
  const tokens = readFileSync(tokensFile, 'utf8').split('\n').filter(Boolean);
  const readers = tokens.slice(0, READERS);
  const srv = await startServer({ dir });
  t.after(() => srv.child.kill('SIGKILL'));
  const me = {};
  for (const token of tokens) me[token] = (await api(srv, 'GET', '/api/v1/accounts/verify_credentials', { token })).body;

  // a community that half the readers join, with posts of its own
  const guild = await api(srv, 'POST', '/api/moka/v1/communities', { token: tokens[20], json: { name: 'Kept pages guild', type: 'public' } });
  ok(guild);
  for (const token of readers.slice(5)) ok(await api(srv, 'POST', `/api/moka/v1/communities/${guild.body.id}/join`, { token }));
  for (const token of [tokens[20], ...readers.slice(5)]) {
    ok(await api(srv, 'POST', '/api/v1/statuses', { token, json: { status: 'in the guild', visibility: 'community', community_id: guild.body.id } }));
  }

  await check(srv, readers, 'at start');
  for (const kind of ['/communities/', '/accounts/', '/public', '/tag/', '/mentions']) {
    assert.ok([...streams.values()].some((p) => p[2].includes(kind)), `a ${kind} stream compared`);
  }

  // new posts of every audience by the token holders: on their colleagues' pages
  const made = [];
  for (const [i, token] of tokens.entries()) {
    const visibility = ['public', 'private', 'network', 'connections'][i % 4];
    const r = await api(srv, 'POST', '/api/v1/statuses', { token, json: { status: `kept page ${i} #kept @${me[tokens[(i + 1) % tokens.length]].username}`, visibility } });
    ok(r);
    made.push({ id: r.body.id, token });
  }
  await check(srv, readers, 'after new posts');

  // likes by others of what each reader sees, then some unlikes
  const seen = [];
  for (const token of readers) {
    const r = await api(srv, 'GET', '/api/v1/timelines/home?limit=20', { token });
    seen.push(...r.body.map((s) => (s.reblog || s).id));
  }
  const likes = [];
  for (const [i, id] of seen.slice(0, 40).entries()) {
    const token = tokens[(i * 7) % tokens.length];
    const r = await api(srv, 'POST', `/api/v1/statuses/${id}/favourite`, { token });
    if (r.status === 200) likes.push({ id, token });
  }
  assert.ok(likes.length > 5, `${likes.length} likes`);
  await check(srv, readers, 'after likes');
  for (const l of likes.filter((_, i) => i % 2 === 0)) ok(await api(srv, 'POST', `/api/v1/statuses/${l.id}/unfavourite`, { token: l.token }));
  await check(srv, readers, 'after unlikes');

  // replies: public ones, and ones only the replier's connections see (a
  // reply count that differs from reader to reader)
  let replies = 0;
  for (const [i, id] of seen.slice(0, 24).entries()) {
    const token = tokens[(i * 5 + 1) % tokens.length];
    const visibility = i % 2 ? 'connections' : 'public';
    const r = await api(srv, 'POST', '/api/v1/statuses', { token, json: { status: `a reply ${i}`, in_reply_to_id: id, visibility } });
    if (r.status === 200) replies++;
  }
  assert.ok(replies > 5, `${replies} replies`);
  await check(srv, readers, 'after replies');

  // edits and deletes of posts on the pages
  for (const p of made.filter((_, i) => i % 3 === 0)) ok(await api(srv, 'PUT', `/api/v1/statuses/${p.id}`, { token: p.token, json: { status: 'edited, #kept' } }));
  await check(srv, readers, 'after edits');
  for (const p of made.filter((_, i) => i % 5 === 1)) ok(await api(srv, 'DELETE', `/api/v1/statuses/${p.id}`, { token: p.token }));
  await check(srv, readers, 'after deletes');

  // reposts of public posts
  let shared = 0;
  for (const [i, token] of readers.entries()) {
    const r = await api(srv, 'GET', '/api/v1/timelines/home?limit=20', { token });
    const s = r.body.find((x) => !x.reblog && x.visibility === 'public' && !x.reblogged && x.account.id !== me[token].id);
    if (s && (await api(srv, 'POST', `/api/v1/statuses/${s.id}/reblog`, { token: tokens[(i + 3) % tokens.length] })).status === 200) shared++;
  }
  assert.ok(shared > 0, 'some reposts');
  await check(srv, readers, 'after reposts');

  // profile changes of authors on the pages (their Account in every Status)
  for (const token of tokens.slice(0, 10)) {
    ok(await api(srv, 'PATCH', '/api/v1/accounts/update_credentials',
      { token, form: { display_name: `Renamed ${me[token].username}`, note: 'A new note' } }));
  }
  await check(srv, readers, 'after profile changes');
  // again: the pages kept since were written with the Accounts read anew
  for (const token of tokens.slice(0, 10)) {
    ok(await api(srv, 'PATCH', '/api/v1/accounts/update_credentials', { token, form: { note: 'Another note' } }));
  }
  await check(srv, readers, 'after more profile changes');

  // follows and unfollows (followers counts, and posts shown to followers)
  for (const [i, token] of readers.entries()) {
    const other = me[tokens[(i + 13) % tokens.length]];
    await api(srv, 'POST', `/api/v1/accounts/${other.id}/follow`, { token });
  }
  await check(srv, readers, 'after follows');
  for (const [i, token] of readers.entries()) {
    const fol = await api(srv, 'GET', `/api/v1/accounts/${me[token].id}/following`, { token });
    if (fol.body.length) ok(await api(srv, 'POST', `/api/v1/accounts/${fol.body[i % fol.body.length].id}/unfollow`, { token }));
  }
  await check(srv, readers, 'after unfollows');

  // disconnections: posts for connections only leave the pages
  let dropped = 0;
  for (const token of readers.slice(0, 6)) {
    const conns = await api(srv, 'GET', `/api/moka/v1/accounts/${me[token].id}/connections`, { token });
    if (conns.body.length) {
      ok(await api(srv, 'POST', `/api/moka/v1/accounts/${conns.body[0].id}/disconnect`, { token }));
      dropped++;
    }
  }
  assert.ok(dropped > 0, 'some disconnections');
  await check(srv, readers, 'after disconnections');

  // leaving the community: its posts leave the readers' home pages
  for (const token of readers.slice(7)) ok(await api(srv, 'POST', `/api/moka/v1/communities/${guild.body.id}/leave`, { token }));
  await check(srv, readers, 'after leaving the community');

  // a question, answers, an accepted answer
  const asker = tokens[1];
  const q = await api(srv, 'POST', '/api/v1/statuses', { token: asker, json: { status: 'who knows the kept pages?', question: true, visibility: 'network' } });
  ok(q);
  const answers = [];
  for (const token of tokens.slice(2, 6)) {
    const r = await api(srv, 'POST', '/api/v1/statuses', { token, json: { status: 'I do', in_reply_to_id: q.body.id } });
    if (r.status === 200) answers.push(r.body);
  }
  assert.ok(answers.length > 0, 'some answers');
  await check(srv, readers, 'after a question and its answers');
  ok(await api(srv, 'POST', `/api/moka/v1/questions/${q.body.id}/accept`, { token: asker, json: { answer_id: answers[0].id } }));
  await check(srv, readers, 'after an accepted answer');

  await stopServer(srv);
});

// A reply count that changes for one reader only: a reply of a colleague
// of a colleague, which the reader no longer sees once the colleague in
// between disconnects. The answers are not on the reader's page (their
// author is neither a connection nor followed), so nothing on it changed
// but that count and the accepted answers listed. And a second accepted
// answer, where only the list of accepted answers changes.
test('a kept page follows reply counts and accepted answers that change for its reader only', async (t) => {
  const srv = await startServer();
  t.after(() => srv.child.kill('SIGKILL'));
  const [rita, zoe, yan] = ['rita', 'zoe', 'yan'].map((n) => createUser(srv, n));
  async function connect(a, b) {
    ok(await api(srv, 'POST', `/api/moka/v1/accounts/${b.id}/connect`, { token: a.token }));
    const inv = (await api(srv, 'GET', '/api/moka/v1/invitations', { token: b.token })).body.received[0];
    ok(await api(srv, 'POST', `/api/moka/v1/invitations/${inv.id}/accept`, { token: b.token }));
  }
  await connect(rita, zoe);
  await connect(zoe, yan);
  const q = await api(srv, 'POST', '/api/v1/statuses', { token: rita.token, json: { status: 'who knows?', question: true, visibility: 'network' } });
  ok(q);
  const a1 = await api(srv, 'POST', '/api/v1/statuses', { token: yan.token, json: { status: 'me', in_reply_to_id: q.body.id, visibility: 'network' } });
  const a2 = await api(srv, 'POST', '/api/v1/statuses', { token: yan.token, json: { status: 'me too', in_reply_to_id: q.body.id, visibility: 'public' } });
  ok(a1);
  ok(a2);
  const page = async () => JSON.parse(await text(srv, '/api/v1/timelines/home?limit=20', rita.token));
  const mine = async () => (await page()).find((s) => s.id === q.body.id);
  await check(srv, [rita.token], 'with two answers', 1);
  assert.equal((await mine()).replies_count, 2);

  // yan is rita's colleague of a colleague through zoe only
  ok(await api(srv, 'POST', `/api/moka/v1/accounts/${yan.id}/disconnect`, { token: zoe.token }));
  await check(srv, [rita.token], 'after the colleague in between disconnected', 1);
  assert.equal((await mine()).replies_count, 1, 'yan\'s network answer no longer counted for rita');
  await connect(zoe, yan);
  await check(srv, [rita.token], 'after they connected again', 1);
  assert.equal((await mine()).replies_count, 2);

  ok(await api(srv, 'POST', `/api/moka/v1/questions/${q.body.id}/accept`, { token: rita.token, json: { answer_id: a1.body.id } }));
  await check(srv, [rita.token], 'after an accepted answer', 1);
  ok(await api(srv, 'POST', `/api/moka/v1/questions/${q.body.id}/accept`, { token: rita.token, json: { answer_id: a2.body.id } }));
  await check(srv, [rita.token], 'after a second accepted answer', 1);
  assert.deepEqual((await mine()).moka.accepted_answer_ids.sort(), [a1.body.id, a2.body.id].sort());
  await stopServer(srv);
});
