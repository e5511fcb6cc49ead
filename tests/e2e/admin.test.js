// The admin commands (`moka user …`, `moka token create`): through the
// running server's admin socket, and against the store when no server
// runs — same output and exit codes either way.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, statSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, stopServer, api, moka, MOKA, PASSWORD } from './lib.js';

// Runs moka with --data dir; returns { code, stdout, stderr } (never throws).
function run(dir, args, input) {
  const r = spawnSync(MOKA, [...args, '--data', dir], {
    input, encoding: 'utf8', env: { ...process.env, MOKA_ADMIN_TIMEOUT: '10' },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function addUser(dir, username, extra = []) {
  return run(dir, ['user', 'add', '--username', username, '--name', `${username} Example`,
    '--email', `${username}@example.com`, '--password-stdin', ...extra], PASSWORD + '\n');
}

// How many admin commands the server has run (it logs each one).
function served(srv) {
  return (srv.log.match(/admin: \S+ -> exit/g) || []).length;
}

// Waits (up to 5 s) until the server's log shows n admin commands: the log
// reaches us through a pipe, after the command's own reply.
async function servedAtLeast(srv, n) {
  for (let i = 0; i < 100 && served(srv) < n; i++) await new Promise((r) => setTimeout(r, 50));
  return served(srv);
}

describe('with the server running: through the admin socket', () => {
  let srv;
  before(async () => { srv = await startServer(); });
  after(async () => { await stopServer(srv); });

  test('the socket is private to the server\'s user', () => {
    const st = statSync(join(srv.dir, 'admin.sock'));
    assert.ok(st.isSocket());
    assert.equal(st.mode & 0o777, 0o600);
  });

  test('user add, list and token create go through the server', async () => {
    const n0 = served(srv);
    const a = addUser(srv.dir, 'alice', ['--title', 'Engineer', '--department', 'R&D', '--location', 'Lyon']);
    assert.equal(a.code, 0, a.stderr);
    assert.match(a.stdout, /^\d+\n$/);
    const b = addUser(srv.dir, 'bruno', ['--manager', 'alice', '--admin']);
    assert.equal(b.code, 0, b.stderr);
    const list = run(srv.dir, ['user', 'list']);
    assert.equal(list.code, 0);
    assert.match(list.stdout, /^ID\s+USERNAME\s+NAME\s+STATE\s+ROLE\s+TITLE\n/);
    assert.match(list.stdout, /\balice\s+alice Example\s+active\s+user\s+Engineer\n/);
    assert.match(list.stdout, /\bbruno\s+bruno Example\s+active\s+admin\s/);
    const token = moka(srv, ['token', 'create', 'alice']);
    assert.match(token, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(await servedAtLeast(srv, n0 + 4), n0 + 4, 'each command ran inside the server');
    // the server sees the new account and token at once (no restart)
    const v = await api(srv, 'GET', '/api/v1/accounts/verify_credentials', { token });
    assert.equal(v.status, 200);
    assert.equal(v.body.username, 'alice');
    const p = await api(srv, 'GET', `/api/moka/v1/profiles/${a.stdout.trim()}`, { token });
    assert.equal(p.body.department, 'R&D');
    const mgr = await api(srv, 'GET', `/api/moka/v1/profiles/${b.stdout.trim()}`, { token });
    assert.equal(mgr.body.manager_id, a.stdout.trim());
    // and the password works for signing in
    const s = await api(srv, 'POST', '/auth/sign_in', { json: { username: 'alice', password: PASSWORD } });
    assert.equal(s.status, 200);
  });

  test('token create --scopes limits the token', async () => {
    const t = run(srv.dir, ['token', 'create', 'alice', '--scopes', 'read']);
    assert.equal(t.code, 0, t.stderr);
    const token = t.stdout.trim();
    assert.equal((await api(srv, 'GET', '/api/v1/accounts/verify_credentials', { token })).status, 200);
    const w = await api(srv, 'POST', '/api/v1/statuses', { token, json: { status: 'hello' } });
    assert.equal(w.status, 403);
    const bad = run(srv.dir, ['token', 'create', 'alice', '--scopes', 'read fly']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /unknown scope 'fly'/);
    const adm = run(srv.dir, ['token', 'create', 'alice', '--scopes', 'admin:read']);
    assert.equal(adm.code, 2);
    assert.match(adm.stderr, /administrator/);
    assert.equal(run(srv.dir, ['token', 'create', 'bruno', '--scopes', 'admin:read']).code, 0);
  });

  test('errors: duplicate username (exit 3), unknown user (exit 4), bad input (exit 2)', () => {
    const dup = addUser(srv.dir, 'alice');
    assert.equal(dup.code, 3);
    assert.equal(dup.stdout, '');
    assert.match(dup.stderr, /moka user add: username or email already taken/);
    const dupEmail = run(srv.dir, ['user', 'add', '--username', 'alice2', '--name', 'A', '--email', 'ALICE@example.com']);
    assert.equal(dupEmail.code, 3);
    const unknown = run(srv.dir, ['user', 'deactivate', 'nobody']);
    assert.equal(unknown.code, 4);
    assert.match(unknown.stderr, /moka user deactivate: no such user 'nobody'/);
    const noTok = run(srv.dir, ['token', 'create', 'nobody']);
    assert.equal(noTok.code, 4);
    assert.match(noTok.stderr, /no such user 'nobody'/);
    const noMgr = addUser(srv.dir, 'carla', ['--manager', 'nobody']);
    assert.equal(noMgr.code, 4);
    assert.match(noMgr.stderr, /no such user 'nobody'/);
    const weak = run(srv.dir, ['user', 'add', '--username', 'dora', '--name', 'D', '--email', 'd@example.com', '--password', 'short']);
    assert.equal(weak.code, 2);
    assert.match(weak.stderr, /at least 12 characters/);
    const badName = run(srv.dir, ['user', 'add', '--username', 'no spaces', '--name', 'D', '--email', 'd@example.com']);
    assert.equal(badName.code, 2);
    assert.match(badName.stderr, /username/);
    const missing = run(srv.dir, ['user', 'add', '--username', 'dora']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /--name and --email are required/);
    const usage = run(srv.dir, ['user', 'frobnicate', 'x']);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /usage: moka user/);
    // nothing was created by any of these
    const list = run(srv.dir, ['user', 'list']).stdout;
    assert.doesNotMatch(list, /alice2|carla|dora/);
  });

  test('deactivate revokes tokens at once; activate lets the person sign in again', async () => {
    assert.equal(addUser(srv.dir, 'erik').code, 0);
    const token = moka(srv, ['token', 'create', 'erik']);
    assert.equal((await api(srv, 'GET', '/api/v1/accounts/verify_credentials', { token })).status, 200);
    const d = run(srv.dir, ['user', 'deactivate', 'erik']);
    assert.equal(d.code, 0);
    assert.equal(d.stdout, 'erik deactivated\n');
    assert.equal((await api(srv, 'GET', '/api/v1/accounts/verify_credentials', { token })).status, 401);
    assert.match(run(srv.dir, ['user', 'list']).stdout, /\berik\s+erik Example\s+inactive/);
    const t2 = run(srv.dir, ['token', 'create', 'erik']);
    assert.equal(t2.code, 1);
    assert.match(t2.stderr, /deactivated/);
    assert.equal(run(srv.dir, ['user', 'activate', 'erik']).stdout, 'erik activated\n');
    const s = await api(srv, 'POST', '/auth/sign_in', { json: { username: 'erik', password: PASSWORD } });
    assert.equal(s.status, 200);
  });

  test('user password sets a new password from stdin and ends browser sessions', async () => {
    assert.equal(addUser(srv.dir, 'fanny').code, 0);
    const s = await api(srv, 'POST', '/auth/sign_in', { json: { username: 'fanny', password: PASSWORD } });
    const cookie = /moka_session=([^;]*)/.exec(s.headers.get('set-cookie'))[1];
    const weak = run(srv.dir, ['user', 'password', 'fanny'], 'short\n');
    assert.equal(weak.code, 2);
    const p = run(srv.dir, ['user', 'password', 'fanny'], 'a brand new passphrase\n');
    assert.equal(p.code, 0, p.stderr);
    assert.match(p.stdout, /fanny: password set/);
    assert.equal((await api(srv, 'GET', '/auth/session', { headers: { Cookie: `moka_session=${cookie}` } })).status, 401);
    assert.equal((await api(srv, 'POST', '/auth/sign_in', { json: { username: 'fanny', password: PASSWORD } })).status, 401);
    assert.equal((await api(srv, 'POST', '/auth/sign_in', { json: { username: 'fanny', password: 'a brand new passphrase' } })).status, 200);
    assert.equal(run(srv.dir, ['user', 'password', 'ghost'], 'a brand new passphrase\n').code, 4);
  });

  test('a second server on the same data directory refuses to start', async () => {
    await assert.rejects(startServer({ dir: srv.dir }), /exited 1[\s\S]*another moka server is running/);
    // and did not disturb the first one's socket
    assert.ok(existsSync(join(srv.dir, 'admin.sock')));
    assert.equal(run(srv.dir, ['user', 'list']).code, 0);
  });
});

describe('without a server: the command opens the store itself', () => {
  test('same output and exit codes as through the socket; the server then sees the data', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'moka-admin-'));
    try {
      const a = addUser(dir, 'hugo', ['--title', 'Analyst']);
      assert.equal(a.code, 0, a.stderr);
      assert.equal(a.stdout, '1\n');
      assert.ok(!existsSync(join(dir, 'admin.sock')));
      const dup = addUser(dir, 'hugo');
      assert.equal(dup.code, 3);
      assert.match(dup.stderr, /moka user add: username or email already taken/);
      const unknown = run(dir, ['user', 'deactivate', 'nobody']);
      assert.equal(unknown.code, 4);
      assert.match(unknown.stderr, /moka user deactivate: no such user 'nobody'/);
      const offline = run(dir, ['token', 'create', 'hugo']);
      assert.equal(offline.code, 0);
      const listOffline = run(dir, ['user', 'list']).stdout;
      assert.match(listOffline, /\bhugo\s+hugo Example\s+active\s+user\s+Analyst\n/);

      const srv = await startServer({ dir });
      try {
        const n0 = served(srv);
        assert.equal(run(dir, ['user', 'list']).stdout, listOffline, 'same output through the socket');
        const dupOnline = addUser(dir, 'hugo');
        assert.equal(dupOnline.code, dup.code);
        assert.equal(dupOnline.stderr, dup.stderr);
        const unknownOnline = run(dir, ['user', 'deactivate', 'nobody']);
        assert.equal(unknownOnline.code, unknown.code);
        assert.equal(unknownOnline.stderr, unknown.stderr);
        assert.equal(await servedAtLeast(srv, n0 + 3), n0 + 3);
        // the token made without a server works with it
        const v = await api(srv, 'GET', '/api/v1/accounts/verify_credentials', { token: offline.stdout.trim() });
        assert.equal(v.status, 200);
        assert.equal(v.body.username, 'hugo');
      } finally {
        await stopServer(srv, { keep: true });
      }
      assert.ok(!existsSync(join(dir, 'admin.sock')), 'the socket is removed on clean shutdown');
      assert.equal(run(dir, ['user', 'deactivate', 'hugo']).code, 0);
      assert.match(run(dir, ['user', 'list']).stdout, /\bhugo\s+hugo Example\s+inactive/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a stale socket left by a killed server is handled by the command and by the next server', async () => {
    const srv = await startServer();
    try {
      assert.equal(addUser(srv.dir, 'ines').code, 0);
      await stopServer(srv, { kill9: true, keep: true });
      assert.ok(existsSync(join(srv.dir, 'admin.sock')), 'kill -9 leaves the socket behind');
      const r = addUser(srv.dir, 'jules');
      assert.equal(r.code, 0, r.stderr);
      const again = await startServer({ dir: srv.dir });
      try {
        const list = run(srv.dir, ['user', 'list']);
        assert.match(list.stdout, /\bines\b[\s\S]*\bjules\b/);
        assert.equal(await servedAtLeast(again, 1), 1);
      } finally {
        await stopServer(again, { keep: true });
      }
    } finally {
      rmSync(srv.dir, { recursive: true, force: true });
    }
  });
});
