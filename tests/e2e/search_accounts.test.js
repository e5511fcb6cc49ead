// Search renders its Accounts and Statuses in batches, through the caches
// of rendered JSON: every Account a search shows (Moka's search, Mastodon's
// v2 search, the experts, the directory) and every Status of a posts hit
// is the very JSON of GET /api/v1/accounts/:id and /api/v1/statuses/:id,
// key order included — read twice (the second from the cache), and again
// after the changes the cache must notice: a new display name, a follower.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, stopServer, api, createUser } from './lib.js';

let srv, quentin, vera, walt, post;
const req = (u, method, path, json) => api(srv, method, path, { token: u.token, json });
const get = (u, path) => req(u, 'GET', path);
const ok = (r) => { assert.equal(r.status, 200, JSON.stringify(r.body)); return r.body; };
const same = (have, want, what) => assert.equal(JSON.stringify(have), JSON.stringify(want), what);

// Where each endpoint shows quentin's Account.
const shown = {
  'moka search': async () => ok(await get(vera, '/api/moka/v1/search?type=people&q=zymurgy')).people.items[0].account,
  'moka search, all types': async () => ok(await get(vera, '/api/moka/v1/search?q=zymurgy')).people.items[0].account,
  'v2 search': async () => ok(await get(vera, '/api/v2/search?type=accounts&q=zymurgy')).accounts[0],
  experts: async () => ok(await get(vera, '/api/moka/v1/experts?q=zymurgy'))[0].account,
  directory: async () => ok(await get(vera, '/api/moka/v1/people?q=zymurgy')).accounts[0],
};

// Every endpoint, twice, against the account itself; returns it.
async function check(what) {
  const want = ok(await get(vera, `/api/v1/accounts/${quentin.id}`));
  for (const [where, read] of Object.entries(shown)) {
    for (const time of ['first', 'second']) {
      same(await read(), want, `${what}: ${where}, ${time} read`);
    }
  }
  const status = ok(await get(vera, `/api/v1/statuses/${post.id}`));
  same(status.account, want, `${what}: the Status's Account`);
  for (const time of ['first', 'second']) {
    const r = ok(await get(vera, '/api/moka/v1/search?type=posts&q=zymurgy'));
    same(r.posts.items[0].status, status, `${what}: a posts hit, ${time} read`);
    const m = ok(await get(vera, '/api/v2/search?type=statuses&q=zymurgy'));
    same(m.statuses[0], status, `${what}: a v2 statuses hit, ${time} read`);
  }
  return want;
}

before(async () => {
  srv = await startServer();
  quentin = createUser(srv, 'quentin', { name: 'Quentin Brewer', title: 'Brewer', department: 'Kitchen', location: 'Lille' });
  vera = createUser(srv, 'vera', { name: 'Vera Asker' });
  walt = createUser(srv, 'walt', { name: 'Walt Follower' });
  ok(await req(quentin, 'PATCH', '/api/moka/v1/profiles/me', { expertise: ['Zymurgy'], about: 'Zymurgy, mostly.' }));
  post = ok(await req(quentin, 'POST', '/api/v1/statuses', { status: 'Notes on zymurgy and yeast', visibility: 'public' }));
});

after(async () => { await stopServer(srv); });

test('search shows the Account and Status the API shows, after a rename and a follow too', async () => {
  const first = await check('at first');
  assert.equal(first.display_name, 'Quentin Brewer');

  ok(await api(srv, 'PATCH', '/api/v1/accounts/update_credentials',
    { token: quentin.token, form: { display_name: 'Quentin Renamed' } }));
  const renamed = await check('after the rename');
  assert.equal(renamed.display_name, 'Quentin Renamed');

  ok(await req(walt, 'POST', `/api/v1/accounts/${quentin.id}/follow`, {}));
  const followed = await check('after a follow');
  assert.equal(followed.followers_count, first.followers_count + 1);
});
