// Privacy matrix for files: each audience (private, shared with a person,
// a public / moderated / restricted community, the whole company) against
// each viewer (owner, named reader, community member, non-member,
// stranger) on every read path — metadata, download, thumbnail, versions,
// the lists and their counts — then media and documents attached to posts,
// and access taken away by unsharing and by leaving a community.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, stopServer, api, createUser } from './lib.js';
import { png } from './png.js';

const F = '/api/moka/v1/files';
const C = '/api/moka/v1/communities';
let srv, owner, reader, member, outsider, stranger;
const files = {};
const communities = {};

const call = (u, method, path, json) => api(srv, method, path, { token: u.token, json });
async function ok(u, method, path, json) {
  const r = await call(u, method, path, json);
  assert.equal(r.status, 200, `${method} ${path}: ${JSON.stringify(r.body)}`);
  return r.body;
}
async function upload(u, name, bytes, path = F) {
  const fd = new FormData();
  fd.append('file', new Blob([bytes]), name);
  const r = await api(srv, 'POST', path, { token: u.token, form: fd });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body;
}

before(async () => {
  srv = await startServer();
  owner = createUser(srv, 'owner');
  reader = createUser(srv, 'reader');
  member = createUser(srv, 'member');
  outsider = createUser(srv, 'outsider');
  stranger = createUser(srv, 'stranger');
  for (const type of ['public', 'moderated', 'restricted']) {
    const c = await ok(owner, 'POST', C, { name: `${type} team`, type });
    await ok(owner, 'POST', `${C}/${c.id}/invite`, { account_id: member.id });
    await ok(member, 'POST', `${C}/${c.id}/invitation/accept`);
    communities[type] = c.id;
  }
  const audiences = {
    private: {},
    people: { people: [{ id: reader.id, role: 'reader' }] },
    'community-public': { audience: 'community', community_id: communities.public },
    'community-moderated': { audience: 'community', community_id: communities.moderated },
    'community-restricted': { audience: 'community', community_id: communities.restricted },
    company: { audience: 'company' },
  };
  for (const [name, share] of Object.entries(audiences)) {
    const f = await upload(owner, `${name}.png`, png(40, 30));
    await ok(owner, 'PATCH', `${F}/${f.id}`, share);
    files[name] = f.id;
  }
});
after(() => stopServer(srv));

// who may read what (1) — public and moderated communities are read by
// every signed-in person, restricted ones by their members
const matrix = {
  private: { owner: 1, reader: 0, member: 0, outsider: 0, stranger: 0 },
  people: { owner: 1, reader: 1, member: 0, outsider: 0, stranger: 0 },
  'community-public': { owner: 1, reader: 1, member: 1, outsider: 1, stranger: 1 },
  'community-moderated': { owner: 1, reader: 1, member: 1, outsider: 1, stranger: 1 },
  'community-restricted': { owner: 1, reader: 0, member: 1, outsider: 0, stranger: 0 },
  company: { owner: 1, reader: 1, member: 1, outsider: 1, stranger: 1 },
};
const viewers = () => ({ owner, reader, member, outsider, stranger });

test('metadata, download, thumbnail and versions follow the matrix', async () => {
  for (const [name, row] of Object.entries(matrix)) {
    for (const [who, u] of Object.entries(viewers())) {
      const id = files[name];
      const want = row[who] ? 200 : 404;
      const label = `${name} as ${who}`;
      const meta = await call(u, 'GET', `${F}/${id}`);
      assert.equal(meta.status, want, label);
      if (want === 200) {
        assert.equal(meta.body.name, `${name}.png`, label);
        assert.equal(meta.body.role, who === 'owner' ? 'owner' : 'reader', label);
        if (who !== 'owner') assert.equal(meta.body.sharing.people, undefined, label);
      } else {
        assert.deepEqual(meta.body, { error: 'Record not found' }, label);
      }
      for (const path of ['download', 'thumbnail', 'versions', 'versions/1/download']) {
        const r = await call(u, 'GET', `${F}/${id}/${path}`);
        assert.equal(r.status, want, `${label}: ${path}`);
      }
      const media = await call(u, 'GET', `/api/v1/media/${id}`);
      assert.equal(media.status, want, `${label}: media`);
    }
  }
});

