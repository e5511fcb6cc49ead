// Files: uploads (multipart and raw), downloads (type, disposition, Range,
// ETag), thumbnails, versions, edits, sharing (people, community,
// company), lists with Link pagination, trash/restore/purge with the blobs
// on disk, bad input (413 with nothing stored, broken multipart, wrong
// content type, unknown ids) and Mastodon media attached to statuses.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, stopServer, api, createUser } from './lib.js';
import { png } from './png.js';

const F = '/api/moka/v1/files';
let srv, ann, bob, carl, dora;

function form(name, bytes, fields = {}, type = 'application/octet-stream') {
  const fd = new FormData();
  for (const [k, v] of Object.entries(fields)) {
    for (const x of [].concat(v)) fd.append(k, x);
  }
  fd.append('file', new Blob([bytes], { type }), name);
  return fd;
}
async function upload(u, name, bytes, fields = {}, path = F) {
  const r = await api(srv, 'POST', path, { token: u.token, form: form(name, bytes, fields) });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body;
}
const get = (u, path, headers) => api(srv, 'GET', path, { token: u.token, headers });
const patch = (u, path, json) => api(srv, 'PATCH', path, { token: u.token, json });
const post = (u, path, json = {}) => api(srv, 'POST', path, { token: u.token, json });
async function bytesOf(u, path, headers = {}) {
  const res = await fetch(srv.base + path, { headers: { Authorization: `Bearer ${u.token}`, ...headers } });
  return { res, body: Buffer.from(await res.arrayBuffer()) };
}
function blobs() {
  const out = [];
  const walk = (d) => {
    if (!existsSync(d)) return;
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name)); else out.push(e.name);
    }
  };
  walk(join(srv.dir, 'files', 'sha256'));
  return out;
}
// Temporary files go when their request ends, which may be just after the
// answer reached us: look again for up to two seconds.
async function tmpFiles() {
  let left = [];
  for (let i = 0; i < 40; i++) {
    left = readdirSync(join(srv.dir, 'files', 'tmp'));
    if (!left.length) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  return left;
}

before(async () => {
  srv = await startServer({ settings: { files_max_bytes: '256k', files_quota_bytes: '1536k' } });
  ann = createUser(srv, 'ann');
  bob = createUser(srv, 'bob');
  carl = createUser(srv, 'carl');
  dora = createUser(srv, 'dora');
});
after(() => stopServer(srv));

test('multipart upload: metadata, sniffed type, download with nosniff and attachment', async () => {
  const f = await upload(ann, 'notes.txt', 'hello files\n', { folder: '/projects/x/', 'tags[]': ['Plan', 'plan', 'Q4'] });
  assert.match(f.id, /^\d+$/);
  assert.equal(f.name, 'notes.txt');
  assert.equal(f.folder, 'projects/x');
  assert.deepEqual(f.tags, ['plan', 'q4']);
  assert.equal(f.size, 12);
  assert.match(f.content_type, /^text\/plain/);
  assert.equal(f.sha256.length, 64);
  assert.equal(f.version, 1);
  assert.equal(f.role, 'owner');
  assert.equal(f.owner.username, 'ann');
  assert.equal(f.sharing.audience, 'private');
  const { res, body } = await bytesOf(ann, `${F}/${f.id}/download`);
  assert.equal(res.status, 200);
  assert.equal(body.toString(), 'hello files\n');
  assert.match(res.headers.get('content-type'), /^text\/plain/);
  assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
  assert.match(res.headers.get('content-disposition'), /^attachment; filename="notes.txt"/);
  assert.equal(res.headers.get('etag'), `"${f.sha256}"`);
  assert.equal(res.headers.get('accept-ranges'), 'bytes');
});

test('raw upload named by ?name= or X-File-Name; duplicates stored once', async () => {
  const before = blobs().length;
  const a = await api(srv, 'POST', `${F}?name=raw.bin`, { token: ann.token, raw: 'same bytes', headers: { 'Content-Type': 'application/octet-stream' } });
  assert.equal(a.status, 200, JSON.stringify(a.body));
  assert.equal(a.body.name, 'raw.bin');
  const b = await api(srv, 'POST', F, { token: bob.token, raw: 'same bytes', headers: { 'X-File-Name': 'copy.bin' } });
  assert.equal(b.status, 200);
  assert.equal(b.body.name, 'copy.bin');
  assert.equal(a.body.sha256, b.body.sha256);
  assert.notEqual(a.body.id, b.body.id);
  assert.equal(blobs().length, before + 1);
  assert.ok(blobs().includes(a.body.sha256));
});

test('images: PNG shown inline, thumbnail at most 400 px', async () => {
  const f = await upload(ann, 'pic.png', png(800, 200));
  assert.equal(f.content_type, 'image/png');
  assert.deepEqual(f.image, { width: 800, height: 200 });
  assert.match(f.thumbnail_url, /\/files\/\d+\/thumbnail$/);
  const d = await bytesOf(ann, `${F}/${f.id}/download`);
  assert.match(d.res.headers.get('content-disposition'), /^inline/);
  assert.equal(d.res.headers.get('content-type'), 'image/png');
  const t = await bytesOf(ann, `${F}/${f.id}/thumbnail`);
  assert.equal(t.res.status, 200);
  assert.equal(t.res.headers.get('content-type'), 'image/png');
  assert.equal(t.body.readUInt32BE(16), 400);
  assert.equal(t.body.readUInt32BE(20), 100);
  const txt = await upload(ann, 'x.txt', 'no picture');
  assert.equal((await get(ann, `${F}/${txt.id}/thumbnail`)).status, 404);
  // an HTML file is never shown inline, whatever its name says
  const h = await upload(ann, 'page.png', '<html><script>alert(1)</script></html>');
  assert.match(h.content_type, /^text\/html/);
  const hd = await bytesOf(ann, `${F}/${h.id}/download`);
  assert.match(hd.res.headers.get('content-disposition'), /^attachment/);
  assert.match(hd.res.headers.get('content-security-policy'), /sandbox/);
});

test('Range requests (206, suffix, 416) and ETag (304)', async () => {
  const f = await upload(ann, 'digits.txt', '0123456789');
  const p = `${F}/${f.id}/download`;
  let r = await bytesOf(ann, p, { Range: 'bytes=2-4' });
  assert.equal(r.res.status, 206);
  assert.equal(r.body.toString(), '234');
  assert.equal(r.res.headers.get('content-range'), 'bytes 2-4/10');
  r = await bytesOf(ann, p, { Range: 'bytes=-3' });
  assert.equal(r.res.status, 206);
  assert.equal(r.body.toString(), '789');
  r = await bytesOf(ann, p, { Range: 'bytes=7-' });
  assert.equal(r.body.toString(), '789');
  r = await bytesOf(ann, p, { Range: 'bytes=10-20' });
  assert.equal(r.res.status, 416);
  assert.equal(r.res.headers.get('content-range'), 'bytes */10');
  r = await bytesOf(ann, p, { 'If-None-Match': `"${f.sha256}"` });
  assert.equal(r.res.status, 304);
  r = await bytesOf(ann, p, { Range: 'bytes=0-1', 'If-Range': '"stale"' });
  assert.equal(r.res.status, 200);
  assert.equal(r.body.toString(), '0123456789');
});

test('versions: upload a new one, list who/when/size, download any', async () => {
  const f = await upload(ann, 'plan.txt', 'version one');
  await post(ann, `${F}/${f.id}`, {});
  const v2 = await api(srv, 'POST', `${F}/${f.id}/versions`, { token: ann.token, form: form('plan-v2.txt', 'version two!') });
  assert.equal(v2.status, 200, JSON.stringify(v2.body));
  assert.equal(v2.body.version, 2);
  assert.equal(v2.body.size, 12);
  assert.equal(v2.body.name, 'plan.txt', 'the file keeps its name');
  const list = await get(ann, `${F}/${f.id}/versions`);
  assert.equal(list.status, 200);
  assert.deepEqual(list.body.map((v) => [v.version, v.size, v.name, v.by.username]),
    [[2, 12, 'plan-v2.txt', 'ann'], [1, 11, 'plan.txt', 'ann']]);
  assert.ok(list.body[0].created_at);
  assert.equal((await bytesOf(ann, `${F}/${f.id}/download`)).body.toString(), 'version two!');
  const old = await bytesOf(ann, `${F}/${f.id}/versions/1/download`);
  assert.equal(old.body.toString(), 'version one');
  assert.match(old.res.headers.get('content-disposition'), /filename="plan.txt"/);
  assert.equal((await get(ann, `${F}/${f.id}/versions/9/download`)).status, 404);
  assert.equal((await get(bob, `${F}/${f.id}/versions`)).status, 404);
});

test('edits: rename, move, tags; bad names answered 422 with nothing changed', async () => {
  const f = await upload(ann, 'a.txt', 'edit me');
  let r = await patch(ann, `${F}/${f.id}`, { name: 'b.txt', folder: 'docs', tags: ['Alpha'] });
  assert.equal(r.status, 200);
  assert.equal(r.body.name, 'b.txt');
  assert.equal(r.body.folder, 'docs');
  assert.deepEqual(r.body.tags, ['alpha']);
  for (const name of ['', '../x', 'a/b', '.', 'x'.repeat(300)]) {
    r = await patch(ann, `${F}/${f.id}`, { name, folder: 'elsewhere' });
    assert.equal(r.status, 422, name);
    assert.match(r.body.error, /^name:/);
  }
  r = await patch(ann, `${F}/${f.id}`, { tags: ['not a tag!'] });
  assert.equal(r.status, 422);
  r = await get(ann, `${F}/${f.id}`);
  assert.equal(r.body.name, 'b.txt');
  assert.equal(r.body.folder, 'docs');
  r = await api(srv, 'PATCH', `${F}/${f.id}`, { token: ann.token, json: '{"name": ' });
  assert.equal(r.status, 400);
});

test('sharing with people: readers read, editors edit, only the owner shares; notification', async () => {
  const f = await upload(ann, 'shared.txt', 'for bob');
  assert.equal((await get(bob, `${F}/${f.id}`)).status, 404);
  assert.equal((await get(bob, `${F}/${f.id}/download`)).status, 404);
  let r = await patch(ann, `${F}/${f.id}`, { people: [{ id: bob.id, role: 'reader' }] });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.sharing.audience, 'people');
  assert.deepEqual(r.body.sharing.people.map((p) => [p.account.username, p.role]), [['bob', 'reader']]);
  r = await get(bob, `${F}/${f.id}`);
  assert.equal(r.status, 200);
  assert.equal(r.body.role, 'reader');
  assert.equal(r.body.sharing.people, undefined, 'readers do not see who else has it');
  assert.equal((await bytesOf(bob, `${F}/${f.id}/download`)).body.toString(), 'for bob');
  r = await patch(bob, `${F}/${f.id}`, { name: 'mine.txt' });
  assert.equal(r.status, 403);
  r = await patch(bob, `${F}/${f.id}`, { audience: 'company' });
  assert.equal(r.status, 403);
  assert.equal((await api(srv, 'DELETE', `${F}/${f.id}`, { token: bob.token })).status, 403);
  const shared = await get(bob, `${F}?list=shared`);
  assert.ok(shared.body.some((x) => x.id === f.id));
  const n = await get(bob, '/api/v1/notifications');
  const note = n.body.find((x) => x.type === 'moka.file_shared');
  assert.ok(note, JSON.stringify(n.body));
  assert.equal(note.account.username, 'ann');
  assert.equal(note.moka.file_id, f.id);
  assert.equal(note.moka.file.name, 'shared.txt');
  // editor
  r = await patch(ann, `${F}/${f.id}`, { people: [{ id: bob.id, role: 'editor' }] });
  assert.equal(r.status, 200);
  r = await patch(bob, `${F}/${f.id}`, { name: 'renamed.txt' });
  assert.equal(r.status, 200);
  assert.equal(r.body.role, 'editor');
  const v = await api(srv, 'POST', `${F}/${f.id}/versions`, { token: bob.token, raw: 'bob was here' });
  assert.equal(v.status, 200);
  assert.equal(v.body.version, 2);
  assert.equal((await get(ann, `${F}/${f.id}/versions`)).body[0].by.username, 'bob');
  // unsharing takes it away at once
  r = await patch(ann, `${F}/${f.id}`, { people: [] });
  assert.equal(r.body.sharing.audience, 'private');
  assert.equal((await get(bob, `${F}/${f.id}`)).status, 404);
  assert.equal((await get(bob, `${F}/${f.id}/download`)).status, 404);
  // bad share input
  for (const people of [[{ id: '999999', role: 'reader' }], [{ id: bob.id, role: 'boss' }], [{ id: ann.id }], 'x']) {
    r = await patch(ann, `${F}/${f.id}`, { people });
    assert.equal(r.status, 422, JSON.stringify(people));
  }
  r = await patch(ann, `${F}/${f.id}`, { audience: 'everyone' });
  assert.equal(r.status, 422);
});

