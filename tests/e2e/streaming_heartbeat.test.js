// Heartbeats are spread over their period (events_hub.c): each stream gets
// one every stream_heartbeat seconds, but streams opened one after another
// are beaten in different seconds, never all at once.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, stopServer, createUser } from './lib.js';

let srv;
after(async () => { if (srv) await stopServer(srv); });

test('each stream beats every period; consecutive streams beat in different seconds', async () => {
  srv = await startServer({ settings: { stream_heartbeat: '3' } });
  const u = createUser(srv, 'hb');
  const streams = [];
  for (let i = 0; i < 3; i++) {
    const ctrl = new AbortController();
    const res = await fetch(`${srv.base}/api/v1/streaming/user`, { headers: { Authorization: `Bearer ${u.token}` }, signal: ctrl.signal });
    assert.equal(res.status, 200);
    const s = { beats: [], close: () => ctrl.abort() };
    (async () => {
      try {
        for await (const c of res.body) if (Buffer.from(c).toString().includes(':thump')) s.beats.push(Date.now());
      } catch { /* closed */ }
    })();
    streams.push(s);
  }
  const from = Date.now() + 500;
  await new Promise((r) => setTimeout(r, 7600));
  for (const s of streams) s.close();
  const beats = streams.map((s) => s.beats.filter((t) => t >= from));
  for (const b of beats) {
    assert.ok(b.length >= 2, `two beats or more in 7 s: ${JSON.stringify(b)}`);
    for (let i = 1; i < b.length; i++) {
      const gap = b[i] - b[i - 1];
      assert.ok(gap > 2400 && gap < 3600, `a beat every 3 s, not ${gap} ms`);
    }
  }
  for (let a = 0; a < beats.length; a++) {
    for (let b = a + 1; b < beats.length; b++) {
      const nearest = Math.min(...beats[a].flatMap((x) => beats[b].map((y) => Math.abs(x - y))));
      assert.ok(nearest >= 500, `streams ${a} and ${b} beat ${nearest} ms apart: not together`);
    }
  }
});
