// Profiles: Mastodon Account entities, Moka's enterprise profile with its
// org chart, editing one's own profile (validation, nothing changed after
// an error), avatars (real images decoded, resized, served back; anything
// else refused) and the directory being closed to anonymous requests.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import zlib from 'node:zlib';
import { startServer, stopServer, api, createUser, moka } from './lib.js';

let srv;
const u = {};

// --- a tiny PNG encoder and decoder (RGBA, 8 bits) for real test images ---
function crc32(buf) {
  let crc = ~0;
  for (const byte of buf) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return (~crc) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}
const PNG_SIG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
// pixel(x, y) -> [r, g, b, a]
function makePng(w, h, pixel, { idat } = {}) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8; ihdr[9] = 6;
  const stride = w * 4 + 1;
  const raw = Buffer.alloc(stride * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) raw.set(pixel(x, y), y * stride + 1 + x * 4);
  return Buffer.concat([PNG_SIG, chunk('IHDR', ihdr), chunk('IDAT', idat || zlib.deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0))]);
}
function readPng(buf) {
  assert.ok(buf.subarray(0, 8).equals(PNG_SIG), 'a PNG signature');
  let off = 8, w, h, type, depth, inter;
  const idat = [];
  while (off < buf.length) {
    const len = buf.readUInt32BE(off), t = buf.toString('latin1', off + 4, off + 8);
    const d = buf.subarray(off + 8, off + 8 + len);
    if (t === 'IHDR') { w = d.readUInt32BE(0); h = d.readUInt32BE(4); depth = d[8]; type = d[9]; inter = d[12]; }
    if (t === 'IDAT') idat.push(d);
    off += 12 + len;
  }
  assert.equal(depth, 8);
  assert.equal(inter, 0);
  const bpp = { 6: 4, 2: 3 }[type];
  assert.ok(bpp, `colour type ${type}`);
  const raw = zlib.inflateSync(Buffer.concat(idat));
  const stride = w * bpp, px = Buffer.alloc(stride * h);
  for (let y = 0; y < h; y++) {
    const f = raw[y * (stride + 1)], line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let i = 0; i < stride; i++) {
      const a = i >= bpp ? px[y * stride + i - bpp] : 0, b = y ? px[(y - 1) * stride + i] : 0;
      const c = i >= bpp && y ? px[(y - 1) * stride + i - bpp] : 0;
      const p = a + b - c, pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
      const pred = [0, a, b, (a + b) >> 1, pa <= pb && pa <= pc ? a : pb <= pc ? b : c][f];
      px[y * stride + i] = (line[i] + pred) & 0xff;
    }
  }
  return { w, h, at: (x, y) => [...px.subarray((y * w + x) * bpp, (y * w + x) * bpp + 3)] };
}
const GIF_1x1 = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

function upload(path, token, field, bytes, name, type, method = 'POST') {
  const fd = new FormData();
  fd.append(field, new Blob([bytes], { type }), name);
  return api(srv, method, path, { token, form: fd });
}
async function fetchBytes(url) {
  const r = await fetch(url);
  return { status: r.status, headers: r.headers, body: Buffer.from(await r.arrayBuffer()) };
}

before(async () => {
  srv = await startServer();
  // a small org:   ceo -> vp1 -> mgr -> (emp1, emp2);  ceo -> vp2
  u.ceo = createUser(srv, 'ceo', { name: 'Cora Ceo', title: 'Chief Executive', department: 'Board' });
  u.vp1 = createUser(srv, 'vp1', { name: 'Victor One', manager: 'ceo', department: 'Engineering' });
  u.vp2 = createUser(srv, 'vp2', { name: 'Vera Two', manager: 'ceo', department: 'Sales' });
  u.mgr = createUser(srv, 'mgr', { name: 'Mona Manager', manager: 'vp1', department: 'Engineering' });
  u.emp1 = createUser(srv, 'emp1', { name: 'Emil First', manager: 'mgr', department: 'Engineering' });
  u.emp2 = createUser(srv, 'emp2', { name: 'Emma Second', manager: 'mgr', department: 'Engineering' });
});
after(async () => {
  await stopServer(srv);
  // under ASan+UBSan (make check) the server reports problems on stderr
  assert.doesNotMatch(srv.log, /ERROR: \w+Sanitizer|runtime error/);
});

const ids = (list) => list.map((a) => a.id);

