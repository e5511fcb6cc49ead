// The server itself: health, errors, limits, framing, shutdown.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import http from 'node:http';
import zlib from 'node:zlib';
import { startServer, stopServer, api, createUser } from './lib.js';

let srv;
before(async () => { srv = await startServer({ settings: { max_body_bytes: '4096' } }); });
after(async () => { await stopServer(srv); });

test('GET /health answers ok with JSON', async () => {
  const r = await api(srv, 'GET', '/health');
  assert.equal(r.status, 200);
  assert.equal(r.body.status, 'ok');
  assert.match(r.headers.get('content-type'), /application\/json/);
  assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
});

test('unknown routes are 404 and wrong methods 405 with Allow, both as JSON errors', async () => {
  const a = await api(srv, 'GET', '/api/v1/nothing-here');
  assert.equal(a.status, 404);
  assert.equal(typeof a.body.error, 'string');
  const b = await api(srv, 'DELETE', '/health');
  assert.equal(b.status, 405);
  assert.match(b.headers.get('allow'), /GET/);
  assert.match(b.body.error, /not allowed/);
});

test('oversized bodies are refused with 413', async () => {
  const r = await api(srv, 'POST', '/api/v1/statuses', { json: { status: 'x'.repeat(10000) } });
  assert.equal(r.status, 413);
  assert.match(r.body.error, /too large/);
});

test('a bad bearer token is 401 with a JSON error', async () => {
  const r = await api(srv, 'GET', '/health', { token: 'not-a-token' });
  assert.equal(r.status, 401);
  assert.match(r.body.error, /invalid/);
});

test('Content-Length together with Transfer-Encoding is refused (request smuggling)', async () => {
  const reply = await new Promise((resolve, reject) => {
    const s = net.connect(srv.port, '127.0.0.1', () => {
      s.write('POST /health HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n');
    });
    let data = '';
    s.on('data', (d) => { data += d; });
    s.on('end', () => resolve(data));
    s.on('error', reject);
    setTimeout(() => { s.destroy(); resolve(data); }, 2000);
  });
  assert.match(reply, /^HTTP\/1\.1 400/);
  assert.match(reply, /ambiguous framing/);
});

test('keep-alive: many requests over one connection', async () => {
  for (let i = 0; i < 20; i++) {
    const r = await api(srv, 'GET', '/health');
    assert.equal(r.status, 200);
  }
});

test('instance and nodeinfo describe the server', async () => {
  const r = await api(srv, 'GET', '/api/v1/instance');
  assert.equal(r.status, 200);
  assert.equal(r.body.title, 'Moka');
  assert.ok(r.body.configuration.statuses.max_characters >= 500);
  const n = await api(srv, 'GET', '/.well-known/nodeinfo');
  assert.match(n.body.links[0].href, /nodeinfo\/2\.0$/);
});

test('SIGTERM stops the server cleanly', async () => {
  const s2 = await startServer();
  await stopServer(s2, { keep: true });
  assert.equal(s2.child.exitCode, 0);
  assert.match(s2.log, /stopped cleanly/);
});

test('request bodies: malformed, non-object, too deep, duplicate keys, wrong type, bad UTF-8 — clear errors, nothing written', async () => {
  const u = createUser(srv, 'bodies');
  const post = (raw, type) => api(srv, 'POST', '/api/v1/statuses', {
    token: u.token, raw, headers: type ? { 'Content-Type': type } : {},
  });
  const cases = [
    ['{"status": "x",}', 'application/json', 400, /malformed JSON/],
    ['["status"]', 'application/json', 400, /must be an object/],
    ['{"a":' + '['.repeat(40) + ']'.repeat(40) + '}', 'application/json', 400, /nested too deeply/],
    ['{"status": "a", "status": "b"}', 'application/json', 400, /malformed JSON/],
    ['status=hello', 'text/plain', 415, /unsupported Content-Type/],
    ['{"status": 42}', 'application/json', 422, /status: expected a string/],
    [Buffer.from('status=%FF%FE', 'latin1'), 'application/x-www-form-urlencoded', 400, /UTF-8/],
  ];
  for (const [raw, type, status, msg] of cases) {
    const r = await post(raw, type);
    assert.equal(r.status, status, `${raw} → ${r.status} ${JSON.stringify(r.body)}`);
    assert.match(r.body.error, msg);
  }
  // nothing was posted
  const me = await api(srv, 'GET', `/api/v1/accounts/${u.id}/statuses`, { token: u.token });
  assert.equal(me.status, 200);
  assert.deepEqual(me.body, []);
  // a form body works as Mastodon clients send it
  const ok = await post('status=hello%20from%20a%20form&visibility=connections', 'application/x-www-form-urlencoded');
  assert.equal(ok.status, 200);
  assert.equal(ok.body.text, 'hello from a form');
  assert.equal(ok.body.moka.visibility, 'connections');
});

