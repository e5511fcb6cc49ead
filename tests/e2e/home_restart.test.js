// The home stream across restarts (issue 6): the in-memory index a server
// starts with — read back from its snapshots after a clean stop, or built
// by scanning the store after a kill -9 — serves exactly the pages the
// index it had before served, for every sampled person and page, after
// posts of every audience, replies, edits, deletes, likes and unlikes,
// reposts, disconnections and unfollows made through the API — the same
// posts, and for each the viewer's own like and repost flags and the
// counts, which come from the index's per-person lists. The scan is the
// straightforward reading of the store; the snapshot must agree with it,
// and every "favourited" agrees with the store's list of who liked it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MOKA, startServer, stopServer, api } from './lib.js';

const PAGES = 3;

// A status as the comparison sees it: its id, the viewer's flags and the counts.
function brief(s) {
  const o = s.reblog || s;
  return `${s.id}:${o.favourited ? 'F' : '-'}${o.reblogged ? 'R' : '-'}:${o.favourites_count}:${o.reblogs_count}`;
}

// Every sampled person's first PAGES pages (20 posts each), briefly.
async function pages(srv, tokens) {
  const out = {};
  for (const token of tokens) {
    const ids = [];
    let path = '/api/v1/timelines/home?limit=20';
    for (let p = 0; p < PAGES; p++) {
      const r = await api(srv, 'GET', path, { token });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      ids.push(r.body.map(brief));
      if (r.body.length === 0) break;
      path = `/api/v1/timelines/home?limit=20&max_id=${r.body[r.body.length - 1].id}`;
    }
    out[token.slice(0, 8)] = ids;
  }
  return out;
}

test('home pages are the same after a clean restart (snapshots) and after kill -9 (scan)', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'moka-e2e-home-'));
  const tokensFile = join(dir, 'tokens.txt');
  const d = spawnSync(MOKA, ['demo', '--data', dir, '--people', '150', '--seed', '11',
    '--tokens', tokensFile, '--token-count', '25'], { encoding: 'utf8' });
  assert.equal(d.status, 0, d.stderr);
  const tokens = readFileSync(tokensFile, 'utf8').split('\n').filter(Boolean);

  let srv = await startServer({ dir });
  t.after(() => srv.child.kill('SIGKILL')); // a failed assertion must not leave it running
  // changes through the API: new posts of every audience, replies, edits, deletes
  const made = [];
  for (let i = 0; i < 30; i++) {
    const token = tokens[i % tokens.length];
    const visibility = ['public', 'unlisted', 'private', 'network', 'connections'][i % 5];
    const json = { status: `restart check ${i} #restart`, visibility };
    if (i % 4 === 3 && made.length) json.in_reply_to_id = made[made.length - 1].id;
    const r = await api(srv, 'POST', '/api/v1/statuses', { token, json });
    if (r.status !== 200) continue; // e.g. a reply the author may not see
    made.push({ id: r.body.id, token });
  }
  assert.ok(made.length >= 20, `${made.length} posts made`);
  for (const p of made.filter((_, i) => i % 5 === 1)) {
    const r = await api(srv, 'PUT', `/api/v1/statuses/${p.id}`, { token: p.token, json: { status: 'edited #changed' } });
    assert.equal(r.status, 200, JSON.stringify(r.body));
  }
  for (const p of made.filter((_, i) => i % 7 === 2)) {
    const r = await api(srv, 'DELETE', `/api/v1/statuses/${p.id}`, { token: p.token });
    assert.equal(r.status, 200, JSON.stringify(r.body));
  }
  // disconnections and unfollows: each sampled person drops the first
  // connection and the first follow they have
  let dropped = 0;
  for (const token of tokens.slice(0, 10)) {
    const me = await api(srv, 'GET', '/api/v1/accounts/verify_credentials', { token });
    const conns = await api(srv, 'GET', `/api/moka/v1/accounts/${me.body.id}/connections`, { token });
    if (conns.status === 200 && conns.body.length) {
      const r = await api(srv, 'POST', `/api/moka/v1/accounts/${conns.body[0].id}/disconnect`, { token });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      dropped++;
    }
    const fol = await api(srv, 'GET', `/api/v1/accounts/${me.body.id}/following`, { token });
    if (fol.status === 200 && fol.body.length) {
      const r = await api(srv, 'POST', `/api/v1/accounts/${fol.body[0].id}/unfollow`, { token });
      assert.equal(r.status, 200, JSON.stringify(r.body));
    }
  }
  assert.ok(dropped > 0, 'some connections dropped');
  // likes, unlikes and reposts from each sampled person's first page
  let liked = 0, unliked = 0, shared = 0;
  for (const [k, token] of tokens.entries()) {
    const r = await api(srv, 'GET', '/api/v1/timelines/home?limit=20', { token });
    for (const [i, s] of r.body.entries()) {
      const o = s.reblog || s;
      if ((i + k) % 3 === 0) {
        const x = await api(srv, 'POST', `/api/v1/statuses/${o.id}/${o.favourited ? 'unfavourite' : 'favourite'}`, { token });
        assert.equal(x.status, 200, JSON.stringify(x.body));
        assert.equal(x.body.favourited, !o.favourited);
        if (o.favourited) unliked++; else liked++;
      } else if ((i + k) % 7 === 1 && !o.reblogged && o.visibility === 'public') {
        const x = await api(srv, 'POST', `/api/v1/statuses/${o.id}/reblog`, { token });
        assert.equal(x.status, 200, JSON.stringify(x.body));
        assert.equal(x.body.reblog.reblogged, true);
        shared++;
      }
    }
  }
  assert.ok(liked > 10 && shared > 0, `${liked} likes, ${unliked} unlikes, ${shared} reposts`);
  const before = await pages(srv, tokens);
  // the index's flags against the store: who liked each post of a first page
  for (const token of tokens.slice(0, 8)) {
    const me = await api(srv, 'GET', '/api/v1/accounts/verify_credentials', { token });
    const r = await api(srv, 'GET', '/api/v1/timelines/home?limit=20', { token });
    for (const s of r.body) {
      const o = s.reblog || s;
      const by = await api(srv, 'GET', `/api/v1/statuses/${o.id}/favourited_by?limit=80`, { token });
      assert.equal(by.status, 200);
      if (by.body.length < 80) {
        assert.equal(by.body.length, o.favourites_count, `likes of ${o.id}`);
        assert.equal(by.body.some((a) => a.id === me.body.id), o.favourited, `favourited ${o.id}`);
      }
    }
  }
  assert.ok(Object.values(before).some((ps) => ps[0].length === 20), 'full pages to compare');

  await stopServer(srv, { keep: true });
  srv = await startServer({ dir });
  assert.match(srv.log, /read from the snapshots/);
  assert.deepEqual(await pages(srv, tokens), before, 'from the snapshots');

  await stopServer(srv, { kill9: true, keep: true });
  srv = await startServer({ dir });
  assert.match(srv.log, /built from the store/);
  assert.deepEqual(await pages(srv, tokens), before, 'from a scan of the store');
  await stopServer(srv);
});