test('anonymous requests to people endpoints are 401', async () => {
  for (const path of [`/api/v1/accounts/${u.ceo.id}`, `/api/moka/v1/profiles/${u.ceo.id}`,
    '/api/v1/accounts/lookup?acct=ceo', '/api/v1/accounts/search?q=c',
    `/api/moka/v1/accounts/${u.ceo.id}/connections`, '/api/moka/v1/people/suggestions']) {
    const r = await api(srv, 'GET', path);
    assert.equal(r.status, 401, path);
    assert.equal(typeof r.body.error, 'string');
  }
  const p = await api(srv, 'PATCH', '/api/moka/v1/profiles/me', { json: { title: 'x' } });
  assert.equal(p.status, 401);
});

test('GET /api/v1/accounts/:id is a Mastodon Account with Moka fields', async () => {
  const r = await api(srv, 'GET', `/api/v1/accounts/${u.mgr.id}`, { token: u.emp1.token });
  assert.equal(r.status, 200);
  const a = r.body;
  assert.equal(a.id, u.mgr.id);
  assert.equal(a.username, 'mgr');
  assert.equal(a.acct, 'mgr');
  assert.equal(a.display_name, 'Mona Manager');
  assert.equal(a.locked, false);
  assert.equal(a.bot, false);
  assert.match(a.created_at, /^\d{4}-\d\d-\d\dT/);
  assert.equal(a.url, `${srv.base}/@mgr`);
  assert.equal(a.avatar, a.avatar_static);
  assert.match(a.avatar, /\/avatars\/default-[0-9a-f]+-\d\.svg$/);
  assert.equal(typeof a.header, 'string');
  assert.equal(a.statuses_count, 0);
  assert.equal(a.followers_count, 0);
  assert.deepEqual(a.emojis, []);
  assert.deepEqual(a.fields, [{ name: 'Department', value: 'Engineering', verified_at: null }]);
  assert.equal(a.moka.department, 'Engineering');
  assert.equal(a.moka.manager_id, u.vp1.id);
  assert.equal(a.moka.connections_count, 0);
  // the default avatar is an SVG with the initials, served without credentials
  const img = await fetchBytes(a.avatar);
  assert.equal(img.status, 200);
  assert.equal(img.headers.get('content-type'), 'image/svg+xml');
  assert.equal(img.headers.get('x-content-type-options'), 'nosniff');
  assert.match(img.headers.get('cache-control'), /max-age=\d+/);
  assert.match(img.body.toString(), />MM<\/text>/);
  const hdr = await fetchBytes(a.header);
  assert.equal(hdr.status, 200);
});

test('lookup and search find active people; unknown ids are 404', async () => {
  const l = await api(srv, 'GET', '/api/v1/accounts/lookup?acct=@emp2', { token: u.ceo.token });
  assert.equal(l.status, 200);
  assert.equal(l.body.id, u.emp2.id);
  const s = await api(srv, 'GET', '/api/v1/accounts/search?q=em&limit=5', { token: u.ceo.token });
  assert.equal(s.status, 200);
  assert.deepEqual(ids(s.body).sort(), [u.emp1.id, u.emp2.id].sort());
  const byName = await api(srv, 'GET', '/api/v1/accounts/search?q=vera', { token: u.ceo.token });
  assert.deepEqual(ids(byName.body), [u.vp2.id]);
  for (const path of ['/api/v1/accounts/99999', '/api/v1/accounts/abc', '/api/moka/v1/profiles/99999',
    '/api/v1/accounts/lookup?acct=nobody', '/api/moka/v1/profiles/0']) {
    const r = await api(srv, 'GET', path, { token: u.ceo.token });
    assert.equal(r.status, 404, path);
    assert.equal(r.body.error, 'Record not found');
  }
});

test('the profile carries the org chart: managers up to the top, peers, reports', async () => {
  const e = await api(srv, 'GET', `/api/moka/v1/profiles/${u.emp1.id}`, { token: u.vp2.token });
  assert.equal(e.status, 200);
  assert.deepEqual(ids(e.body.org.managers), [u.mgr.id, u.vp1.id, u.ceo.id]);
  assert.deepEqual(ids(e.body.org.peers), [u.emp2.id]);
  assert.deepEqual(e.body.org.reports, []);
  assert.equal(e.body.org.managers[2].display_name, 'Cora Ceo');
  assert.equal(e.body.org.managers[2].title, 'Chief Executive');
  assert.equal(e.body.manager_id, u.mgr.id);
  const m = await api(srv, 'GET', `/api/moka/v1/profiles/${u.mgr.id}`, { token: u.vp2.token });
  assert.deepEqual(ids(m.body.org.managers), [u.vp1.id, u.ceo.id]);
  assert.deepEqual(m.body.org.peers, []);
  assert.deepEqual(ids(m.body.org.reports), [u.emp1.id, u.emp2.id]);
  const c = await api(srv, 'GET', '/api/moka/v1/profiles/me', { token: u.ceo.token });
  assert.equal(c.body.id, u.ceo.id);
  assert.deepEqual(c.body.org.managers, []);
  assert.deepEqual(ids(c.body.org.reports), [u.vp1.id, u.vp2.id]);
  assert.equal(c.body.manager_id, null);
  assert.equal(c.body.network.distance, 0);
});

