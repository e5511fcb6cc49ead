// Search's privacy matrix: the author, a connection (1st degree), a
// colleague of a colleague (2nd), a 3rd-degree colleague, someone
// mentioned and a follower, against posts of every audience, through
// every search path — Moka's search (hits and counts), Mastodon's v2
// search, questions, hashtags, the experts' evidence — then again after a
// disconnect narrows who sees what, and for restricted communities and
// their forum topics.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, stopServer, api, createUser } from './lib.js';

let srv;
const u = {};
const AUDIENCES = ['public', 'unlisted', 'network', 'connections', 'private', 'direct'];
const VIEWERS = ['author', 'conn', 'second', 'third', 'mentioned', 'follower'];
const SEES = {
  author: ['public', 'unlisted', 'network', 'connections', 'private', 'direct'],
  conn: ['public', 'unlisted', 'network', 'connections', 'private'],
  second: ['public', 'unlisted', 'network'],
  third: ['public', 'unlisted'],
  mentioned: ['public', 'unlisted', 'network', 'connections', 'private', 'direct'],
  follower: ['public', 'unlisted', 'private'],
};
const P = {};
const get = (who, path) => api(srv, 'GET', path, { token: u[who].token });
const send = (who, method, path, json) => api(srv, method, path, { token: u[who].token, json });
const S = (q, extra = '') => `/api/moka/v1/search?q=${encodeURIComponent(q)}${extra}`;
// each audience's post carries a word of its own and a shared one
const WORD = { public: 'alpha', unlisted: 'bravo', network: 'charlie', connections: 'delta', private: 'echo', direct: 'foxtrot' };

async function connect(a, b) {
  await send(a, 'POST', `/api/moka/v1/accounts/${u[b].id}/connect`, {});
  await send(b, 'POST', `/api/moka/v1/accounts/${u[a].id}/connect`, {});
}

before(async () => {
  srv = await startServer();
  for (const name of [...VIEWERS, 'bridge', 'cowner', 'cmember', 'cout']) u[name] = createUser(srv, name);
  await connect('author', 'conn');
  await connect('conn', 'second');
  await connect('second', 'bridge');
  await connect('bridge', 'third');
  await send('follower', 'POST', `/api/v1/accounts/${u.author.id}/follow`, {});
  await send('author', 'PATCH', '/api/moka/v1/profiles/me', { expertise: ['Zymurgy'] });
  for (const a of AUDIENCES) {
    const r = await send('author', 'POST', '/api/v1/statuses', {
      status: `zymurgy matrixword ${WORD[a]}word #tag${WORD[a]} @mentioned`, visibility: a, question: true,
    });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    P[a] = r.body;
  }
});

after(async () => { await stopServer(srv); });

test('every search path shows each viewer exactly what they may see, counts included', async () => {
  for (const v of VIEWERS) {
    const want = SEES[v].map((a) => P[a].id).sort();
    let r = await get(v, S('matrixword', '&type=posts&limit=40'));
    assert.equal(r.status, 200);
    assert.deepEqual(r.body.posts.items.map((i) => i.status.id).sort(), want, `${v}: posts`);
    assert.equal(r.body.posts.total, want.length, `${v}: count`);
    r = await get(v, S('matrixword', '&type=questions&limit=40'));
    assert.deepEqual(r.body.questions.items.map((i) => i.status.id).sort(), want, `${v}: questions`);
    assert.equal(r.body.questions.total, want.length);
    r = await get(v, '/api/v2/search?q=matrixword&type=statuses&limit=40');
    assert.deepEqual(r.body.statuses.map((s) => s.id).sort(), want, `${v}: v2`);
    for (const a of AUDIENCES) {
      const sees = SEES[v].includes(a);
      r = await get(v, S(`${WORD[a]}word`));
      assert.equal(r.body.posts.total, sees ? 1 : 0, `${v} ${a}: total`);
      assert.equal(r.body.questions.total, sees ? 1 : 0, `${v} ${a}: questions total`);
      r = await get(v, `/api/v2/search?q=tag${WORD[a]}&type=hashtags`);
      assert.deepEqual(r.body.hashtags.map((h) => h.name), sees ? [`tag${WORD[a]}`] : [], `${v} ${a}: hashtag`);
    }
    // the experts' evidence counts only posts the asker may see
    if (v !== 'author') {
      r = await get(v, '/api/moka/v1/experts?q=zymurgy');
      const me = r.body.find((e) => e.account.username === 'author');
      assert.equal(me.reasons.posts, SEES[v].length, `${v}: evidence`);
    }
  }
});

