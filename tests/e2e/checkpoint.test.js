// WAL checkpoints run in the server's own thread, not inside the commits
// (store_checkpoints_start): while the server takes writes, the pages the
// WAL holds reach the database file and the WAL stays small, with no
// restart; and a kill -9 in the middle of that loses no acknowledged post.
//
// In WAL mode SQLite writes the database file only when it checkpoints:
// the file growing while the server runs is the proof a checkpoint ran.
// Were no checkpoint to run, the WAL would hold every frame written.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { startServer, stopServer, createUser, api, MOKA } from './lib.js';

const POSTS = 600;     // ~10 WAL frames each: several checkpoints' worth
const FRAME = 4096 + 24; // a WAL frame: a page and its header
const WAL_MAX = 4000 * FRAME; // 4x the 1,000 frames that start a checkpoint

const size = (p) => { try { return statSync(p).size; } catch { return 0; } };

test('the WAL is checkpointed while the server writes; kill -9 loses nothing acknowledged', async () => {
  const srv = await startServer();
  const db = join(srv.dir, 'moka.db'), wal = `${db}-wal`;
  let keep = false;
  try {
    const alice = createUser(srv, 'alice');
    const dbBefore = size(db);
    const ids = [];
    let walMax = 0;
    for (let i = 0; i < POSTS; i++) {
      const r = await api(srv, 'POST', '/api/v1/statuses', {
        token: alice.token,
        json: { status: `post ${i} about #checkpoints and the WAL, with some words to index`, visibility: 'public' },
      });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      ids.push(r.body.id);
      walMax = Math.max(walMax, size(wal));
    }
    const dbAfter = size(db);
    assert.ok(dbAfter > dbBefore,
      `the database file grew while the server ran (${dbBefore} -> ${dbAfter} bytes): a checkpoint copied the WAL into it`);
    assert.ok(walMax < WAL_MAX, `the WAL stayed under ${WAL_MAX} bytes (largest seen: ${walMax})`);

    // kill -9 now: every acknowledged post is there after the restart
    await stopServer(srv, { kill9: true, keep: true });
    keep = true;
    const again = await startServer({ dir: srv.dir });
    try {
      const seen = new Set();
      let maxId = '';
      for (;;) {
        const q = maxId ? `?limit=40&max_id=${maxId}` : '?limit=40';
        const r = await api(again, 'GET', `/api/v1/accounts/${alice.id}/statuses${q}`, { token: alice.token });
        assert.equal(r.status, 200, JSON.stringify(r.body));
        if (r.body.length === 0) break;
        for (const s of r.body) seen.add(s.id);
        maxId = r.body[r.body.length - 1].id;
      }
      for (const id of ids) assert.ok(seen.has(id), `post ${id}, acknowledged before kill -9, is there`);
      assert.equal(seen.size, POSTS);
    } finally {
      await stopServer(again, { keep: true });
    }
    const check = execFileSync(MOKA, ['check', '--data', srv.dir], { encoding: 'utf8' });
    assert.match(check, /integrity: ok/);
  } finally {
    if (!keep) await stopServer(srv);
    else await stopServer({ ...srv, child: { exitCode: 0 } }); // removes the directory
  }
});