test('PATCH my profile sets the enterprise fields, normalising expertise', async () => {
  const r = await api(srv, 'PATCH', '/api/moka/v1/profiles/me', {
    token: u.emp1.token,
    json: {
      title: 'Engineer', location: 'Lyon', phone: '+33 4 00 00 00 00', about: 'Hello <team>\n\nSecond & last',
      projects: ['Moka', ' Moka ', 'Apollo'], expertise: ['Machine Learning', '#SQLite', 'Réseau'],
      languages: ['French', 'English'], display_name: 'Emil F.',
    },
  });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.title, 'Engineer');
  assert.deepEqual(r.body.projects, ['Moka', 'Apollo']);
  assert.deepEqual(r.body.expertise, ['machine-learning', 'sqlite', 'reseau']);
  assert.deepEqual(r.body.languages, ['French', 'English']);
  const g = await api(srv, 'GET', `/api/moka/v1/profiles/${u.emp1.id}`, { token: u.emp2.token });
  assert.equal(g.body.location, 'Lyon');
  assert.equal(g.body.phone, '+33 4 00 00 00 00');
  assert.equal(g.body.display_name, 'Emil F.');
  assert.equal(g.body.about, 'Hello <team>\n\nSecond & last');
  const a = await api(srv, 'GET', `/api/v1/accounts/${u.emp1.id}`, { token: u.emp2.token });
  assert.equal(a.body.note, '<p>Hello &lt;team&gt;</p><p>Second &amp; last</p>');
  assert.equal(a.body.moka.title, 'Engineer');
  assert.deepEqual(a.body.fields.map((f) => f.name), ['Title', 'Department', 'Location']);
  // PATCH /profiles/:id with one's own id works too
  const own = await api(srv, 'PATCH', `/api/moka/v1/profiles/${u.emp1.id}`, { token: u.emp1.token, json: { location: 'Paris' } });
  assert.equal(own.status, 200);
  assert.equal(own.body.location, 'Paris');
  assert.equal(own.body.title, 'Engineer', 'fields not named are left as they were');
});

test('invalid profile changes are refused with a clear error and change nothing', async () => {
  const before = (await api(srv, 'GET', '/api/moka/v1/profiles/me', { token: u.emp2.token })).body;
  const cases = [
    [{ title: 5 }, 422, /title/],
    [{ title: 'x'.repeat(201) }, 422, /title.*too long/],
    [{ about: 'y'.repeat(5001) }, 422, /about/],
    [{ display_name: '' }, 422, /display_name/],
    [{ location: 'two\nlines' }, 422, /location/],
    [{ projects: 'Moka' }, 422, /projects/],
    [{ projects: [1, 2] }, 422, /projects/],
    [{ languages: Array(21).fill('x') }, 422, /languages.*20/],
    [{ projects: ['p'.repeat(101)] }, 422, /projects/],
    [{ expertise: ['C++'] }, 422, /expertise/],
    [{ phone: 'call me maybe' }, 422, /phone/],
    [{ email: 'not-an-address' }, 422, /email/],
    [{ email: 'emp1@example.com' }, 409, /email/],
    [{ manager_id: '99999' }, 422, /manager_id/],
    [{ manager_id: 'boss' }, 422, /manager_id/],
    [{ manager_id: true }, 422, /manager_id/],
    [{ manager_id: u.emp2.id }, 422, /cycle/],
    [{ nickname: 'Em' }, 422, /nickname/],
    [{ title: 'ok title', manager_id: '99999' }, 422, /manager_id/],
  ];
  for (const [json, status, re] of cases) {
    const r = await api(srv, 'PATCH', '/api/moka/v1/profiles/me', { token: u.emp2.token, json });
    assert.equal(r.status, status, JSON.stringify(json));
    assert.match(r.body.error, re, JSON.stringify(json));
  }
  const bad = await api(srv, 'PATCH', '/api/moka/v1/profiles/me', { token: u.emp2.token, raw: '{"title":', headers: { 'Content-Type': 'application/json' } });
  assert.equal(bad.status, 400);
  const afterwards = (await api(srv, 'GET', '/api/moka/v1/profiles/me', { token: u.emp2.token })).body;
  assert.deepEqual(afterwards, before);
});

