// Search over files (/api/moka/v1/search?type=files): names, tags and
// descriptions indexed in the upload's transaction; the text of plain
// text, Markdown and PDF files (a PDF written by hand here, read by
// pdftotext) indexed in the background within a second; accents; the
// index following renames, new versions, the trash and sharing; snippets
// escaped with <mark>; pagination and counts; bad input.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { startServer, stopServer, api, createUser } from './lib.js';

const F = '/api/moka/v1/files';
let srv, ann, bob;

// A one-page PDF showing text in Helvetica (WinAnsi: Latin-1 bytes for accents).
export function pdf(text) {
  const esc = text.replace(/[\\()]/g, (c) => `\\${c}`);
  const content = Buffer.from(`BT /F1 18 Tf 72 700 Td (${esc}) Tj ET`, 'latin1');
  const objs = [
    Buffer.from('<< /Type /Catalog /Pages 2 0 R >>'),
    Buffer.from('<< /Type /Pages /Kids [3 0 R] /Count 1 >>'),
    Buffer.from('<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R'
      + ' /Resources << /Font << /F1 5 0 R >> >> >>'),
    Buffer.concat([Buffer.from(`<< /Length ${content.length} >>\nstream\n`), content, Buffer.from('\nendstream')]),
    Buffer.from('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>'),
  ];
  const parts = [Buffer.from('%PDF-1.4\n')];
  const offsets = [];
  let at = parts[0].length;
  objs.forEach((o, i) => {
    const b = Buffer.concat([Buffer.from(`${i + 1} 0 obj\n`), o, Buffer.from('\nendobj\n')]);
    offsets.push(at);
    parts.push(b);
    at += b.length;
  });
  const xref = [`xref\n0 ${objs.length + 1}\n`, '0000000000 65535 f \n',
    ...offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`),
    `trailer\n<< /Size ${objs.length + 1} /Root 1 0 R >>\nstartxref\n${at}\n%%EOF\n`].join('');
  parts.push(Buffer.from(xref));
  return Buffer.concat(parts);
}

function form(name, bytes, fields = {}) {
  const fd = new FormData();
  for (const [k, v] of Object.entries(fields)) for (const x of [].concat(v)) fd.append(k, x);
  fd.append('file', new Blob([bytes], { type: 'application/octet-stream' }), name);
  return fd;
}
async function upload(u, name, bytes, fields = {}) {
  const r = await api(srv, 'POST', F, { token: u.token, form: form(name, bytes, fields) });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body;
}
const S = (q, extra = '') => `/api/moka/v1/search?type=files&q=${encodeURIComponent(q)}${extra}`;
async function find(u, q, extra) {
  const r = await api(srv, 'GET', S(q, extra), { token: u.token });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body.files;
}
const ids = (sec) => sec.items.map((i) => i.file && i.file.id);
// The extracted text arrives from a background worker: ask again until
// pred holds (at most 5 s; it takes milliseconds).
async function until(u, q, pred, what) {
  let sec;
  for (let i = 0; i < 100; i++) {
    sec = await find(u, q);
    if (pred(sec)) return sec;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail(`${what}: ${JSON.stringify(sec)}`);
}

before(async () => {
  srv = await startServer();
  ann = createUser(srv, 'ann');
  bob = createUser(srv, 'bob');
});
after(() => stopServer(srv));

test('name, tags and description are found at once, with an escaped highlight', async () => {
  const f = await upload(ann, 'Quokka <b>budget<i>.txt', 'nothing to see', { 'tags[]': ['Wombat'], description: 'numbat figures & more' });
  for (const q of ['quokka', 'wombat', 'numbat']) {
    const sec = await find(ann, q);
    assert.deepEqual(ids(sec), [f.id], q);
    assert.equal(sec.total, 1);
    assert.equal(sec.capped, false);
    assert.equal(sec.items[0].file.name, 'Quokka <b>budget<i>.txt');
  }
  const sec = await find(ann, 'budget');
  assert.equal(sec.items[0].highlight, 'Quokka &lt;b&gt;<mark>budget</mark>&lt;i&gt;.txt');
  assert.match((await find(ann, 'numbat')).items[0].highlight, /<mark>numbat<\/mark> figures &amp; more/);
});

test('the text of plain text, Markdown and PDF files, accents folded', async () => {
  const txt = await upload(ann, 'notes.txt', 'Minutes: the zanzibar roadmap is late.\n');
  const md = await upload(ann, 'plan.md', '# Réseau interne\n\nMigration vers **kubernetes** en mars.\n');
  const doc = await upload(ann, 'budget.pdf', pdf('Budget prévisionnel xylophone 2027'));
  assert.equal(doc.content_type, 'application/pdf');
  const z = await until(ann, 'zanzibar', (s) => s.total === 1, 'text file');
  assert.deepEqual(ids(z), [txt.id]);
  assert.equal(z.items[0].highlight.trim(), 'Minutes: the <mark>zanzibar</mark> roadmap is late.');
  const r = await until(ann, 'reseau', (s) => s.total === 1, 'markdown, accents');
  assert.deepEqual(ids(r), [md.id]);
  assert.match(r.items[0].highlight, /<mark>Réseau<\/mark> interne/);
  assert.deepEqual(ids(await find(ann, 'kubernetes')), [md.id]);
  const p = await until(ann, 'xylophone', (s) => s.total === 1, 'pdf');
  assert.deepEqual(ids(p), [doc.id]);
  assert.deepEqual(ids(await find(ann, 'previsionnel')), [doc.id], 'pdf accents');
  assert.deepEqual(ids(await find(ann, '"budget prévisionnel"')), [doc.id], 'phrase');
  assert.equal((await find(ann, 'xylophone -budget')).total, 0, 'exclusion');
  // a long text full of a word: the extract is cut around the first match
  const long = `${'filler words here. '.repeat(3000)}the tamarin clause ${'tamarin '.repeat(20000)}`;
  const big = await upload(ann, 'long.txt', long);
  const t = await until(ann, 'tamarin', (s) => s.total === 1, 'long text');
  assert.deepEqual(ids(t), [big.id]);
  assert.match(t.items[0].highlight, /^…words here\. filler words here\. the <mark>tamarin<\/mark> clause <mark>tamarin<\/mark>/);
  // an image has no text, a broken PDF gives none, and neither breaks anything
  const bad = await upload(ann, 'broken.pdf', Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(300, 7)]));
  const named = await until(ann, 'broken', (s) => s.total === 1, 'broken pdf by name');
  assert.deepEqual(ids(named), [bad.id]);
});

test('a rename, a new version and the trash update results at once', async () => {
  const f = await upload(ann, 'capybara.txt', 'first text mentions okapi\n');
  await until(ann, 'okapi', (s) => s.total === 1, 'first text');
  let r = await api(srv, 'PATCH', `${F}/${f.id}`, { token: ann.token, json: { name: 'tapir.txt' } });
  assert.equal(r.status, 200);
  assert.equal((await find(ann, 'capybara')).total, 0, 'old name gone');
  assert.deepEqual(ids(await find(ann, 'tapir')), [f.id], 'new name found');
  assert.deepEqual(ids(await find(ann, 'okapi')), [f.id], 'text kept by a rename');
  // the new version's text replaces the old one
  r = await api(srv, 'POST', `${F}/${f.id}/versions`, { token: ann.token, form: form('tapir.txt', 'second text mentions gazelle\n') });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal((await find(ann, 'okapi')).total, 0, 'old text gone at once');
  await until(ann, 'gazelle', (s) => s.total === 1, 'new text');
  // the trash: gone at once, back on restore
  assert.equal((await api(srv, 'DELETE', `${F}/${f.id}`, { token: ann.token })).status, 200);
  assert.equal((await find(ann, 'tapir')).total, 0);
  assert.equal((await find(ann, 'gazelle')).total, 0);
  assert.equal((await api(srv, 'POST', `${F}/${f.id}/restore`, { token: ann.token })).status, 200);
  assert.deepEqual(ids(await find(ann, 'gazelle')), [f.id]);
  // purged: gone for good, the extracted texts too
  const texts = () => spawnSync('sqlite3', [join(srv.dir, 'moka.db'),
    `SELECT count(*) FROM file_texts WHERE body LIKE '%okapi%' OR body LIKE '%gazelle%'`], { encoding: 'utf8' }).stdout.trim();
  assert.equal(texts(), '2');
  assert.equal((await api(srv, 'POST', `${F}/${f.id}/purge`, { token: ann.token })).status, 200);
  assert.equal((await find(ann, 'tapir')).total, 0);
  assert.equal(texts(), '0');
});

test('sharing: found by the people it is shared with, gone when narrowed', async () => {
  const f = await upload(ann, 'meerkat plan.txt', 'private words\n');
  assert.equal((await find(bob, 'meerkat')).total, 0, 'private: not found, not counted');
  let r = await api(srv, 'PATCH', `${F}/${f.id}`, { token: ann.token, json: { people: [{ id: bob.id, role: 'reader' }] } });
  assert.equal(r.status, 200);
  assert.deepEqual(ids(await find(bob, 'meerkat')), [f.id]);
  r = await api(srv, 'PATCH', `${F}/${f.id}`, { token: ann.token, json: { people: [] } });
  assert.equal(r.status, 200);
  const sec = await find(bob, 'meerkat');
  assert.equal(sec.total, 0);
  assert.deepEqual(sec.items, []);
  r = await api(srv, 'PATCH', `${F}/${f.id}`, { token: ann.token, json: { audience: 'company' } });
  assert.equal(r.status, 200);
  assert.deepEqual(ids(await find(bob, 'meerkat')), [f.id], 'company-wide');
  // author_id: only that owner's files
  assert.equal((await find(bob, 'meerkat', `&author_id=${bob.id}`)).total, 0);
  assert.equal((await find(bob, 'meerkat', `&author_id=${ann.id}`)).total, 1);
});

test('pagination and the all-types answer', async () => {
  const made = [];
  for (let i = 0; i < 5; i++) made.push((await upload(bob, `pangolin ${i}.txt`, `page ${i}\n`)).id);
  const one = await find(bob, 'pangolin', '&limit=2');
  const two = await find(bob, 'pangolin', '&limit=2&offset=2');
  const three = await find(bob, 'pangolin', '&limit=2&offset=4');
  assert.equal(one.total, 5);
  assert.equal(two.total, 5);
  const seen = [...ids(one), ...ids(two), ...ids(three)];
  assert.deepEqual(seen.sort(), made.sort());
  const all = await api(srv, 'GET', '/api/moka/v1/search?q=pangolin', { token: bob.token });
  assert.equal(all.status, 200);
  assert.equal(all.body.files.total, 5);
  assert.equal(all.body.files.items.length, 5);
  assert.equal(all.body.messages.total, 0);
  assert.equal(all.body.posts.total, 0);
  const both = await api(srv, 'GET', '/api/moka/v1/search?q=pangolin&type=files,messages', { token: bob.token });
  assert.deepEqual(Object.keys(both.body).sort(), ['files', 'messages', 'q']);
});

test('bad input: clear errors, no crash', async () => {
  const bad = async (path, re) => {
    const r = await api(srv, 'GET', path, { token: ann.token });
    assert.equal(r.status, 422, path);
    assert.match(r.body.error, re);
  };
  await bad('/api/moka/v1/search?type=files&q=', /^q: empty query/);
  await bad('/api/moka/v1/search?type=files', /^q: missing/);
  await bad(S('x'.repeat(600)), /^q: at most 512 bytes/);
  await bad(S('-only'), /^q: needs a word/);
  await bad('/api/moka/v1/search?type=file&q=a', /^type: expected .*files, messages/);
  await bad('/api/moka/v1/search?type=files&q=%ff%fe', /^q: not valid UTF-8/);
  // FTS syntax is only ever data
  for (const q of ['AND OR NOT', 'name:x*', '"unbalanced', 'NEAR(a b)', '*', '^x']) {
    const r = await api(srv, 'GET', S(q), { token: ann.token });
    assert.ok(r.status === 200 || r.status === 422, `${q}: ${r.status}`);
    if (r.status === 200) assert.equal(typeof r.body.files.total, 'number');
  }
  assert.equal((await api(srv, 'GET', S('quokka'))).status, 401);
});