test('a disconnect narrows search results at once', async () => {
  await send('conn', 'POST', `/api/moka/v1/accounts/${u.author.id}/disconnect`, {});
  const r = await get('conn', S('matrixword', '&type=posts&limit=40'));
  assert.deepEqual(r.body.posts.items.map((i) => i.status.id).sort(), [P.public.id, P.unlisted.id].sort());
  assert.equal(r.body.posts.total, 2);
  await connect('author', 'conn');
});

test('a deleted post leaves everyone\'s results and counts', async () => {
  const r0 = await send('author', 'POST', '/api/v1/statuses', { status: 'ephemeralword here', visibility: 'public' });
  assert.equal((await get('third', S('ephemeralword'))).body.posts.total, 1);
  await send('author', 'DELETE', `/api/v1/statuses/${r0.body.id}`);
  for (const v of ['author', 'third']) {
    const r = await get(v, S('ephemeralword'));
    assert.equal(r.body.posts.total, 0);
    assert.deepEqual(r.body.posts.items, []);
  }
});

test('restricted communities: names, posts and topics only for members', async () => {
  let r = await send('cowner', 'POST', '/api/moka/v1/communities', { name: 'Secret quokka club', description: 'quokka plans', type: 'restricted' });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  const cid = r.body.id;
  r = await send('cowner', 'POST', `/api/moka/v1/communities/${cid}/invite`, { account_id: u.cmember.id });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  r = await send('cmember', 'POST', `/api/moka/v1/communities/${cid}/invitation/accept`, {});
  assert.equal(r.status, 200, JSON.stringify(r.body));
  r = await send('cowner', 'POST', '/api/v1/statuses', { status: 'quokka roadmap', visibility: 'community', community_id: cid });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  r = await send('cowner', 'POST', `/api/moka/v1/communities/${cid}/topics`, { title: 'Quokka feeding schedule', status: 'first quokka topic' });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  for (const [who, sees] of [['cowner', true], ['cmember', true], ['cout', false]]) {
    r = await get(who, S('quokka', '&limit=40'));
    assert.equal(r.status, 200);
    assert.equal(r.body.communities.total, sees ? 1 : 0, `${who}: communities`);
    assert.equal(r.body.posts.total > 0, sees, `${who}: posts ${JSON.stringify(r.body.posts)}`);
    assert.equal(r.body.topics.total, sees ? 1 : 0, `${who}: topics`);
    if (sees) assert.match(r.body.topics.items[0].highlight, /<mark>Quokka<\/mark> feeding/);
    if (!sees) assert.ok(!JSON.stringify(r.body).includes('roadmap'));
  }
});