test('sharing with a community and the company', async () => {
  const c = await post(ann, '/api/moka/v1/communities', { name: 'Secret', type: 'restricted' });
  assert.equal(c.status, 200);
  const cid = c.body.id;
  assert.equal((await post(ann, `/api/moka/v1/communities/${cid}/invite`, { account_id: carl.id })).status, 200);
  assert.equal((await post(carl, `/api/moka/v1/communities/${cid}/invitation/accept`)).status, 200);
  const f = await upload(ann, 'team.txt', 'team only');
  let r = await patch(ann, `${F}/${f.id}`, { audience: 'community', community_id: cid });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.sharing.audience, 'community');
  assert.equal(r.body.sharing.community_id, cid);
  assert.equal((await get(carl, `${F}/${f.id}`)).status, 200);
  assert.equal((await bytesOf(carl, `${F}/${f.id}/download`)).body.toString(), 'team only');
  assert.equal((await get(dora, `${F}/${f.id}`)).status, 404);
  r = await get(carl, `${F}?list=community&community_id=${cid}`);
  assert.deepEqual(r.body.map((x) => x.id), [f.id]);
  assert.equal((await get(dora, `${F}?list=community&community_id=${cid}`)).status, 404);
  // dora may not share into a community she is not in
  const g = await upload(dora, 'd.txt', 'dora');
  r = await patch(dora, `${F}/${g.id}`, { audience: 'community', community_id: cid });
  assert.equal(r.status, 422);
  assert.match(r.body.error, /^community_id/);
  assert.equal((await get(dora, `${F}/${g.id}`)).body.sharing.audience, 'private');
  // company
  r = await patch(dora, `${F}/${g.id}`, { audience: 'company' });
  assert.equal(r.status, 200);
  assert.equal((await get(bob, `${F}/${g.id}`)).body.role, 'reader');
  r = await get(bob, `${F}?list=company`);
  assert.ok(r.body.some((x) => x.id === g.id));
  assert.ok(!r.body.some((x) => x.id === f.id));
});

