// Live streams through stream relays (http_relay.h): every case of
// streaming_suite.js again, on the relays' port; then what is theirs alone —
// they serve streams only, the server holds no socket per stream, a relay
// that dies is replaced, so is one that stops reading (killed after its
// channel stayed full for 5 s), and none outlives the server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { streamingSuite } from './streaming_suite.js';
import { startServer, stopServer, api, createUser } from './lib.js';

const suite = streamingSuite({ relay: true });

// The processes whose parent is pid (the relays of a server).
function childrenOf(pid) {
  const out = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(Number(d));
    } catch { /* gone meanwhile */ }
  }
  return out.sort();
}
const fdCount = (pid) => readdirSync(`/proc/${pid}/fd`).length;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function eventually(pred, what, ms = 8000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const v = pred();
    if (v) return v;
    await sleep(25);
  }
  assert.fail(`${what}: not after ${ms} ms`);
}

test('the relays serve live streams only: anything else is a JSON 404', async () => {
  const srv = suite.server();
  const { bob } = suite.users();
  const relays = { base: srv.streamBase };
  const home = await api(relays, 'GET', '/api/v1/timelines/home', { token: bob.token });
  assert.equal(home.status, 404);
  assert.match(home.body.error, /live streams only/);
  const write = await api(relays, 'POST', '/api/v1/statuses', { token: bob.token, json: { status: 'x' } });
  assert.equal(write.status, 400, 'a body is refused by the relay itself');
  assert.equal(typeof write.body.error, 'string');
  const viaServer = await api(srv, 'GET', '/api/v1/timelines/home', { token: bob.token });
  assert.equal(viaServer.status, 200);
});

test('streams through the relays cost the server no descriptor; the relays hold them', async () => {
  // a server of its own: no earlier case's streams still closing
  const srv = await startServer({ settings: { stream_listen: '127.0.0.1:0', stream_relays: '2' } });
  try {
    const u = createUser(srv, 'r_fds');
    const relays = childrenOf(srv.child.pid);
    assert.equal(relays.length, 2, 'two relay processes');
    for (const pid of relays) assert.match(readFileSync(`/proc/${pid}/cmdline`, 'utf8'), /stream-relay/);
    const relayFds = () => relays.reduce((n, pid) => n + fdCount(pid), 0);
    const many = [];
    const openStreams = async (n) => {
      for (let i = 0; i < n; i++) {
        const ctrl = new AbortController();
        const res = await fetch(`${srv.streamBase}/api/v1/streaming/user`, { headers: { Authorization: `Bearer ${u.token}` }, signal: ctrl.signal });
        assert.equal(res.status, 200);
        const s = { text: '', close: () => ctrl.abort() };
        (async () => { try { for await (const c of res.body) s.text += Buffer.from(c).toString(); } catch { /* closed */ } })();
        many.push(s);
      }
      await eventually(() => many.every((s) => s.text.includes(':)')), 'every stream open');
    };
    const held0 = relayFds();
    await openStreams(5); // the relay thread's first reads open the store's files
    const server5 = fdCount(srv.child.pid);
    await openStreams(20);
    assert.equal(relayFds() - held0, 25, 'one socket per stream, in the relays');
    assert.equal(fdCount(srv.child.pid), server5, 'none in the server');
    // a post of the user's own reaches every one of them
    const r = await api(srv, 'POST', '/api/v1/statuses', { token: u.token, json: { status: 'To 25 streams', visibility: 'public' } });
    assert.equal(r.status, 200);
    await eventually(() => many.every((s) => s.text.includes(`"id":"${r.body.id}"`)), 'the post on every stream');
    for (const s of many) s.close();
    await eventually(() => relayFds() === held0, 'the relays close the sockets');
  } finally {
    await stopServer(srv);
  }
});

// n of token's user streams, open.
async function openStreams(token, n) {
  const streams = [];
  for (let i = 0; i < n; i++) streams.push(await suite.stream('/api/v1/streaming/user', token));
  for (const s of streams) await suite.until(s, (x) => x.comments.length > 0, 'stream open');
  return streams;
}

// A new stream of reader's, through the relays, gets author's next post.
async function aNewStreamGetsPosts(author, reader, text) {
  const again = await suite.stream('/api/v1/streaming/user', reader.token);
  assert.equal(again.res.status, 200);
  await suite.until(again, (x) => x.comments.length > 0, 'a stream on the relays again');
  const s = await suite.status(author, text, 'connections');
  await suite.until(again, (x) => x.messages.find((m) => m.event === 'update' && JSON.parse(m.data).id === s.id), 'the post');
  again.close();
}

