// Overload shedding (src/http/http_shed.c): a server started with a tiny
// queue target (1 ms) and one worker, flooded by many connections at once,
// answers part of the flood with 503 + Retry-After and a JSON error at
// once, never sheds /health, serves the rest normally, and once the flood
// is over serves everything again by itself. Nothing here is timed: the
// flood is a count of requests, and the quiet spell after it is only
// longer than the shedder's two-window memory.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, stopServer, createUser, api } from './lib.js';

const CONNECTIONS = 60;
const PER_CONNECTION = 40;

test('a flood is shed with 503 and Retry-After, /health is not, and the server recovers', async () => {
  const srv = await startServer({ settings: { shed_queue_ms: 1, threads: 1 } });
  try {
    const ann = createUser(srv, 'ann');
    for (let i = 0; i < 20; i++) {
      const r = await api(srv, 'POST', '/api/v1/statuses', { token: ann.token, json: { status: `post ${i} #load`, visibility: 'public' } });
      assert.equal(r.status, 200, JSON.stringify(r.body));
    }
    const counts = { ok: 0, shed: 0, other: [] };
    const health = [];
    const one = async () => {
      for (let i = 0; i < PER_CONNECTION; i++) {
        const r = await fetch(`${srv.base}/api/v1/timelines/home?limit=20`, { headers: { Authorization: `Bearer ${ann.token}` } });
        const body = await r.json();
        if (r.status === 200) {
          assert.equal(body.length, 20);
          counts.ok++;
        } else if (r.status === 503) {
          assert.equal(r.headers.get('retry-after'), '1');
          assert.match(body.error, /busy/);
          counts.shed++;
        } else {
          counts.other.push(r.status);
        }
        if (i % 10 === 5) {
          const h = await fetch(`${srv.base}/health`);
          health.push(h.status);
          await h.arrayBuffer();
        }
      }
    };
    await Promise.all(Array.from({ length: CONNECTIONS }, one));
    assert.deepEqual(counts.other, []);
    assert.ok(counts.shed > 0, `some requests shed (${counts.ok} served)`);
    assert.ok(counts.ok > 0, `some requests served (${counts.shed} shed)`);
    assert.ok(health.every((s) => s === 200), '/health is never shed');

    // quiet: longer than two 100 ms windows, then everything is served
    await new Promise((r) => setTimeout(r, 400));
    for (let i = 0; i < 20; i++) {
      const r = await api(srv, 'GET', '/api/v1/timelines/home?limit=5', { token: ann.token });
      assert.equal(r.status, 200, `request ${i} after the flood: ${JSON.stringify(r.body)}`);
      assert.equal(r.body.length, 5);
    }
  } finally {
    await stopServer(srv);
  }
});