test('lists: folder and tag filters, Link pagination, unknown list', async () => {
  const ids = [];
  for (let i = 0; i < 3; i++) ids.push((await upload(carl, `p${i}.txt`, `page ${i}`, { folder: 'pages', 'tags[]': i === 1 ? 'odd' : 'even' })).id);
  let r = await get(carl, `${F}?folder=pages&limit=2`);
  assert.deepEqual(r.body.map((x) => x.id), [ids[2], ids[1]]);
  const link = r.headers.get('link');
  assert.match(link, /rel="next"/);
  const next = /<([^>]+)>; rel="next"/.exec(link)[1];
  assert.match(next, /folder=pages/);
  r = await get(carl, next.replace(srv.base, ''));
  assert.deepEqual(r.body.map((x) => x.id), [ids[0]]);
  r = await get(carl, `${F}?tag=odd`);
  assert.deepEqual(r.body.map((x) => x.id), [ids[1]]);
  r = await get(carl, `${F}?list=everything`);
  assert.equal(r.status, 422);
  r = await get(carl, `${F}?list=community`);
  assert.equal(r.status, 422);
});

test('trash, restore, purge: readers lose access, bytes go when nothing names them', async () => {
  const f = await upload(ann, 'doomed.txt', 'purge me please');
  const twin = await upload(bob, 'twin.txt', 'purge me please');
  await patch(ann, `${F}/${f.id}`, { people: [{ id: carl.id, role: 'reader' }] });
  let r = await api(srv, 'DELETE', `${F}/${f.id}`, { token: ann.token });
  assert.equal(r.status, 200);
  assert.ok(r.body.trashed_at);
  assert.equal((await get(carl, `${F}/${f.id}`)).status, 404);
  assert.ok(!(await get(ann, F)).body.some((x) => x.id === f.id));
  assert.ok((await get(ann, `${F}?list=trash`)).body.some((x) => x.id === f.id));
  r = await patch(ann, `${F}/${f.id}`, { name: 'x.txt' });
  assert.equal(r.status, 422);
  r = await post(ann, `${F}/${f.id}/restore`);
  assert.equal(r.body.trashed_at, null);
  assert.equal((await get(carl, `${F}/${f.id}`)).status, 200);
  assert.equal((await post(carl, `${F}/${f.id}/purge`)).status, 403);
  r = await post(ann, `${F}/${f.id}/purge`);
  assert.equal(r.status, 200);
  assert.equal(r.body.purged, true);
  assert.equal((await get(ann, `${F}/${f.id}`)).status, 404);
  assert.ok(blobs().includes(f.sha256), 'bob\'s twin still names the blob');
  r = await api(srv, 'DELETE', `${F}/${twin.id}?purge=true`, { token: bob.token });
  assert.equal(r.status, 200);
  assert.ok(!blobs().includes(f.sha256), 'the last reference is gone: so are the bytes');
});

