// Search and the expertise locator: people (accents, prefixes, one typo,
// column weights), posts (phrases, exclusion, freshness after writes and
// deletes), Mastodon's v2 search, bad input, experts ranked by evidence
// and network distance, the directory, ask my network and "Questions for
// you" (including the offer of unanswered questions to experts).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, stopServer, api, createUser, moka } from './lib.js';

let srv, ana, bruno, chloe, dev, emma, fred;
const req = (u, method, path, json) => api(srv, method, path, { token: u.token, json });
const get = (u, path) => req(u, 'GET', path);
const S = (q, extra = '') => `/api/moka/v1/search?q=${encodeURIComponent(q)}${extra}`;

async function profile(u, fields) {
  const r = await req(u, 'PATCH', '/api/moka/v1/profiles/me', fields);
  assert.equal(r.status, 200, JSON.stringify(r.body));
}
async function say(u, text, extra = {}) {
  const r = await req(u, 'POST', '/api/v1/statuses', { status: text, ...extra });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body;
}
async function connect(a, b) {
  await req(a, 'POST', `/api/moka/v1/accounts/${b.id}/connect`, {});
  await req(b, 'POST', `/api/moka/v1/accounts/${a.id}/connect`, {});
}
const names = (section) => section.items.map((i) => i.account.username);

before(async () => {
  // the offer job runs every second, for questions older than 2 s
  srv = await startServer({ settings: { question_offer_interval: 1, question_offer_after: 2 } });
  ana = createUser(srv, 'ana', { name: 'Ana Lopes', title: 'Software Engineer', department: 'Engineering', location: 'Lyon' });
  bruno = createUser(srv, 'bruno', { name: 'Bruno Réseau', title: 'Network Engineer', department: 'IT', location: 'Paris' });
  chloe = createUser(srv, 'chloe', { name: 'Chloé Martin', title: 'Account Executive', department: 'Sales', location: 'Lyon' });
  dev = createUser(srv, 'dev', { name: 'Devendra Rao', title: 'Data Engineer', department: 'Engineering', location: 'Pune' });
  emma = createUser(srv, 'emma', { name: 'Emma Stone', title: 'Designer', department: 'Design', location: 'Paris' });
  fred = createUser(srv, 'fred', { name: 'Frederic Blanc', title: 'Accountant', department: 'Finance', location: 'Lyon' });
  await profile(bruno, { expertise: ['Réseau', 'PostgreSQL'], about: 'I keep the network up.' });
  await profile(dev, { expertise: ['Kafka'], about: 'Streams. Sometimes I mention postgresql in passing.' });
  await profile(chloe, { expertise: ['Négociation'], about: 'Key accounts in the Lyon area.' });
});

after(async () => { await stopServer(srv); });