test('what Mastodon apps read at start: v2 instance, emojis, preferences, and empty collections', async () => {
  const u = createUser(srv, 'appstart');
  const v2 = await api(srv, 'GET', '/api/v2/instance');
  assert.equal(v2.status, 200);
  assert.equal(v2.body.domain, `127.0.0.1:${srv.port}`);
  assert.equal(v2.body.configuration.urls.streaming, srv.base);
  assert.equal(v2.body.registrations.enabled, false);
  assert.deepEqual((await api(srv, 'GET', '/api/v1/custom_emojis')).body, []);
  const prefs = await api(srv, 'GET', '/api/v1/preferences', { token: u.token });
  assert.equal(prefs.body['posting:default:visibility'], 'public');
  for (const p of ['/api/v2/filters', '/api/v1/lists', '/api/v1/announcements', '/api/v1/mutes']) {
    const r = await api(srv, 'GET', p, { token: u.token });
    assert.deepEqual([r.status, r.body], [200, []], p);
    assert.equal((await api(srv, 'GET', p)).status, 401, `${p} without a token`);
  }
});

// A raw GET (fetch would decompress): { status, headers, bytes }.
function rawGet(path, headers) {
  return new Promise((resolve, reject) => {
    http.get(`${srv.base}${path}`, { headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, bytes: Buffer.concat(chunks) }));
    }).on('error', reject);
  });
}

test('JSON answers of 1 KiB or more are gzip-compressed for clients that accept it, and only for them', async () => {
  const u = createUser(srv, 'gzipper');
  for (let i = 0; i < 8; i++) {
    const r = await api(srv, 'POST', '/api/v1/statuses', { token: u.token, json: { status: `compressible post number ${i} `.repeat(8), visibility: 'public' } });
    assert.equal(r.status, 200);
  }
  const auth = { authorization: `Bearer ${u.token}` };
  const plain = await rawGet('/api/v1/timelines/home', auth);
  assert.equal(plain.status, 200);
  assert.equal(plain.headers['content-encoding'], undefined);
  assert.ok(plain.bytes.length > 1024, `home is ${plain.bytes.length} bytes`);
  const packed = await rawGet('/api/v1/timelines/home', { ...auth, 'accept-encoding': 'br, gzip' });
  assert.equal(packed.headers['content-encoding'], 'gzip');
  assert.match(packed.headers.vary, /Accept-Encoding/);
  assert.ok(packed.bytes.length < plain.bytes.length / 3, `${packed.bytes.length} vs ${plain.bytes.length}`);
  assert.deepEqual(JSON.parse(zlib.gunzipSync(packed.bytes)), JSON.parse(plain.bytes));
  // q=0 refuses gzip; a small answer is never compressed
  const refused = await rawGet('/api/v1/timelines/home', { ...auth, 'accept-encoding': 'gzip;q=0' });
  assert.equal(refused.headers['content-encoding'], undefined);
  assert.equal(refused.bytes.length, plain.bytes.length);
  const small = await rawGet('/health', { 'accept-encoding': 'gzip' });
  assert.equal(small.headers['content-encoding'], undefined);
  assert.equal(JSON.parse(small.bytes).status, 'ok');
});

test('a second server cannot take a port that one is listening on', async () => {
  const other = await startServer().catch((e) => e); // port 0: its own port
  assert.ok(!(other instanceof Error));
  await stopServer(other);
  const clash = await startServer({ settings: {}, listen: `127.0.0.1:${srv.port}` }).then(
    async (s) => { await stopServer(s); return null; }, (e) => e);
  assert.ok(clash instanceof Error, 'the second server must fail to start');
  assert.match(clash.message, /cannot listen|exited/);
});

test('a restart binds its port at once, while the last run\'s connections are in TIME_WAIT', async () => {
  const first = await startServer();
  const port = first.port;
  // keep-alive connections that the server closes at its stop: TIME_WAIT on the server's side
  const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
  const get = () => new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path: '/health', agent }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    }).on('error', reject);
  });
  assert.deepEqual(await Promise.all(Array.from({ length: 8 }, get)), Array(8).fill(200));
  await stopServer(first, { keep: true });
  agent.destroy();
  const again = await startServer({ dir: first.dir, listen: `127.0.0.1:${port}` });
  assert.equal(again.port, port);
  assert.equal((await api(again, 'GET', '/health')).status, 200);
  await stopServer(again);
});