test('bad input: too large (413, nothing stored), broken multipart, wrong type, unknown ids', async () => {
  const count = async () => (await get(dora, `${F}?limit=200`)).body.length;
  const n0 = await count();
  const blobs0 = blobs().length;
  const big = Buffer.alloc(300 * 1024, 7);
  let r = await api(srv, 'POST', F, { token: dora.token, form: form('big.bin', big) });
  assert.equal(r.status, 413);
  assert.match(r.body.error, /too large/);
  r = await api(srv, 'POST', `${F}?name=big.bin`, { token: dora.token, raw: big });
  assert.equal(r.status, 413);
  // chunked (no Content-Length): refused when the limit is passed
  const stream = new ReadableStream({ start(c) { c.enqueue(big.subarray(0, 200000)); c.enqueue(big.subarray(200000)); c.close(); } });
  const res = await fetch(`${srv.base}${F}?name=chunked.bin`, { method: 'POST', body: stream, duplex: 'half', headers: { Authorization: `Bearer ${dora.token}` } });
  assert.equal(res.status, 413);
  assert.match((await res.json()).error, /too large/);
  assert.equal(await count(), n0);
  assert.equal(blobs().length, blobs0);
  assert.deepEqual(await tmpFiles(), []);
  // broken multipart
  r = await api(srv, 'POST', F, { token: dora.token, raw: '--xx\r\nContent-Disposition: form-data; name="file"; filename="a"\r\n\r\nabc', headers: { 'Content-Type': 'multipart/form-data; boundary=xx' } });
  assert.equal(r.status, 400);
  assert.match(r.body.error, /multipart/);
  r = await api(srv, 'POST', F, { token: dora.token, raw: 'abc', headers: { 'Content-Type': 'multipart/form-data' } });
  assert.equal(r.status, 400);
  const noFile = new FormData();
  noFile.append('name', 'x');
  r = await api(srv, 'POST', F, { token: dora.token, form: noFile });
  assert.equal(r.status, 422);
  assert.match(r.body.error, /^file:/);
  r = await api(srv, 'POST', F, { token: dora.token, form: { file: 'abc' } });
  assert.equal(r.status, 415);
  assert.equal(await count(), n0);
  assert.deepEqual(await tmpFiles(), []);
  // signed out
  r = await api(srv, 'POST', F, { raw: 'x' });
  assert.equal(r.status, 401);
  // unknown ids
  for (const path of [`${F}/999999`, `${F}/abc`, `${F}/999999/download`, `${F}/999999/versions`, `${F}/999999/thumbnail`]) {
    r = await get(dora, path);
    assert.equal(r.status, 404, path);
    assert.equal(r.body.error, 'Record not found');
  }
  assert.equal((await patch(dora, `${F}/999999`, { name: 'x' })).status, 404);
  assert.equal((await post(dora, `${F}/999999/restore`)).status, 404);
  assert.equal((await api(srv, 'POST', `${F}/999999/versions`, { token: dora.token, raw: 'x' })).status, 404);
  assert.deepEqual(await tmpFiles(), []);
});

