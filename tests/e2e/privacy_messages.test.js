// Privacy matrix for conversations: who sees a group and its messages —
// a member, a removed member, a member who left, a new member of a group
// that hides its history, a new member of one that shows it, a removed
// member added again, and a stranger — on every read path: the list, one
// conversation, its messages, one message, search, unread counts, actions
// on a message, and live streams already open before the change.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, stopServer, api, createUser, openStream } from './lib.js';

const C = '/api/moka/v1/conversations';
let srv, u = {}, G, H, m = {}, hm1;
const streams = {};

const call = (who, method, path, json) => api(srv, method, path, { token: who.token, json });
async function ok(p) {
  const r = await p;
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body;
}

async function stream(who) {
  return openStream(srv, '/api/v1/streaming/user', who.token);
}
async function waitFor(pred, what, ms = 8000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (pred()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.fail(what);
}
const texts = (s) => s.messages.filter((e) => e.event === 'moka.message').map((e) => e.data.text);

before(async () => {
  srv = await startServer();
  for (const n of ['owner', 'member', 'removed', 'left', 'newbie', 'historian', 'readded', 'stranger'])
    u[n] = createUser(srv, n);
  // every viewer has a live stream open from the start
  for (const n of Object.keys(u)) streams[n] = await stream(u[n]);

  G = await ok(call(u.owner, 'POST', C, {
    account_ids: [u.member.id, u.removed.id, u.left.id, u.readded.id], title: 'Hidden history',
  }));
  H = await ok(call(u.owner, 'POST', C, { account_ids: [u.member.id], title: 'Open history', history_visible: true }));
  const send = async (conv, text) => (await ok(call(u.owner, 'POST', `${C}/${conv.id}/messages`, { text }))).id;
  m.alpha = await send(G, 'alpha before anyone joined');
  hm1 = await send(H, 'hotel before the historian joined');
  await ok(call(u.owner, 'POST', `${C}/${G.id}/members`, { account_ids: [u.newbie.id] }));
  await ok(call(u.owner, 'POST', `${C}/${H.id}/members`, { account_ids: [u.historian.id] }));
  m.bravo = await send(G, 'bravo after the newbie joined');
  // delivery is decided when the hub gets to an event: let bravo arrive before the removals
  for (const n of ['removed', 'left', 'readded'])
    await waitFor(() => texts(streams[n]).includes('bravo after the newbie joined'), `${n} gets bravo`);
  await ok(call(u.owner, 'DELETE', `${C}/${G.id}/members/${u.removed.id}`));
  await ok(call(u.left, 'POST', `${C}/${G.id}/leave`));
  await ok(call(u.owner, 'DELETE', `${C}/${G.id}/members/${u.readded.id}`));
  m.charlie = await send(G, 'charlie after the removal');
  await ok(call(u.owner, 'POST', `${C}/${G.id}/members`, { account_ids: [u.readded.id] }));
  m.delta = await send(G, 'delta after the re-adding');
  // everyone still in has had time to get delta live
  await waitFor(() => texts(streams.member).includes('delta after the re-adding'), 'member gets delta');
  await waitFor(() => texts(streams.readded).includes('delta after the re-adding'), 'readded gets delta');
});
after(async () => {
  for (const s of Object.values(streams)) s.close();
  await stopServer(srv);
});

// What each viewer may see of G: the messages, by word.
const sees = {
  owner: ['alpha', 'bravo', 'charlie', 'delta'],
  member: ['alpha', 'bravo', 'charlie', 'delta'],
  newbie: ['bravo', 'charlie', 'delta'],
  readded: ['delta'],
  removed: null,
  left: null,
  stranger: null,
  historian: null,
};

for (const [who, words] of Object.entries(sees)) {
  test(`${who}: list, conversation, messages, one message, search, unread`, async () => {
    const me = u[who];
    const list = await ok(call(me, 'GET', C));
    assert.equal(list.some((c) => c.id === G.id), !!words, 'in the list');
    const one = await call(me, 'GET', `${C}/${G.id}`);
    assert.equal(one.status, words ? 200 : 404);
    const msgs = await call(me, 'GET', `${C}/${G.id}/messages`);
    assert.equal(msgs.status, words ? 200 : 404);
    if (words) {
      assert.deepEqual(msgs.body.map((x) => x.text.split(' ')[0]), [...words].reverse());
      assert.equal(one.body.last_message.id, m.delta);
    } else {
      assert.deepEqual(msgs.body, { error: 'Record not found' });
    }
    for (const [word, id] of Object.entries(m)) {
      const visible = !!words && words.includes(word);
      const r = await call(me, 'GET', `${C}/${G.id}/messages/${id}`);
      assert.equal(r.status, visible ? 200 : 404, `message ${word}`);
      const react = await call(me, 'POST', `${C}/${G.id}/messages/${id}/reactions`, { emoji: '👀' });
      assert.equal(react.status, visible ? 200 : 404, `react to ${word}`);
      if (visible) await ok(call(me, 'POST', `${C}/${G.id}/messages/${id}/reactions`, { emoji: '👀' }));
      const found = await ok(call(me, 'GET', `${C}/search?q=${word}`));
      assert.equal(found.some((x) => x.id === id), visible, `search ${word}`);
      const edit = await call(me, 'PATCH', `${C}/${G.id}/messages/${id}`, { text: 'changed' });
      assert.equal(edit.status, visible ? (who === 'owner' ? 200 : 403) : 404, `edit ${word}`);
      if (who === 'owner') await ok(call(me, 'PATCH', `${C}/${G.id}/messages/${id}`, { text: `${word} again` }));
    }
    const total = await ok(call(me, 'GET', `${C}/unread_count`));
    if (!words || who === 'owner') {
      assert.ok(!list.some((c) => c.id === G.id && c.unread_count > 0));
    } else {
      const g = list.find((c) => c.id === G.id);
      assert.equal(g.unread_count, words.length, 'unread in G');
    }
    if (['removed', 'left', 'stranger'].includes(who)) assert.deepEqual(total, { unread: 0, conversations: 0 });
    if (who === 'newbie') assert.deepEqual(total, { unread: 3, conversations: 1 });
  });
}

test('live: streams opened before a removal or leaving get nothing after it', async () => {
  for (const who of ['removed', 'left', 'readded']) {
    const got = texts(streams[who]);
    assert.ok(!got.some((t) => t.startsWith('charlie')), `${who} got charlie`);
  }
  assert.ok(texts(streams.removed).includes('alpha before anyone joined'));
  assert.ok(texts(streams.removed).includes('bravo after the newbie joined'));
  assert.ok(!texts(streams.removed).some((t) => t.startsWith('delta')));
  assert.ok(!texts(streams.left).some((t) => t.startsWith('delta')));
  assert.ok(!texts(streams.newbie).some((t) => t.startsWith('alpha')));
  assert.deepEqual(texts(streams.stranger), []);
  assert.ok(streams.removed.messages.some((e) => e.event === 'moka.conversation.delete' && e.data.id === G.id));
  assert.ok(streams.left.messages.some((e) => e.event === 'moka.conversation.delete' && e.data.id === G.id));
  assert.ok(!streams.stranger.messages.some((e) => String(e.event).startsWith('moka.')));
  // edits and reactions made during the matrix went to members only
  assert.ok(!streams.removed.messages.some((e) => e.event === 'moka.message.update'));
  assert.ok(!streams.stranger.messages.some((e) => e.event === 'moka.message.update'));
});

test('a group that shows its history shows it to new members; turning it on and off applies at once', async () => {
  const hs = await ok(call(u.historian, 'GET', `${C}/${H.id}/messages`));
  assert.deepEqual(hs.map((x) => x.id), [hm1]);
  assert.equal((await ok(call(u.historian, 'GET', `${C}/search?q=hotel`))).length, 1);
  await ok(call(u.owner, 'PATCH', `${C}/${G.id}`, { history_visible: true }));
  let seen = await ok(call(u.newbie, 'GET', `${C}/${G.id}/messages`));
  assert.ok(seen.some((x) => x.id === m.alpha));
  await ok(call(u.owner, 'PATCH', `${C}/${G.id}`, { history_visible: false }));
  seen = await ok(call(u.newbie, 'GET', `${C}/${G.id}/messages`));
  assert.ok(!seen.some((x) => x.id === m.alpha));
  assert.equal((await call(u.newbie, 'GET', `${C}/${G.id}/messages/${m.alpha}`)).status, 404);
  // a deleted message is gone for everyone, on every path
  await ok(call(u.owner, 'DELETE', `${C}/${G.id}/messages/${m.delta}`));
  for (const who of ['owner', 'member', 'newbie', 'readded']) {
    assert.equal((await call(u[who], 'GET', `${C}/${G.id}/messages/${m.delta}`)).status, 404);
    assert.equal((await ok(call(u[who], 'GET', `${C}/search?q=delta`))).length, 0);
  }
});