test('lists and their counts show only what each viewer may read', async () => {
  const count = async (u, q) => {
    const r = await call(u, 'GET', `${F}?${q}&limit=200`);
    return r.status === 200 ? r.body.map((f) => f.name).sort() : r.status;
  };
  assert.deepEqual((await count(owner, 'list=mine')).length, 6);
  for (const u of [reader, member, outsider, stranger]) assert.deepEqual(await count(u, 'list=mine'), []);
  assert.deepEqual(await count(reader, 'list=shared'), ['people.png']);
  for (const u of [member, outsider, stranger]) assert.deepEqual(await count(u, 'list=shared'), []);
  for (const u of Object.values(viewers())) assert.deepEqual(await count(u, 'list=company'), ['company.png']);
  for (const type of ['public', 'moderated']) {
    for (const u of Object.values(viewers())) {
      assert.deepEqual(await count(u, `list=community&community_id=${communities[type]}`), [`community-${type}.png`], type);
    }
  }
  const rid = communities.restricted;
  assert.deepEqual(await count(member, `list=community&community_id=${rid}`), ['community-restricted.png']);
  for (const u of [reader, outsider, stranger]) assert.equal(await count(u, `list=community&community_id=${rid}`), 404);
  for (const u of [reader, member, outsider, stranger]) assert.deepEqual(await count(u, 'list=trash'), []);
});

test('nobody but the owner edits, shares, trashes or purges', async () => {
  for (const u of [reader, member, outsider]) {
    for (const id of Object.values(files)) {
      const r = await call(u, 'PATCH', `${F}/${id}`, { audience: 'private' });
      assert.ok([403, 404].includes(r.status), JSON.stringify(r.body));
      const d = await call(u, 'DELETE', `${F}/${id}`);
      assert.ok([403, 404].includes(d.status));
      const p = await call(u, 'POST', `${F}/${id}/purge`);
      assert.ok([403, 404].includes(p.status));
    }
  }
  for (const id of Object.values(files)) assert.equal((await call(owner, 'GET', `${F}/${id}`)).body.trashed_at, null);
});

test('media take their post\'s audience; documents keep their own', async () => {
  // media on a restricted-community post: its members only
  const fd = new FormData();
  fd.append('file', new Blob([png(16, 16)]), 'inside.png');
  const m = (await api(srv, 'POST', '/api/v2/media', { token: owner.token, form: fd })).body;
  const s = await ok(owner, 'POST', '/api/v1/statuses', { status: 'team picture', visibility: 'community', community_id: communities.restricted, media_ids: [m.id] });
  assert.equal(s.media_attachments[0].id, m.id);
  for (const [u, want] of [[member, 200], [outsider, 404], [stranger, 404], [reader, 404]]) {
    assert.equal((await call(u, 'GET', `${F}/${m.id}/download`)).status, want);
    assert.equal((await call(u, 'GET', `${F}/${m.id}/thumbnail`)).status, want);
    assert.equal((await call(u, 'GET', `/api/v1/media/${m.id}`)).status, want);
    assert.equal((await call(u, 'GET', `/api/v1/statuses/${s.id}`)).status, want);
  }
  // a private document on a public post: everyone sees the post, a stub only
  const doc = await upload(owner, 'salaries.csv', 'name,salary\n');
  const p = await ok(owner, 'POST', '/api/v1/statuses', { status: 'see attached', media_ids: [doc.id] });
  for (const u of [reader, member, outsider, stranger]) {
    const seen = await ok(u, 'GET', `/api/v1/statuses/${p.id}`);
    assert.equal(seen.media_attachments.length, 1);
    assert.equal(seen.media_attachments[0].moka.document, true);
    assert.ok(!JSON.stringify(seen).includes('salaries'));
    assert.equal((await call(u, 'GET', `${F}/${doc.id}`)).status, 404);
    assert.equal((await call(u, 'GET', `${F}/${doc.id}/download`)).status, 404);
  }
});

test('access goes at once: unsharing, leaving a restricted community, trashing', async () => {
  await ok(owner, 'PATCH', `${F}/${files.people}`, { people: [] });
  assert.equal((await call(reader, 'GET', `${F}/${files.people}`)).status, 404);
  assert.equal((await call(reader, 'GET', `${F}/${files.people}/download`)).status, 404);
  assert.deepEqual((await ok(reader, 'GET', `${F}?list=shared`)), []);
  await ok(member, 'POST', `${C}/${communities.restricted}/leave`);
  assert.equal((await call(member, 'GET', `${F}/${files['community-restricted']}`)).status, 404);
  assert.equal((await call(member, 'GET', `${F}/${files['community-restricted']}/download`)).status, 404);
  assert.equal((await call(member, 'GET', `${F}?list=community&community_id=${communities.restricted}`)).status, 404);
  await ok(owner, 'DELETE', `${F}/${files.company}`);
  for (const u of [reader, member, outsider, stranger]) {
    assert.equal((await call(u, 'GET', `${F}/${files.company}`)).status, 404);
    assert.deepEqual(await ok(u, 'GET', `${F}?list=company`), []);
  }
});
