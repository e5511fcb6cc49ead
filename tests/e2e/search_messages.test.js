// Search in my messages (/api/moka/v1/search?type=messages): only the
// searcher's conversations, edits re-indexed, deleted messages gone at
// once, accents folded, snippets escaped, the conversation named, pages
// and counts. Who may find what (history, leaving) is in
// privacy_search.test.js.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, stopServer, api, createUser } from './lib.js';

const C = '/api/moka/v1/conversations';
let srv, ann, bob, eve, G, D;

const call = (who, method, path, json) => api(srv, method, path, { token: who.token, json });
async function ok(p) {
  const r = await p;
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body;
}
async function find(who, q, extra = '') {
  return (await ok(call(who, 'GET', `/api/moka/v1/search?type=messages&q=${encodeURIComponent(q)}${extra}`))).messages;
}
const ids = (sec) => sec.items.map((i) => i.message && i.message.id);

before(async () => {
  srv = await startServer();
  ann = createUser(srv, 'ann');
  bob = createUser(srv, 'bob');
  eve = createUser(srv, 'eve');
  G = await ok(call(ann, 'POST', C, { account_ids: [bob.id], group: true, title: 'Launch <team>' }));
  D = await ok(call(ann, 'POST', C, { account_ids: [eve.id] }));
});
after(() => stopServer(srv));

test('members find a message at once, with its conversation and an escaped highlight', async () => {
  const m = await ok(call(ann, 'POST', `${C}/${G.id}/messages`, { text: 'The okra delivery <is> on Tuesday & Wednesday' }));
  for (const who of [ann, bob]) {
    const sec = await find(who, 'okra');
    assert.equal(sec.total, 1);
    assert.deepEqual(ids(sec), [m.id]);
    assert.equal(sec.items[0].message.text, 'The okra delivery <is> on Tuesday & Wednesday');
    assert.deepEqual(sec.items[0].conversation, { id: G.id, kind: 'group', title: 'Launch <team>' });
    assert.equal(sec.items[0].highlight, 'The <mark>okra</mark> delivery &lt;is&gt; on Tuesday &amp; Wednesday');
  }
  const other = await find(eve, 'okra');
  assert.equal(other.total, 0, 'not a member: not found, not counted');
  assert.deepEqual(other.items, []);
});

test('accents, phrases and exclusions; one-to-one conversations too', async () => {
  const m = await ok(call(eve, 'POST', `${C}/${D.id}/messages`, { text: 'Réunion déplacée au café' }));
  assert.deepEqual(ids(await find(ann, 'reunion')), [m.id]);
  assert.deepEqual(ids(await find(ann, 'REUNION CAFE')), [m.id]);
  assert.deepEqual(ids(await find(ann, '"deplacee au cafe"')), [m.id]);
  assert.equal((await find(ann, 'reunion -cafe')).total, 0);
  assert.equal((await find(ann, 'reunion')).items[0].conversation.kind, 'direct');
  assert.equal((await find(bob, 'reunion')).total, 0);
});

test('an edit replaces the indexed text; a delete removes it', async () => {
  const m = await ok(call(bob, 'POST', `${C}/${G.id}/messages`, { text: 'bring the jicama' }));
  assert.deepEqual(ids(await find(ann, 'jicama')), [m.id]);
  await ok(call(bob, 'PATCH', `${C}/${G.id}/messages/${m.id}`, { text: 'bring the kohlrabi' }));
  assert.equal((await find(ann, 'jicama')).total, 0, 'old text gone');
  assert.deepEqual(ids(await find(ann, 'kohlrabi')), [m.id]);
  const r = await call(bob, 'DELETE', `${C}/${G.id}/messages/${m.id}`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  for (const who of [ann, bob]) assert.equal((await find(who, 'kohlrabi')).total, 0);
});

test('pages, author filter and the all-types answer', async () => {
  const sent = [];
  for (let i = 0; i < 5; i++) sent.push((await ok(call(i % 2 ? bob : ann, 'POST', `${C}/${G.id}/messages`, { text: `rutabaga note ${i}` }))).id);
  const pages = [];
  for (let off = 0; off < 6; off += 2) pages.push(await find(ann, 'rutabaga', `&limit=2&offset=${off}`));
  assert.ok(pages.every((p) => p.total === 5));
  assert.deepEqual(pages.flatMap(ids).sort(), sent.sort());
  assert.equal((await find(ann, 'rutabaga', `&author_id=${bob.id}`)).total, 2);
  const all = await ok(call(bob, 'GET', '/api/moka/v1/search?q=rutabaga'));
  assert.equal(all.messages.total, 5);
  assert.equal(all.messages.items.length, 5, 'the all-types answer shows 5 of each');
  assert.equal(all.files.total, 0);
});