test('quota: an upload past what is left is refused with 413', async () => {
  const q = createUser(srv, 'quota');
  for (let i = 0; i < 6; i++) await upload(q, `q${i}.bin`, Buffer.alloc(250 * 1024, i + 1));
  let r = await api(srv, 'POST', F, { token: q.token, form: form('q6.bin', Buffer.alloc(200 * 1024, 9)) });
  assert.equal(r.status, 413);
  assert.match(r.body.error, /quota/);
  r = await api(srv, 'POST', `${F}?name=q6.bin`, { token: q.token, raw: Buffer.alloc(200 * 1024, 9) });
  assert.equal(r.status, 413);
  assert.equal((await get(q, F)).body.length, 6);
  assert.deepEqual(await tmpFiles(), []);
});

test('Mastodon media: upload, show, describe, attach to a status', async () => {
  const r = await api(srv, 'POST', '/api/v2/media', { token: ann.token, form: form('cat.png', png(480, 360), { description: 'a cat' }) });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  const m = r.body;
  assert.equal(m.type, 'image');
  assert.match(m.url, /\/files\/\d+\/download$/);
  assert.match(m.preview_url, /\/thumbnail$/);
  assert.equal(m.description, 'a cat');
  assert.equal(m.meta.original.width, 480);
  assert.equal(m.meta.original.size, '480x360');
  assert.ok(Math.abs(m.meta.original.aspect - 4 / 3) < 0.001);
  assert.equal(m.meta.small.width, 400);
  assert.equal(m.meta.small.height, 300);
  assert.equal((await get(ann, `/api/v1/media/${m.id}`)).body.id, m.id);
  assert.equal((await get(bob, `/api/v1/media/${m.id}`)).status, 404, 'unattached media: the owner\'s');
  const u = await api(srv, 'PUT', `/api/v1/media/${m.id}`, { token: ann.token, json: { description: 'a grey cat' } });
  assert.equal(u.body.description, 'a grey cat');
  assert.ok(!(await get(ann, F)).body.some((x) => x.id === m.id), 'media stay out of my files');
  const v1 = await api(srv, 'POST', '/api/v1/media', { token: ann.token, form: form('dog.png', png(10, 10)) });
  assert.equal(v1.status, 200);
  // attach
  let s = await post(ann, '/api/v1/statuses', { status: 'look', media_ids: [m.id], visibility: 'public' });
  assert.equal(s.status, 200, JSON.stringify(s.body));
  assert.equal(s.body.media_attachments.length, 1);
  assert.equal(s.body.media_attachments[0].id, m.id);
  assert.equal(s.body.media_attachments[0].description, 'a grey cat');
  const seen = await get(bob, `/api/v1/statuses/${s.body.id}`);
  assert.equal(seen.body.media_attachments[0].type, 'image');
  assert.equal((await bytesOf(bob, `${F}/${m.id}/download`)).res.status, 200, 'media take the post\'s audience');
  // attached once only; others' media and unknown ids are refused
  for (const ids of [[m.id], ['999999'], [v1.body.id, v1.body.id], ['x']]) {
    s = await post(ann, '/api/v1/statuses', { status: 'again', media_ids: ids });
    assert.equal(s.status, 422, JSON.stringify(ids));
    assert.match(s.body.error, /^media_ids/);
  }
  s = await post(bob, '/api/v1/statuses', { status: 'steal', media_ids: [v1.body.id] });
  assert.equal(s.status, 422);
  // attachments alone: no text needed
  s = await post(ann, '/api/v1/statuses', { media_ids: [v1.body.id] });
  assert.equal(s.status, 200, JSON.stringify(s.body));
  assert.equal(s.body.content, '');
  assert.equal(s.body.media_attachments[0].id, v1.body.id);
  s = await post(ann, '/api/v1/statuses', { visibility: 'public' });
  assert.equal(s.status, 422);
  assert.match(s.body.error, /^status: required/);
  // a direct post: its media stay with its audience
  const d = await api(srv, 'POST', '/api/v2/media', { token: ann.token, form: form('secret.png', png(20, 20)) });
  s = await post(ann, '/api/v1/statuses', { status: `@carl secret`, media_ids: [d.body.id], visibility: 'direct' });
  assert.equal(s.status, 200);
  assert.equal((await bytesOf(carl, `${F}/${d.body.id}/download`)).res.status, 200);
  assert.equal((await bytesOf(bob, `${F}/${d.body.id}/download`)).res.status, 404);
  assert.equal((await bytesOf(bob, `${F}/${d.body.id}/thumbnail`)).res.status, 404);
});

