// The crash test: every write the server acknowledged before a kill -9 is
// there after a restart on the same data directory, and the database
// passes its integrity check.
//
// Two people write: alice posts, bob replies to alice's public posts
// (which also bumps counters and makes notifications). The writes go over
// raw sockets with HTTP/1.1 pipelining, every request sent up front, so
// the server always has work queued; as soon as enough writes are
// acknowledged the server gets SIGKILL while the rest are still queued or
// being written. No timing is asserted: the kill is triggered by a count.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { execFileSync } from 'node:child_process';
import { startServer, stopServer, createUser, api, MOKA } from './lib.js';

const SOCKETS = 8;        // connections, each with its requests pipelined
const PER_SOCKET = 100;   // requests sent up front on each
const KILL_AFTER = 300;   // acknowledged writes before the kill

// Sends every request of `reqs` on one connection without waiting, then
// reads the answers in order: onAnswer(req, status, body) for each. Resolves
// with the number of requests left unanswered when the connection closed.
function pipeline(srv, reqs, onAnswer) {
  return new Promise((resolve) => {
    const sock = net.connect(srv.port, '127.0.0.1');
    let buf = Buffer.alloc(0), next = 0;
    sock.on('connect', () => {
      const wire = reqs.map((r) => {
        const body = JSON.stringify(r.json);
        return `POST /api/v1/statuses HTTP/1.1\r\nHost: 127.0.0.1\r\n` +
          `Authorization: Bearer ${r.token}\r\nContent-Type: application/json\r\n` +
          `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
      });
      sock.write(wire.join(''));
    });
    sock.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      for (;;) {
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = buf.subarray(0, end).toString('latin1');
        const m = /content-length:\s*(\d+)/i.exec(head);
        assert.ok(m, `answer without Content-Length:\n${head}`);
        const len = Number(m[1]);
        if (buf.length < end + 4 + len) return;
        const status = Number(head.split(' ')[1]);
        const body = JSON.parse(buf.subarray(end + 4, end + 4 + len).toString('utf8'));
        buf = buf.subarray(end + 4 + len);
        onAnswer(reqs[next++], status, body);
      }
    });
    sock.on('error', () => {}); // the server died: 'close' follows
    sock.on('close', () => resolve(reqs.length - next));
  });
}

test('writes acknowledged before kill -9 survive the restart; integrity ok', async (t) => {
  const srv = await startServer();
  const alice = createUser(srv, 'alice');
  const bob = createUser(srv, 'bob');
  const f = await api(srv, 'POST', `/api/v1/accounts/${alice.id}/follow`, { token: bob.token });
  assert.equal(f.status, 200, JSON.stringify(f.body));
  // a few public posts for bob to answer during the storm
  const parents = [];
  for (let i = 0; i < 10; i++) {
    const r = await api(srv, 'POST', '/api/v1/statuses', { token: alice.token, json: { status: `parent ${i}`, visibility: 'public' } });
    assert.equal(r.status, 200);
    parents.push(r.body.id);
  }

  const acked = new Map(); // id -> the request, for every acknowledged write
  const rejected = [];
  const exited = new Promise((r) => srv.child.once('exit', r));
  const onAnswer = (req, status, body) => {
    if (status !== 200) { rejected.push(`${status} ${JSON.stringify(body)}`); return; }
    acked.set(body.id, req);
    if (acked.size === KILL_AFTER) srv.child.kill('SIGKILL'); // at once, requests still queued
  };
  const conns = [];
  for (let s = 0; s < SOCKETS; s++) {
    const reqs = [];
    for (let i = 0; i < PER_SOCKET; i++) {
      const marker = `crash-${s}-${i}`;
      reqs.push(i % 3 === 2
        ? { token: bob.token, marker, json: { status: `@alice ${marker}`, in_reply_to_id: parents[i % parents.length] } }
        : { token: alice.token, marker, json: { status: `${marker} #crashtest`, visibility: i % 2 ? 'public' : 'network' } });
    }
    conns.push(pipeline(srv, reqs, onAnswer));
  }
  const unanswered = (await Promise.all(conns)).reduce((a, b) => a + b, 0);
  await exited;
  assert.deepEqual(rejected, [], 'every write was accepted until the kill');
  assert.ok(acked.size >= KILL_AFTER, `only ${acked.size} writes acknowledged`);
  assert.ok(unanswered > 0, 'the kill came while writes were still queued');
  t.diagnostic(`${acked.size} writes acknowledged, ${unanswered} cut off by the kill`);

  const srv2 = await startServer({ dir: srv.dir });
  try {
    const perParent = new Map();
    for (const [id, req] of acked) {
      const r = await api(srv2, 'GET', `/api/v1/statuses/${id}`, { token: req.token });
      assert.equal(r.status, 200, `acknowledged write ${id} lost after kill -9`);
      assert.ok(r.body.content.includes(req.marker), `post ${id} has its text`);
      const parent = req.json.in_reply_to_id;
      assert.equal(r.body.in_reply_to_id, parent || null);
      if (parent) perParent.set(parent, (perParent.get(parent) || 0) + 1);
    }
    assert.ok(perParent.size > 0, 'replies were acknowledged too');
    // counters were committed with the replies (a reply committed but not
    // acknowledged when the server died may add one more)
    for (const [parent, n] of perParent) {
      const r = await api(srv2, 'GET', `/api/v1/statuses/${parent}`, { token: alice.token });
      assert.ok(r.body.replies_count >= n, `replies_count of ${parent}: ${r.body.replies_count} < ${n}`);
    }
    // the server takes writes again, with ids above everything made before
    const after = await api(srv2, 'POST', '/api/v1/statuses', { token: alice.token, json: { status: 'after the crash' } });
    assert.equal(after.status, 200);
    const maxBefore = [...acked.keys()].map(BigInt).reduce((a, b) => (a > b ? a : b));
    assert.ok(BigInt(after.body.id) > maxBefore, 'new ids stay above the ids made before the crash');
  } finally {
    await stopServer(srv2, { keep: true });
  }
  const check = execFileSync(MOKA, ['check', '--data', srv.dir], { encoding: 'utf8' });
  assert.match(check, /integrity: ok/);
  await stopServer(srv2); // already stopped: removes the data directory
});