test("someone else's profile cannot be edited (403), an unknown one is 404", async () => {
  const r = await api(srv, 'PATCH', `/api/moka/v1/profiles/${u.emp1.id}`, { token: u.emp2.token, json: { title: 'Hacked' } });
  assert.equal(r.status, 403);
  assert.match(r.body.error, /own profile/);
  const g = await api(srv, 'GET', `/api/moka/v1/profiles/${u.emp1.id}`, { token: u.emp2.token });
  assert.equal(g.body.title, 'Engineer');
  const n = await api(srv, 'PATCH', '/api/moka/v1/profiles/424242', { token: u.emp2.token, json: { title: 'x' } });
  assert.equal(n.status, 404);
});

test('manager changes: cycles refused, a valid move updates the org chart', async () => {
  // the CEO cannot report to someone below her
  const cyc = await api(srv, 'PATCH', '/api/moka/v1/profiles/me', { token: u.ceo.token, json: { manager_id: u.emp1.id } });
  assert.equal(cyc.status, 422);
  assert.match(cyc.body.error, /cycle/);
  const self = await api(srv, 'PATCH', '/api/moka/v1/profiles/me', { token: u.vp2.token, json: { manager_id: u.vp2.id } });
  assert.equal(self.status, 422);
  // emp2 moves under vp2 (as a number id), then back to no manager and under mgr again
  const mv = await api(srv, 'PATCH', '/api/moka/v1/profiles/me', { token: u.emp2.token, json: { manager_id: Number(u.vp2.id) } });
  assert.equal(mv.status, 200);
  assert.deepEqual(ids(mv.body.org.managers), [u.vp2.id, u.ceo.id]);
  const vp2 = await api(srv, 'GET', `/api/moka/v1/profiles/${u.vp2.id}`, { token: u.ceo.token });
  assert.deepEqual(ids(vp2.body.org.reports), [u.emp2.id]);
  const e1 = await api(srv, 'GET', `/api/moka/v1/profiles/${u.emp1.id}`, { token: u.ceo.token });
  assert.deepEqual(e1.body.org.peers, []);
  const none = await api(srv, 'PATCH', '/api/moka/v1/profiles/me', { token: u.emp2.token, json: { manager_id: null } });
  assert.equal(none.body.manager_id, null);
  assert.deepEqual(none.body.org.managers, []);
  const back = await api(srv, 'PATCH', '/api/moka/v1/profiles/me', { token: u.emp2.token, json: { manager_id: u.mgr.id } });
  assert.deepEqual(ids(back.body.org.managers), [u.mgr.id, u.vp1.id, u.ceo.id]);
});

test('e-mail changes: a new unique address is kept', async () => {
  const r = await api(srv, 'PATCH', '/api/moka/v1/profiles/me', { token: u.vp2.token, json: { email: 'vera@example.org' } });
  assert.equal(r.status, 200);
  assert.equal(r.body.email, 'vera@example.org');
  const taken = await api(srv, 'PATCH', '/api/moka/v1/profiles/me', { token: u.vp1.token, json: { email: 'VERA@example.org' } });
  assert.equal(taken.status, 409);
});

test('update_credentials sets display name and note (Mastodon)', async () => {
  const r = await api(srv, 'PATCH', '/api/v1/accounts/update_credentials', {
    token: u.vp1.token, form: { display_name: 'Victor the First', note: 'Builds things.\nFast.' },
  });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.display_name, 'Victor the First');
  assert.equal(r.body.note, '<p>Builds things.<br />Fast.</p>');
  assert.equal(r.body.source.note, 'Builds things.\nFast.');
  const p = await api(srv, 'GET', `/api/moka/v1/profiles/${u.vp1.id}`, { token: u.ceo.token });
  assert.equal(p.body.about, 'Builds things.\nFast.');
  const bad = await api(srv, 'PATCH', '/api/v1/accounts/update_credentials', { token: u.vp1.token, json: { display_name: 'x'.repeat(300) } });
  assert.equal(bad.status, 422);
});