test('a document attached to a post keeps its own audience (restricted stub for others)', async () => {
  const f = await upload(ann, 'report.pdf', '%PDF-1.4\n%%EOF\n');
  assert.equal(f.content_type, 'application/pdf');
  const s = await post(ann, '/api/v1/statuses', { status: 'the report', media_ids: [f.id] });
  assert.equal(s.status, 200, JSON.stringify(s.body));
  const seen = await get(bob, `/api/v1/statuses/${s.body.id}`);
  const att = seen.body.media_attachments[0];
  assert.equal(att.id, f.id);
  assert.equal(att.type, 'unknown');
  assert.equal(att.moka.document, true);
  assert.equal(att.description, null);
  assert.ok(!JSON.stringify(seen.body).includes('report.pdf'), 'the name does not leak');
  assert.equal((await get(bob, `${F}/${f.id}`)).status, 404);
  assert.equal((await get(bob, `${F}/${f.id}/download`)).status, 404);
  await patch(ann, `${F}/${f.id}`, { audience: 'company' });
  assert.equal((await get(bob, `${F}/${f.id}`)).body.name, 'report.pdf');
  const d = await bytesOf(bob, `${F}/${f.id}/download`);
  assert.match(d.res.headers.get('content-disposition'), /^inline/);
});

test('a forum topic carries attachments: community members see them, others get nothing', async () => {
  const C = '/api/moka/v1/communities';
  const c = (await post(ann, C, { name: 'Design reviews', type: 'restricted' })).body;
  const m = await api(srv, 'POST', '/api/v2/media', { token: ann.token, form: form('sketch.png', png(40, 30)) });
  assert.equal(m.status, 200);
  const doc = await upload(ann, 'brief.md', '# Brief\nThe plan.\n');
  const r = await post(ann, `${C}/${c.id}/topics`, { title: 'New lobby', status: 'Sketch and brief attached', media_ids: [m.body.id, doc.id] });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  const atts = r.body.status.media_attachments;
  assert.deepEqual(atts.map((a) => a.id), [m.body.id, doc.id]);
  assert.equal(atts[0].type, 'image');
  // a member sees the image (it takes the topic's audience) and the document as a restricted stub
  assert.equal((await post(ann, `${C}/${c.id}/invite`, { account_id: bob.id })).status, 200);
  assert.equal((await post(bob, `${C}/${c.id}/invitation/accept`)).status, 200);
  const seen = await get(bob, `/api/v1/statuses/${r.body.id}`);
  assert.equal(seen.status, 200);
  assert.equal(seen.body.media_attachments[0].type, 'image');
  assert.equal((await bytesOf(bob, `${F}/${m.body.id}/download`)).res.status, 200);
  assert.equal(seen.body.media_attachments[1].moka.document, true);
  assert.equal((await get(bob, `${F}/${doc.id}/download`)).status, 404);
  // a non-member sees neither the topic nor its image
  assert.equal((await get(carl, `/api/v1/statuses/${r.body.id}`)).status, 404);
  assert.equal((await bytesOf(carl, `${F}/${m.body.id}/download`)).res.status, 404);
  // bad media ids: 422, no topic made
  const before = (await get(ann, `${C}/${c.id}/topics`)).body.length;
  const bad = await post(ann, `${C}/${c.id}/topics`, { title: 'Broken', status: 'x', media_ids: ['nope'] });
  assert.equal(bad.status, 422);
  assert.match(bad.body.error, /^media_ids/);
  assert.equal((await get(ann, `${C}/${c.id}/topics`)).body.length, before);
});