test('files: found and counted only by those files_role lets read', async () => {
  for (const n of ['fowner', 'freader', 'fother', 'fcmember']) u[n] = createUser(srv, n);
  const up = async (name, text) => {
    const fd = new FormData();
    fd.append('file', new Blob([text]), name);
    const r = await api(srv, 'POST', '/api/moka/v1/files', { token: u.fowner.token, form: fd });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return r.body.id;
  };
  let r = await send('fowner', 'POST', '/api/moka/v1/communities', { name: 'Vault', description: 'restricted', type: 'restricted' });
  const cid = r.body.id;
  await send('fowner', 'POST', `/api/moka/v1/communities/${cid}/invite`, { account_id: u.fcmember.id });
  await send('fcmember', 'POST', `/api/moka/v1/communities/${cid}/invitation/accept`, {});
  const F = {
    private: await up('lemurfile private.txt', 'lemurtext private'),
    shared: await up('lemurfile shared.txt', 'lemurtext shared'),
    community: await up('lemurfile community.txt', 'lemurtext community'),
    company: await up('lemurfile company.txt', 'lemurtext company'),
  };
  assert.equal((await send('fowner', 'PATCH', `/api/moka/v1/files/${F.shared}`, { people: [{ id: u.freader.id, role: 'reader' }] })).status, 200);
  assert.equal((await send('fowner', 'PATCH', `/api/moka/v1/files/${F.community}`, { audience: 'community', community_id: cid })).status, 200);
  assert.equal((await send('fowner', 'PATCH', `/api/moka/v1/files/${F.company}`, { audience: 'company' })).status, 200);
  const SEES_F = {
    fowner: ['private', 'shared', 'community', 'company'],
    freader: ['shared', 'company'],
    fcmember: ['community', 'company'],
    fother: ['company'],
  };
  // the text arrives in the background: wait until the owner finds all four by it
  for (let i = 0; i < 100; i++) {
    if ((await get('fowner', S('lemurtext', '&type=files'))).body.files.total === 4) break;
    await new Promise((res) => setTimeout(res, 50));
  }
  for (const [v, sees] of Object.entries(SEES_F)) {
    for (const q of ['lemurfile', 'lemurtext']) {
      r = await get(v, S(q, '&type=files&limit=40'));
      assert.equal(r.body.files.total, sees.length, `${v} ${q}: count`);
      assert.deepEqual(r.body.files.items.map((i) => i.file.id).sort(), sees.map((k) => F[k]).sort(), `${v} ${q}`);
      r = await get(v, S(q));
      assert.equal(r.body.files.total, sees.length, `${v} ${q}: all types`);
    }
  }
  // narrowing and the trash act at once
  await send('fowner', 'PATCH', `/api/moka/v1/files/${F.company}`, { audience: 'private' });
  await send('fowner', 'DELETE', `/api/moka/v1/files/${F.shared}`);
  assert.equal((await get('freader', S('lemurfile', '&type=files'))).body.files.total, 0);
  assert.equal((await get('fother', S('lemurfile', '&type=files'))).body.files.total, 0);
  assert.equal((await get('fowner', S('lemurfile', '&type=files'))).body.files.total, 3, 'the owner does not find the trash');
  // leaving the restricted community: its files go from the results at once
  assert.equal((await get('fcmember', S('lemurfile', '&type=files'))).body.files.total, 1);
  assert.equal((await send('fcmember', 'POST', `/api/moka/v1/communities/${cid}/leave`, {})).status, 200);
  r = await get('fcmember', S('lemurtext', '&type=files'));
  assert.equal(r.body.files.total, 0);
  assert.deepEqual(r.body.files.items, []);
});

test('messages: found by members only, within their history, not after leaving', async () => {
  for (const n of ['mowner', 'mmember', 'mnewbie', 'mhistorian', 'mleaver', 'mstranger']) u[n] = createUser(srv, n);
  const C = '/api/moka/v1/conversations';
  const hidden = (await send('mowner', 'POST', C, { account_ids: [u.mmember.id, u.mleaver.id], title: 'Hidden' })).body;
  const open = (await send('mowner', 'POST', C, { account_ids: [u.mmember.id], title: 'Open', history_visible: true })).body;
  const say = async (conv, text) => (await send('mowner', 'POST', `${C}/${conv.id}/messages`, { text })).body.id;
  const before1 = await say(hidden, 'walrusword before the newbie');
  const before2 = await say(open, 'walrusword before the historian');
  await send('mowner', 'POST', `${C}/${hidden.id}/members`, { account_ids: [u.mnewbie.id] });
  await send('mowner', 'POST', `${C}/${open.id}/members`, { account_ids: [u.mhistorian.id] });
  const after1 = await say(hidden, 'walrusword after the newbie');
  const SEES_M = {
    mowner: [before1, before2, after1],
    mmember: [before1, before2, after1],
    mleaver: [before1, after1],
    mnewbie: [after1],
    mhistorian: [before2],
    mstranger: [],
  };
  const check = async (sees) => {
    for (const [v, want] of Object.entries(sees)) {
      const r = await get(v, S('walrusword', '&type=messages&limit=40'));
      assert.equal(r.status, 200);
      assert.equal(r.body.messages.total, want.length, `${v}: count`);
      assert.deepEqual(r.body.messages.items.map((i) => i.message.id).sort(), [...want].sort(), v);
      const all = await get(v, S('walrusword'));
      assert.equal(all.body.messages.total, want.length, `${v}: all types`);
    }
  };
  await check(SEES_M);
  // leaving, being removed: nothing from the commit on
  assert.equal((await send('mleaver', 'POST', `${C}/${hidden.id}/leave`, {})).status, 200);
  assert.equal((await send('mowner', 'DELETE', `${C}/${open.id}/members/${u.mhistorian.id}`)).status, 200);
  await check({ ...SEES_M, mleaver: [], mhistorian: [] });
});