test('a post shows its author\'s profile as it is now: rendered accounts are cached, and dropped by every change', async () => {
  const post = await api(srv, 'POST', '/api/v1/statuses', { token: u.vp2.token, json: { status: 'cached author check', visibility: 'public' } });
  assert.equal(post.status, 200, JSON.stringify(post.body));
  const seen = async () => (await api(srv, 'GET', `/api/v1/statuses/${post.body.id}`, { token: u.ceo.token })).body.account;
  const first = await seen();
  assert.deepEqual(await seen(), first); // the second read comes from the cache
  const r = await api(srv, 'PATCH', '/api/v1/accounts/update_credentials', { token: u.vp2.token, form: { display_name: 'Vera Renamed' } });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal((await seen()).display_name, 'Vera Renamed');
  const t = await api(srv, 'PATCH', '/api/moka/v1/profiles/me', { token: u.vp2.token, json: { title: 'Chief Cache Officer' } });
  assert.equal(t.status, 200, JSON.stringify(t.body));
  assert.equal((await seen()).moka.title, 'Chief Cache Officer');
  const img = makePng(8, 8, () => [0, 128, 0, 255]);
  const a = await upload('/api/moka/v1/profiles/me/avatar', u.vp2.token, 'avatar', img, 'me.png', 'image/png');
  assert.equal(a.status, 200, JSON.stringify(a.body));
  assert.equal((await seen()).avatar, a.body.avatar);
  // counts move it too: a new follower, a new post
  await api(srv, 'POST', `/api/v1/accounts/${u.vp2.id}/unfollow`, { token: u.mgr.token });
  const before = await seen();
  const f = await api(srv, 'POST', `/api/v1/accounts/${u.vp2.id}/follow`, { token: u.mgr.token });
  assert.equal(f.status, 200, JSON.stringify(f.body));
  const after = await seen();
  assert.equal(after.followers_count, before.followers_count + 1);
  const p2 = await api(srv, 'POST', '/api/v1/statuses', { token: u.vp2.token, json: { status: 'one more', visibility: 'public' } });
  assert.equal(p2.status, 200);
  assert.equal((await seen()).statuses_count, after.statuses_count + 1);
});

test('avatar upload: a real PNG is decoded, center-cropped to 400x400 and 48x48, served back', async () => {
  // 30x10: blue | red | blue; the square center crop is all red
  const img = makePng(30, 10, (x) => (x >= 10 && x < 20 ? [255, 0, 0, 255] : [0, 0, 255, 255]));
  const r = await upload('/api/moka/v1/profiles/me/avatar', u.mgr.token, 'avatar', img, 'me.png', 'image/png');
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.match(r.body.avatar, /\/avatars\/[0-9a-f]{32}\.png$/);
  assert.match(r.body.avatar_48, /\/avatars\/[0-9a-f]{32}_48\.png$/);
  const big = await fetchBytes(r.body.avatar);
  assert.equal(big.status, 200);
  assert.equal(big.headers.get('content-type'), 'image/png');
  assert.equal(big.headers.get('x-content-type-options'), 'nosniff');
  assert.match(big.headers.get('cache-control'), /immutable/);
  const png = readPng(big.body);
  assert.equal(png.w, 400);
  assert.equal(png.h, 400);
  for (const [x, y] of [[0, 0], [399, 0], [200, 200], [0, 399], [399, 399]]) assert.deepEqual(png.at(x, y), [255, 0, 0]);
  const small = readPng((await fetchBytes(r.body.avatar_48)).body);
  assert.equal(small.w, 48);
  assert.equal(small.h, 48);
  const acct = await api(srv, 'GET', `/api/v1/accounts/${u.mgr.id}`, { token: u.ceo.token });
  assert.equal(acct.body.avatar, r.body.avatar);

  // a GIF through Mastodon's update_credentials replaces it; the old files are gone
  const g = await upload('/api/v1/accounts/update_credentials', u.mgr.token, 'avatar', GIF_1x1, 'a.gif', 'image/gif', 'PATCH');
  assert.equal(g.status, 200, JSON.stringify(g.body));
  assert.notEqual(g.body.avatar, r.body.avatar);
  assert.equal(readPng((await fetchBytes(g.body.avatar)).body).w, 400);
  assert.equal((await fetchBytes(r.body.avatar)).status, 404);
  assert.equal((await fetchBytes(r.body.avatar_48)).status, 404);
});