test('a relay that dies ends its streams and is started again', async () => {
  const srv = suite.server();
  const { alice, bob } = suite.users();
  const before = childrenOf(srv.child.pid);
  const streams = await openStreams(bob.token, 6);
  for (const pid of before) process.kill(pid, 'SIGKILL');
  for (const s of streams) await suite.until(s, (x) => x.ended, 'the end of a stream whose relay died');
  const after = await eventually(() => {
    const now = childrenOf(srv.child.pid);
    return now.length === 2 && now.every((p) => !before.includes(p)) ? now : null;
  }, 'two new relays');
  assert.equal(after.length, 2);
  const warned = await eventually(() => {
    const found = [...srv.log.matchAll(/stream relay \d+ \(pid (\d+)\) ended: its \d+ streams ended/g)];
    return found.length ? found : null;
  }, 'the warning in the log');
  for (const m of warned) assert.ok(before.includes(Number(m[1])), `the dead relay's pid in the log, not ${m[1]}`);
  await aNewStreamGetsPosts(alice, bob, 'After the relays came back');
});

test('a relay that stops reading its channel is killed, ends its streams and is started again', async () => {
  const srv = suite.server();
  const { alice, bob } = suite.users();
  const before = childrenOf(srv.child.pid);
  const streams = await openStreams(bob.token, 20);
  for (const pid of before) process.kill(pid, 'SIGSTOP'); // stuck, not dead
  // posts of 4,000 characters to 20 streams: more than the channels hold
  const text = 'stuck relay '.repeat(330);
  for (let i = 0; i < 150; i++) {
    const r = await api(srv, 'POST', '/api/v1/statuses', { token: alice.token, json: { status: `${i} ${text}`, visibility: 'connections' } });
    assert.equal(r.status, 200, JSON.stringify(r.body));
  }
  const killed = await eventually(() => {
    const found = [...srv.log.matchAll(/stream relay \d+ \(pid (\d+)\) has not read its channel for \d+ s: killed/g)];
    return found.length ? found : null;
  }, 'the stuck relay killed', 20000);
  for (const m of killed) assert.ok(before.includes(Number(m[1])), `a stopped relay's pid, not ${m[1]}`);
  for (const pid of before) { try { process.kill(pid, 'SIGCONT'); } catch { /* gone */ } }
  const after = await eventually(() => {
    const now = childrenOf(srv.child.pid);
    return now.length === 2 && now.some((p) => !before.includes(p)) ? now : null;
  }, 'the stuck relay replaced', 20000);
  assert.ok(after.some((p) => !before.includes(p)));
  const ended = streams.filter((s) => s.ended).length;
  assert.ok(ended > 0, 'the stuck relay\'s streams ended');
  // the server answers meanwhile, and a new stream gets new posts
  assert.equal((await api(srv, 'GET', '/api/v1/timelines/home', { token: bob.token })).status, 200);
  await aNewStreamGetsPosts(alice, bob, 'After the stuck relay');
  for (const x of streams) x.close();
});

test('no relay outlives its server: a clean stop ends the streams, and so does kill -9', async () => {
  for (const kill9 of [false, true]) {
    const srv = await startServer({ settings: { stream_listen: '127.0.0.1:0', stream_relays: '3' } });
    const u = createUser(srv, kill9 ? 'r_kill' : 'r_term');
    const relays = childrenOf(srv.child.pid);
    assert.equal(relays.length, 3);
    const ctrl = new AbortController();
    const res = await fetch(`${srv.streamBase}/api/v1/streaming/user`, { headers: { Authorization: `Bearer ${u.token}` }, signal: ctrl.signal });
    assert.equal(res.status, 200);
    let text = '';
    let ended = false;
    (async () => {
      try { for await (const c of res.body) text += Buffer.from(c).toString(); } catch { /* reset */ }
      ended = true;
    })();
    await eventually(() => text.includes(':)'), 'the first comment');
    await stopServer(srv, { kill9 });
    await eventually(() => ended, 'the end of the stream');
    await eventually(() => relays.every((pid) => {
      try { return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1][0] === 'Z'; } catch { return true; }
    }), 'the relays gone');
  }
});