test('people: accents both ways, declared expertise above a mention in the bio', async () => {
  let r = await get(ana, S('reseau', '&type=people'));
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.deepEqual(names(r.body.people), ['bruno']);
  assert.match(r.body.people.items[0].highlight, /<mark>Réseau<\/mark>/);
  r = await get(ana, S('Réseau', '&type=people'));
  assert.deepEqual(names(r.body.people), ['bruno']);
  r = await get(ana, S('chloe', '&type=people'));
  assert.deepEqual(names(r.body.people), ['chloe']);
  r = await get(ana, S('postgresql', '&type=people'));
  assert.deepEqual(names(r.body.people), ['bruno', 'dev'], 'expertise outranks the bio');
  // a hit in the expertise tags reads as a list, not as JSON
  assert.match(r.body.people.items[0].highlight, /<mark>postgresql<\/mark>/i);
  assert.doesNotMatch(r.body.people.items[0].highlight, /[[\]"]|&quot;/);
  assert.equal(r.body.people.total, 2);
});

test('people: name prefix as you type, one typo in a name', async () => {
  let r = await get(ana, S('Fr', '&type=people&as_you_type=true'));
  assert.deepEqual(names(r.body.people), ['fred']);
  r = await get(ana, S('Fr', '&type=people'));
  assert.deepEqual(names(r.body.people), [], 'no prefix unless as you type');
  r = await get(ana, S('Devendar', '&type=people')); // two letters swapped
  assert.deepEqual(names(r.body.people), ['dev']);
  r = await get(ana, S('Ktone', '&type=people')); // the first letter wrong
  assert.deepEqual(names(r.body.people), ['emma']);
  r = await get(ana, S('Stane', '&type=people')); // one letter wrong
  assert.deepEqual(names(r.body.people), ['emma']);
  assert.match(r.body.people.items[0].highlight, /<mark>Stone<\/mark>/);
});

test('people: deactivated people are left out of hits and counts', async () => {
  createUser(srv, 'zoltan', { name: 'Zoltan Reseau' });
  let r = await get(ana, S('reseau', '&type=people'));
  assert.deepEqual(names(r.body.people).sort(), ['bruno', 'zoltan']);
  moka(srv, ['user', 'deactivate', 'zoltan']);
  r = await get(ana, S('reseau', '&type=people'));
  assert.deepEqual(names(r.body.people), ['bruno']);
  assert.equal(r.body.people.total, 1);
});

test('people: department and location filters', async () => {
  const r = await get(ana, S('engineer', '&type=people&location=Lyon'));
  assert.deepEqual(names(r.body.people), ['ana']);
});

test('posts: phrase, exclusion, freshness after writes, edits and deletes', async () => {
  const p1 = await say(chloe, 'The quarterly pipeline review is on Friday');
  const p2 = await say(chloe, 'Pipeline tooling: review of the new CI setup');
  let r = await get(ana, S('pipeline review', '&type=posts'));
  assert.deepEqual(r.body.posts.items.map((i) => i.status.id).sort(), [p1.id, p2.id].sort());
  r = await get(ana, S('"pipeline review"', '&type=posts'));
  assert.deepEqual(r.body.posts.items.map((i) => i.status.id), [p1.id]);
  assert.match(r.body.posts.items[0].highlight, /<mark>pipeline review<\/mark>/);
  r = await get(ana, S('pipeline -quarterly', '&type=posts'));
  assert.deepEqual(r.body.posts.items.map((i) => i.status.id), [p2.id]);
  // an edit is searchable at once; the old words are gone
  let e = await req(chloe, 'PUT', `/api/v1/statuses/${p2.id}`, { status: 'Build tooling: the new CI setup' });
  assert.equal(e.status, 200, JSON.stringify(e.body));
  r = await get(ana, S('pipeline', '&type=posts'));
  assert.deepEqual(r.body.posts.items.map((i) => i.status.id), [p1.id]);
  r = await get(ana, S('tooling', '&type=posts'));
  assert.deepEqual(r.body.posts.items.map((i) => i.status.id), [p2.id]);
  // deleted: gone from results and counts at once
  e = await req(chloe, 'DELETE', `/api/v1/statuses/${p1.id}`);
  assert.equal(e.status, 200);
  r = await get(ana, S('pipeline', '&type=posts'));
  assert.equal(r.body.posts.total, 0);
  assert.deepEqual(r.body.posts.items, []);
});

test('posts: snippets are safe HTML', async () => {
  await say(emma, 'Escaping check <script>alert(1)</script> & zebracorn');
  const r = await get(ana, S('zebracorn', '&type=posts'));
  const h = r.body.posts.items[0].highlight;
  assert.ok(!h.includes('<script>'), h);
  assert.match(h, /&lt;script&gt;/);
  assert.match(h, /&amp; <mark>zebracorn<\/mark>/);
});

test('Mastodon v2 search: accounts, statuses, hashtags', async () => {
  await say(emma, 'Colour palettes for the #branding refresh');
  let r = await get(ana, '/api/v2/search?q=branding');
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.statuses.length, 1);
  assert.match(r.body.statuses[0].content, /palettes/);
  assert.deepEqual(r.body.hashtags.map((h) => h.name), ['branding']);
  assert.match(r.body.hashtags[0].url, /\/tags\/branding$/);
  r = await get(ana, '/api/v2/search?q=emma&type=accounts');
  assert.deepEqual(r.body.accounts.map((a) => a.username), ['emma']);
  assert.deepEqual(r.body.statuses, []);
  r = await get(ana, '/api/v2/search?q=bran&type=hashtags');
  assert.deepEqual(r.body.hashtags.map((h) => h.name), ['branding']);
});

test('bad input: clear 422s, never an index syntax error', async () => {
  const bad = [
    ['', /q: empty/], ['   ', /q: empty/], ['-only', /not excluded/], ['***', /q: empty/],
    ['x'.repeat(600), /512 bytes/],
    [Array.from({ length: 20 }, (_, i) => `w${i}`).join(' '), /16 words/],
  ];
  for (const [q, re] of bad) {
    const r = await get(ana, S(q));
    assert.equal(r.status, 422, `${q}: ${JSON.stringify(r.body)}`);
    assert.match(r.body.error, re);
  }
  // FTS5 syntax in user text is just text
  for (const q of ['a AND OR', '"unclosed', 'NEAR(a b)', 'col:value', '^start', 'a*b', '(x']) {
    const r = await get(ana, S(q));
    assert.equal(r.status, 200, `${q}: ${JSON.stringify(r.body)}`);
  }
  let r = await get(ana, '/api/moka/v1/search');
  assert.equal(r.status, 422);
  assert.match(r.body.error, /^q:/);
  r = await get(ana, S('x', '&type=nonsense'));
  assert.equal(r.status, 422);
  assert.match(r.body.error, /^type:/);
  r = await get(ana, '/api/v2/search?q=' + encodeURIComponent('%'.repeat(700)));
  assert.equal(r.status, 422);
  r = await api(srv, 'GET', S('ana'));
  assert.equal(r.status, 401);
});

test('experts: declared expertise and evidence, nearest in the network first', async () => {
  // gina and hugo both know Terraform; hugo also answers about it, gina is in ana's network
  const gina = createUser(srv, 'gina', { name: 'Gina Park' });
  const hugo = createUser(srv, 'hugo', { name: 'Hugo Petit' });
  const ivan = createUser(srv, 'ivan', { name: 'Ivan Roux' });
  await profile(gina, { expertise: ['Terraform'] });
  await profile(hugo, { expertise: ['Terraform'] });
  await say(hugo, 'How I split #terraform state per environment');
  await say(hugo, 'Terraform modules: versioning them sanely');
  await say(ivan, 'Lunch at noon?');
  let r = await get(fred, '/api/moka/v1/experts?q=Terraform');
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.deepEqual(r.body.map((e) => e.account.username), ['hugo', 'gina'], 'evidence first');
  assert.equal(r.body[0].reasons.posts, 2);
  assert.match(r.body[0].why, /expertise: terraform · 2 posts on it/);
  // ana connected to ivan, ivan to gina: gina is 2nd degree for ana
  await connect(ana, ivan);
  await connect(ivan, gina);
  r = await get(ana, '/api/moka/v1/experts?q=terraform');
  assert.deepEqual(r.body.map((e) => e.account.username), ['gina', 'hugo'], 'network first');
  assert.equal(r.body[0].distance, 2);
  assert.equal(r.body[0].reasons.through.username, 'ivan');
  assert.match(r.body[0].why, /connected through Ivan Roux/);
  // a question draft: its keywords
  r = await get(ana, '/api/moka/v1/experts?text=' + encodeURIComponent('Who can help with our Terraform state?') + '&limit=5');
  assert.equal(r.body[0].account.username, 'gina');
  r = await get(ana, '/api/moka/v1/experts');
  assert.equal(r.status, 422);
  // people you may know: shared expertise
  r = await get(gina, '/api/moka/v1/people/suggestions?limit=40');
  const hugoSuggested = r.body.find((s) => s.account.username === 'hugo');
  assert.ok(hugoSuggested && hugoSuggested.reasons.includes('shared_expertise'), JSON.stringify(r.body));
  assert.ok(!r.body.some((s) => s.account.username === 'ivan'), 'not an existing connection');
});

test('experts: accepted answers on the topic outrank declared expertise alone', async () => {
  const jo = createUser(srv, 'jo', { name: 'Jo Answers' });
  const kim = createUser(srv, 'kim', { name: 'Kim Declares' });
  await profile(kim, { expertise: ['Grafana'] });
  const q = await say(fred, 'How do I template a Grafana dashboard?', { question: true });
  const a = await say(jo, 'Use dashboard variables, it works well', { in_reply_to_id: q.id });
  const r0 = await req(fred, 'POST', `/api/moka/v1/questions/${q.id}/accept`, { answer_id: a.id });
  assert.equal(r0.status, 200, JSON.stringify(r0.body));
  const r = await get(emma, '/api/moka/v1/experts?q=grafana');
  assert.deepEqual(r.body.map((e) => e.account.username).slice(0, 2), ['jo', 'kim']);
  assert.equal(r.body[0].reasons.accepted_answers, 1);
  assert.match(r.body[0].why, /1 accepted answer/);
  assert.ok(!r.body.some((e) => e.account.username === 'emma'), 'never the asker');
});

test('directory: filters and sorts', async () => {
  let r = await get(ana, '/api/moka/v1/people?location=Lyon');
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.deepEqual(r.body.accounts.map((a) => a.username), ['ana', 'chloe', 'fred']);
  assert.equal(r.body.total, 3);
  r = await get(ana, '/api/moka/v1/people?expertise=Réseau');
  assert.deepEqual(r.body.accounts.map((a) => a.username), ['bruno']);
  r = await get(ana, '/api/moka/v1/people?department=engineering&limit=1&offset=1');
  assert.deepEqual(r.body.accounts.map((a) => a.username), ['dev']);
  r = await get(ana, '/api/moka/v1/people?q=engineer&sort=relevance&location=Paris');
  assert.deepEqual(r.body.accounts.map((a) => a.username), ['bruno']);
  r = await get(ana, '/api/moka/v1/people?sort=size');
  assert.equal(r.status, 422);
});

test('ask my network: invitations, notifications, Questions for you, the offer', async () => {
  const q = await say(fred, 'Does anyone know how to tune PostgreSQL autovacuum?', { question: true });
  let r = await req(fred, 'POST', `/api/moka/v1/statuses/${q.id}/ask`, { account_ids: [dev.id] });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.deepEqual(r.body.asked, [dev.id]);
  r = await req(fred, 'POST', `/api/moka/v1/statuses/${q.id}/ask`, { account_ids: [dev.id] });
  assert.deepEqual(r.body.asked, [], 'once');
  r = await req(ana, 'POST', `/api/moka/v1/statuses/${q.id}/ask`, { account_ids: [dev.id] });
  assert.equal(r.status, 403);
  r = await req(fred, 'POST', `/api/moka/v1/statuses/${q.id}/ask`, { account_ids: [1, 2, 3, 4, 5, 6] });
  assert.equal(r.status, 422);
  const n = await get(dev, '/api/v1/notifications');
  const asked = n.body.find((x) => x.type === 'moka.question_asked');
  assert.ok(asked, JSON.stringify(n.body.map((x) => x.type)));
  assert.equal(asked.account.username, 'fred');
  assert.equal(asked.status.id, q.id);
  // Questions for you: dev was asked; bruno's expertise matches
  r = await get(dev, '/api/moka/v1/questions_for_you');
  assert.deepEqual(r.body.map((x) => [x.status.id, x.reason]), [[q.id, 'asked']]);
  r = await get(bruno, '/api/moka/v1/questions_for_you');
  assert.deepEqual(r.body.map((x) => [x.status.id, x.reason]), [[q.id, 'expertise']]);
  r = await get(fred, '/api/moka/v1/questions_for_you');
  assert.deepEqual(r.body, [], 'not one\'s own');
  // nobody answered: after question_offer_after the job offers it to bruno (the expert), once
  let offered;
  for (let i = 0; i < 60 && !offered; i++) {
    await new Promise((res) => setTimeout(res, 250));
    const b = await get(bruno, '/api/v1/notifications');
    offered = b.body.find((x) => x.type === 'moka.question_asked' && x.status.id === q.id);
  }
  assert.ok(offered, 'offered to the expert');
  r = await get(bruno, '/api/moka/v1/questions_for_you');
  assert.equal(r.body[0].reason, 'asked');
});