test('avatar upload refuses what is not an image, bombs and broken files, changing nothing', async () => {
  const before = (await api(srv, 'GET', '/api/moka/v1/profiles/me', { token: u.vp2.token })).body.avatar;
  const bomb = makePng(1, 1, () => [0, 0, 0, 255]);
  bomb.writeUInt32BE(9000, 16); bomb.writeUInt32BE(9000, 20); // IHDR claims 9000x9000
  const broken = makePng(20, 20, () => [0, 0, 0, 255], { idat: Buffer.from('definitely not zlib') });
  const cases = [
    [Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'), 'x.svg', 'image/svg+xml', /not a PNG/],
    [Buffer.concat([Buffer.from('GIF89a\x01\x00\x01\x00', 'latin1'), Buffer.from('<html><script>alert(1)</script>')]), 'x.gif', 'image/gif', /decoded/],
    [Buffer.from('GIF89a<html><script>alert(1)</script>'), 'y.gif', 'image/gif', /8000x8000/],
    [Buffer.from('%PDF-1.4 hello'), 'x.png', 'image/png', /not a PNG/],
    [bomb, 'bomb.png', 'image/png', /8000x8000/],
    [broken, 'broken.png', 'image/png', /decoded/],
    [Buffer.alloc(0), 'empty.png', 'image/png', /not a PNG/],
  ];
  for (const [bytes, name, type, re] of cases) {
    const r = await upload('/api/moka/v1/profiles/me/avatar', u.vp2.token, 'avatar', bytes, name, type);
    assert.equal(r.status, 422, name);
    assert.match(r.body.error, re, name);
  }
  const none = await api(srv, 'POST', '/api/moka/v1/profiles/me/avatar', { token: u.vp2.token, form: { avatar: 'text' } });
  assert.equal(none.status, 422);
  assert.match(none.body.error, /avatar/);
  const after = (await api(srv, 'GET', '/api/moka/v1/profiles/me', { token: u.vp2.token })).body.avatar;
  assert.equal(after, before);
  // avatar names are checked: no path tricks, no unknown files
  for (const p of ['/avatars/..%2fmoka.db', '/avatars/moka.db', '/avatars/' + 'a'.repeat(32) + '.png', '/headers/x.svg']) {
    const r = await fetchBytes(srv.base + p);
    assert.equal(r.status, 404, p);
  }
});

test('a deactivated person is 404 and hidden from the org chart', async () => {
  const extra = createUser(srv, 'temp1', { name: 'Tess Temp', manager: 'vp2' });
  const before = await api(srv, 'GET', `/api/moka/v1/profiles/${u.vp2.id}`, { token: u.ceo.token });
  assert.ok(ids(before.body.org.reports).includes(extra.id));
  moka(srv, ['user', 'deactivate', 'temp1']);
  const r = await api(srv, 'GET', `/api/v1/accounts/${extra.id}`, { token: u.ceo.token });
  assert.equal(r.status, 404);
  const p = await api(srv, 'GET', `/api/moka/v1/profiles/${extra.id}`, { token: u.ceo.token });
  assert.equal(p.status, 404);
  const after = await api(srv, 'GET', `/api/moka/v1/profiles/${u.vp2.id}`, { token: u.ceo.token });
  assert.ok(!ids(after.body.org.reports).includes(extra.id));
  const s = await api(srv, 'GET', '/api/v1/accounts/search?q=tess', { token: u.ceo.token });
  assert.deepEqual(s.body, []);
});

test('statuses_count and last_status_at follow the posts', async () => {
  const before = await api(srv, 'GET', `/api/v1/accounts/${u.vp1.id}`, { token: u.ceo.token });
  assert.equal(before.body.statuses_count, 0);
  assert.equal(before.body.last_status_at, null);
  const p = await api(srv, 'POST', '/api/v1/statuses', { token: u.vp1.token, json: { status: 'Hello company', visibility: 'public' } });
  assert.equal(p.status, 200, JSON.stringify(p.body));
  const a = await api(srv, 'GET', `/api/v1/accounts/${u.vp1.id}`, { token: u.ceo.token });
  assert.equal(a.body.statuses_count, 1);
  assert.match(a.body.last_status_at, /^\d{4}-\d\d-\d\d$/);
  await api(srv, 'DELETE', `/api/v1/statuses/${p.body.id}`, { token: u.vp1.token });
  const d = await api(srv, 'GET', `/api/v1/accounts/${u.vp1.id}`, { token: u.ceo.token });
  assert.equal(d.body.statuses_count, 0);
});
