// Signing in: browser sessions with CSRF, OAuth 2 as Mastodon clients use
// it (apps, authorize with PKCE, token, refresh, revoke), open
// registration, deactivation, and sign-in throttling.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import { startServer, stopServer, api, createUser, moka, PASSWORD } from './lib.js';

const REDIRECT = 'https://client.example/callback';
const OOB = 'urn:ietf:wg:oauth:2.0:oob';

// --- helpers -------------------------------------------------------------

function sessionCookie(res) {
  const set = res.headers.get('set-cookie') || '';
  const m = /moka_session=([^;]*)/.exec(set);
  return m ? m[1] : null;
}

async function signIn(srv, login, password = PASSWORD, extra = {}) {
  const r = await api(srv, 'POST', '/auth/sign_in', { json: { username: login, password }, ...extra });
  return { ...r, cookie: sessionCookie(r) };
}

function withCookie(cookie, csrf, headers = {}) {
  const h = { ...headers, Cookie: `moka_session=${cookie}` };
  if (csrf) h['X-CSRF-Token'] = csrf;
  return h;
}

function pkce() {
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  return { verifier, challenge };
}

async function createApp(srv, { name = 'Test Client', redirect = REDIRECT, scopes = 'read write follow' } = {}) {
  const r = await api(srv, 'POST', '/api/v1/apps', {
    json: { client_name: name, redirect_uris: redirect, scopes, website: 'https://client.example' },
  });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body;
}

// The hidden fields of the consent page's form, as a browser would send them.
function formFields(html) {
  const fields = {};
  for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    fields[m[1]] = m[2].replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  }
  return fields;
}

// Runs the authorization code flow with PKCE the way a Mastodon client does:
// open the page, submit the sign-in form, read the code from the redirect.
async function authorize(srv, app, { username, password = PASSWORD, scope = 'read write follow', state = 'st-' + randomBytes(4).toString('hex'), redirect = REDIRECT, challenge } = {}) {
  const q = new URLSearchParams({ response_type: 'code', client_id: app.client_id, redirect_uri: redirect, scope, state });
  if (challenge) { q.set('code_challenge', challenge); q.set('code_challenge_method', 'S256'); }
  const page = await api(srv, 'GET', `/oauth/authorize?${q}`);
  assert.equal(page.status, 200, page.body);
  const form = { ...formFields(page.body), username, password, decision: 'allow' };
  const r = await api(srv, 'POST', '/oauth/authorize', { form });
  return { page, res: r, state };
}

function codeFrom(res) {
  const loc = new URL(res.headers.get('location'));
  return { code: loc.searchParams.get('code'), state: loc.searchParams.get('state'), url: loc };
}

async function exchange(srv, app, code, extra = {}) {
  return api(srv, 'POST', '/oauth/token', {
    form: { grant_type: 'authorization_code', code, client_id: app.client_id, client_secret: app.client_secret, redirect_uri: REDIRECT, ...extra },
  });
}

async function oauthToken(srv, app, username) {
  const { verifier, challenge } = pkce();
  const { res } = await authorize(srv, app, { username, challenge });
  assert.equal(res.status, 302);
  const t = await exchange(srv, app, codeFrom(res).code, { code_verifier: verifier });
  assert.equal(t.status, 200, JSON.stringify(t.body));
  return t.body;
}

// A sign-in attempt from a chosen loopback address (127.0.0.x), to tell
// per-IP from per-account throttling.
function signInFrom(srv, localAddress, username, password) {
  const body = JSON.stringify({ username, password });
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: '127.0.0.1', port: srv.port, path: '/auth/sign_in', method: 'POST', localAddress,
      headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) },
    }, (res) => {
      let data = '';
      res.on('data', (d) => { data += d; });
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: JSON.parse(data) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

// --- browser sessions ------------------------------------------------------

describe('browser sessions', () => {
  let srv, ann;
  before(async () => {
    srv = await startServer();
    ann = createUser(srv, 'ann', { name: 'Ann Example', title: 'Engineer' });
  });
  after(async () => { await stopServer(srv); });

  test('sign in sets a hardened session cookie and returns the account and a CSRF token', async () => {
    const r = await signIn(srv, 'ann');
    assert.equal(r.status, 200);
    assert.equal(r.body.account.username, 'ann');
    assert.equal(r.body.account.display_name, 'Ann Example');
    assert.match(r.body.csrf_token, /^[A-Za-z0-9_-]{43}$/);
    const set = r.headers.get('set-cookie');
    assert.match(set, /moka_session=[A-Za-z0-9_-]{43};/);
    assert.match(set, /HttpOnly/);
    assert.match(set, /SameSite=Lax/);
    assert.match(set, /Path=\//);
    assert.doesNotMatch(set, /Secure/); // not behind TLS here
    const s = await api(srv, 'GET', '/auth/session', { headers: withCookie(r.cookie) });
    assert.equal(s.status, 200);
    assert.equal(s.body.account.id, ann.id);
    assert.equal(s.body.csrf_token, r.body.csrf_token);
    // the cookie authenticates API reads too
    const v = await api(srv, 'GET', '/api/v1/accounts/verify_credentials', { headers: withCookie(r.cookie) });
    assert.equal(v.status, 200);
    assert.equal(v.body.username, 'ann');
  });

  test('sign in with a form and the email address', async () => {
    const r = await api(srv, 'POST', '/auth/sign_in', { form: { email: 'ann@example.com', password: PASSWORD } });
    assert.equal(r.status, 200);
    assert.equal(r.body.account.username, 'ann');
    assert.ok(sessionCookie(r));
  });

  test('sign out ends the session server-side and clears the cookie', async () => {
    const r = await signIn(srv, 'ann');
    const out = await api(srv, 'POST', '/auth/sign_out', { headers: withCookie(r.cookie, r.body.csrf_token) });
    assert.equal(out.status, 200);
    assert.deepEqual(out.body, {});
    assert.match(out.headers.get('set-cookie'), /moka_session=;.*Max-Age=0/);
    const s = await api(srv, 'GET', '/auth/session', { headers: withCookie(r.cookie) });
    assert.equal(s.status, 401);
    assert.match(s.body.error, /Not signed in/);
    // the old cookie is anonymous now: authenticated routes refuse it
    const v = await api(srv, 'GET', '/api/v1/accounts/verify_credentials', { headers: withCookie(r.cookie) });
    assert.equal(v.status, 401);
  });

  test('a cookie-authenticated write without the CSRF token is 403 and changes nothing', async () => {
    const r = await signIn(srv, 'ann');
    const path = `/api/moka/v1/profiles/${ann.id}`;
    const before = await api(srv, 'GET', path, { token: ann.token });
    assert.equal(before.status, 200);
    assert.equal(before.body.title, 'Engineer');
    const noCsrf = await api(srv, 'PATCH', path, { json: { title: 'Hacked' }, headers: withCookie(r.cookie) });
    assert.equal(noCsrf.status, 403);
    assert.match(noCsrf.body.error, /CSRF/);
    const wrong = await api(srv, 'PATCH', path, { json: { title: 'Hacked' }, headers: withCookie(r.cookie, 'x'.repeat(43)) });
    assert.equal(wrong.status, 403);
    const outNoCsrf = await api(srv, 'POST', '/auth/sign_out', { headers: withCookie(r.cookie) });
    assert.equal(outNoCsrf.status, 403);
    const after = await api(srv, 'GET', path, { token: ann.token });
    assert.equal(after.body.title, 'Engineer');
    // the session survived the forged sign-out
    assert.equal((await api(srv, 'GET', '/auth/session', { headers: withCookie(r.cookie) })).status, 200);
    // with the token, the same write goes through
    const ok = await api(srv, 'PATCH', path, { json: { title: 'Staff Engineer' }, headers: withCookie(r.cookie, r.body.csrf_token) });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.equal((await api(srv, 'GET', path, { token: ann.token })).body.title, 'Staff Engineer');
    // reads need no CSRF token
    assert.equal((await api(srv, 'GET', path, { headers: withCookie(r.cookie) })).status, 200);
  });

  test('wrong password and unknown user are both 401 with the same message, and no cookie', async () => {
    const a = await signIn(srv, 'ann', 'not the right password');
    assert.equal(a.status, 401);
    assert.equal(a.body.error, 'Invalid username or password');
    assert.equal(a.cookie, null);
    const b = await signIn(srv, 'nobody-here', PASSWORD);
    assert.equal(b.status, 401);
    assert.equal(b.body.error, 'Invalid username or password');
    const c = await api(srv, 'POST', '/auth/sign_in', { json: { username: 'ann' } });
    assert.equal(c.status, 422);
    assert.match(c.body.error, /password/);
    const d = await api(srv, 'POST', '/auth/sign_in', { json: { username: 'ann', password: 5 } });
    assert.equal(d.status, 422);
  });

  test('a sign-in posted from another site is refused (login CSRF)', async () => {
    const evil = await signIn(srv, 'ann', PASSWORD, { headers: { Origin: 'https://evil.example' } });
    assert.equal(evil.status, 403);
    assert.match(evil.body.error, /Cross-origin/);
    assert.equal(evil.cookie, null);
    const same = await signIn(srv, 'ann', PASSWORD, { headers: { Origin: srv.base } });
    assert.equal(same.status, 200);
  });

  test('a bogus cookie is anonymous, not an error', async () => {
    const s = await api(srv, 'GET', '/auth/session', { headers: withCookie('x'.repeat(43)) });
    assert.equal(s.status, 401);
    // and does not stand in the way of signing in
    const r = await signIn(srv, 'ann', PASSWORD, { headers: withCookie('garbage') });
    assert.equal(r.status, 200);
  });

  test('open registration is off by default: 403', async () => {
    const app = await createApp(srv);
    const t = await api(srv, 'POST', '/oauth/token', { form: { grant_type: 'client_credentials', client_id: app.client_id, client_secret: app.client_secret, scope: 'read write' } });
    const r = await api(srv, 'POST', '/api/v1/accounts', {
      token: t.body.access_token,
      json: { username: 'newbie', email: 'newbie@example.com', password: PASSWORD, agreement: true, locale: 'en' },
    });
    assert.equal(r.status, 403);
    assert.match(r.body.error, /closed/);
    const none = await api(srv, 'GET', '/api/v1/accounts/lookup?acct=newbie', { token: ann.token });
    assert.equal(none.status, 404);
  });
});

// --- OAuth -----------------------------------------------------------------

describe('OAuth 2 as Mastodon clients use it', () => {
  let srv, bob, admin;
  before(async () => {
    srv = await startServer();
    bob = createUser(srv, 'bob', { name: 'Bob <b>Builder</b>' });
    admin = createUser(srv, 'boss', { admin: true });
  });
  after(async () => { await stopServer(srv); });

  test('POST /api/v1/apps returns an Application with credentials', async () => {
    const app = await createApp(srv);
    assert.match(app.id, /^\d+$/);
    assert.equal(app.name, 'Test Client');
    assert.equal(app.website, 'https://client.example');
    assert.deepEqual(app.scopes, ['read', 'write', 'follow']);
    assert.deepEqual(app.redirect_uris, [REDIRECT]);
    assert.equal(app.redirect_uri, REDIRECT);
    assert.match(app.client_id, /^[A-Za-z0-9_-]{43}$/);
    assert.match(app.client_secret, /^[A-Za-z0-9_-]{43}$/);
    const arr = await api(srv, 'POST', '/api/v1/apps', { json: { client_name: 'Two', redirect_uris: [REDIRECT, OOB] } });
    assert.equal(arr.status, 200);
    assert.deepEqual(arr.body.redirect_uris, [REDIRECT, OOB]);
    assert.deepEqual(arr.body.scopes, ['read']); // the default
  });

  test('bad applications are refused with 422', async () => {
    for (const [json, field] of [
      [{ redirect_uris: REDIRECT }, /client_name/],
      [{ client_name: 'x' }, /redirect_uris/],
      [{ client_name: 'x', redirect_uris: 'javascript:alert(1)' }, /redirect/],
      [{ client_name: 'x', redirect_uris: 'https://a.example/#frag' }, /redirect/],
      [{ client_name: 'x', redirect_uris: REDIRECT, scopes: 'read launch:missiles' }, /launch:missiles/],
      [{ client_name: 'x', redirect_uris: REDIRECT, website: 'javascript:x' }, /website/],
      [{ client_name: 5, redirect_uris: REDIRECT }, /client_name/],
    ]) {
      const r = await api(srv, 'POST', '/api/v1/apps', { json });
      assert.equal(r.status, 422, JSON.stringify(json));
      assert.match(r.body.error, field);
    }
  });

  test('the full code flow with PKCE, then verify_credentials with the token', async () => {
    const app = await createApp(srv, { name: 'Pinafore <script>' });
    const { verifier, challenge } = pkce();
    const { page, res, state } = await authorize(srv, app, { username: 'bob', challenge });
    // the consent page: self-contained, escaped, locked down
    assert.match(page.headers.get('content-type'), /text\/html/);
    const csp = page.headers.get('content-security-policy');
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.match(csp, /form-action 'self' https:\/\/client\.example/);
    assert.equal(page.headers.get('x-frame-options'), 'DENY');
    assert.match(page.body, /Pinafore &lt;script&gt;/);
    assert.doesNotMatch(page.body, /<script/);
    assert.doesNotMatch(page.body, /(src|href)="https?:/); // nothing external
    assert.match(page.body, /<li>write<\/li>/);
    // the redirect carries the code and the state
    assert.equal(res.status, 302);
    const { code, state: back, url } = codeFrom(res);
    assert.equal(url.origin + url.pathname, REDIRECT);
    assert.equal(back, state);
    assert.match(code, /^[A-Za-z0-9_-]{43}$/);
    // exchange, as JSON this time
    const t = await api(srv, 'POST', '/oauth/token', {
      json: { grant_type: 'authorization_code', code, code_verifier: verifier, client_id: app.client_id, client_secret: app.client_secret, redirect_uri: REDIRECT },
    });
    assert.equal(t.status, 200, JSON.stringify(t.body));
    assert.equal(t.body.token_type, 'Bearer');
    assert.equal(t.body.scope, 'read write follow');
    assert.ok(Math.abs(t.body.created_at - Date.now() / 1000) < 60);
    assert.equal(t.body.refresh_token, undefined); // tokens do not expire here
    assert.equal(t.body.expires_in, undefined);
    const v = await api(srv, 'GET', '/api/v1/accounts/verify_credentials', { token: t.body.access_token });
    assert.equal(v.status, 200);
    assert.equal(v.body.id, bob.id);
    assert.equal(v.body.username, 'bob');
    assert.equal(v.body.display_name, 'Bob <b>Builder</b>');
    assert.equal(v.body.source.privacy, 'public');
    assert.equal(typeof v.body.source.note, 'string');
    const a = await api(srv, 'GET', '/api/v1/apps/verify_credentials', { token: t.body.access_token });
    assert.equal(a.status, 200);
    assert.equal(a.body.name, 'Pinafore <script>');
    assert.equal(a.body.client_secret, undefined);
    // a code works once
    const again = await api(srv, 'POST', '/oauth/token', {
      form: { grant_type: 'authorization_code', code, code_verifier: verifier, client_id: app.client_id, client_secret: app.client_secret, redirect_uri: REDIRECT },
    });
    assert.equal(again.status, 400);
    assert.equal(again.body.error, 'invalid_grant');
  });

  test('a wrong PKCE verifier is invalid_grant, and burns the code', async () => {
    const app = await createApp(srv);
    const { verifier, challenge } = pkce();
    const { res } = await authorize(srv, app, { username: 'bob', challenge });
    const { code } = codeFrom(res);
    const bad = await exchange(srv, app, code, { code_verifier: pkce().verifier });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error, 'invalid_grant');
    assert.match(bad.body.error_description, /code_verifier/);
    const late = await exchange(srv, app, code, { code_verifier: verifier });
    assert.equal(late.status, 400);
    assert.equal(late.body.error, 'invalid_grant');
    // and without a verifier at all
    const p2 = pkce();
    const { res: res2 } = await authorize(srv, app, { username: 'bob', challenge: p2.challenge });
    const none = await exchange(srv, app, codeFrom(res2).code);
    assert.equal(none.status, 400);
    assert.match(none.body.error_description, /code_verifier is required/);
  });

  test('token endpoint errors follow RFC 6749', async () => {
    const app = await createApp(srv);
    const { verifier, challenge } = pkce();
    const { res } = await authorize(srv, app, { username: 'bob', challenge });
    const { code } = codeFrom(res);
    const wrongSecret = await exchange(srv, app, code, { code_verifier: verifier, client_secret: 'nope' });
    assert.equal(wrongSecret.status, 401);
    assert.equal(wrongSecret.body.error, 'invalid_client');
    const wrongRedirect = await exchange(srv, app, code, { code_verifier: verifier, redirect_uri: 'https://evil.example/' });
    assert.equal(wrongRedirect.status, 400);
    assert.equal(wrongRedirect.body.error, 'invalid_grant');
    const password = await api(srv, 'POST', '/oauth/token', { form: { grant_type: 'password', username: 'bob', password: PASSWORD, client_id: app.client_id, client_secret: app.client_secret } });
    assert.equal(password.status, 400);
    assert.equal(password.body.error, 'unsupported_grant_type');
    const noGrant = await api(srv, 'POST', '/oauth/token', { form: { client_id: app.client_id } });
    assert.equal(noGrant.status, 400);
    assert.equal(noGrant.body.error, 'invalid_request');
    const unknownCode = await exchange(srv, app, 'x'.repeat(43), { code_verifier: verifier });
    assert.equal(unknownCode.body.error, 'invalid_grant');
    // another client cannot redeem bob's code
    const other = await createApp(srv);
    const p = pkce();
    const { res: r2 } = await authorize(srv, app, { username: 'bob', challenge: p.challenge });
    const stolen = await exchange(srv, other, codeFrom(r2).code, { code_verifier: p.verifier });
    assert.equal(stolen.body.error, 'invalid_grant');
  });

  test('out-of-band redirect shows the code on a page', async () => {
    const app = await createApp(srv, { redirect: OOB });
    const { res } = await authorize(srv, app, { username: 'bob', redirect: OOB });
    assert.equal(res.status, 200);
    const code = /<code id="code">([A-Za-z0-9_-]{43})<\/code>/.exec(res.body)[1];
    // without PKCE the client must authenticate with its secret
    const noSecret = await api(srv, 'POST', '/oauth/token', { form: { grant_type: 'authorization_code', code, client_id: app.client_id, redirect_uri: OOB } });
    assert.equal(noSecret.body.error, 'invalid_client');
    const { res: res2 } = await authorize(srv, app, { username: 'bob', redirect: OOB });
    const code2 = /<code id="code">([A-Za-z0-9_-]{43})<\/code>/.exec(res2.body)[1];
    const t = await api(srv, 'POST', '/oauth/token', { form: { grant_type: 'authorization_code', code: code2, client_id: app.client_id, client_secret: app.client_secret, redirect_uri: OOB } });
    assert.equal(t.status, 200, JSON.stringify(t.body));
    const v = await api(srv, 'GET', '/api/v1/accounts/verify_credentials', { token: t.body.access_token });
    assert.equal(v.body.username, 'bob');
  });

  test('authorize with an existing browser session uses its CSRF token', async () => {
    const app = await createApp(srv);
    const s = await signIn(srv, 'bob');
    const q = new URLSearchParams({ response_type: 'code', client_id: app.client_id, redirect_uri: REDIRECT, scope: 'read', state: 'abc' });
    const page = await api(srv, 'GET', `/oauth/authorize?${q}`, { headers: withCookie(s.cookie) });
    assert.equal(page.status, 200);
    assert.match(page.body, /Signed in as <strong>Bob &lt;b&gt;Builder&lt;\/b&gt; \(@bob\)<\/strong>/);
    assert.doesNotMatch(page.body, /name="password"/);
    const fields = formFields(page.body);
    assert.equal(fields.csrf_token, s.body.csrf_token);
    const forged = await api(srv, 'POST', '/oauth/authorize', { form: { ...fields, csrf_token: 'forged', decision: 'allow' }, headers: withCookie(s.cookie) });
    assert.equal(forged.status, 403);
    assert.equal(forged.headers.get('location'), null);
    const ok = await api(srv, 'POST', '/oauth/authorize', { form: { ...fields, decision: 'allow' }, headers: withCookie(s.cookie) });
    assert.equal(ok.status, 302);
    assert.equal(codeFrom(ok).state, 'abc');
    const t = await exchange(srv, app, codeFrom(ok).code);
    assert.equal(t.body.scope, 'read');
  });

  test('authorize: deny, wrong password, and requests that cannot be trusted', async () => {
    const app = await createApp(srv);
    const q = new URLSearchParams({ response_type: 'code', client_id: app.client_id, redirect_uri: REDIRECT, scope: 'read', state: 's1' });
    const page = await api(srv, 'GET', `/oauth/authorize?${q}`);
    const fields = formFields(page.body);
    const deny = await api(srv, 'POST', '/oauth/authorize', { form: { ...fields, decision: 'deny' } });
    assert.equal(deny.status, 302);
    const d = new URL(deny.headers.get('location'));
    assert.equal(d.searchParams.get('error'), 'access_denied');
    assert.equal(d.searchParams.get('state'), 's1');
    assert.equal(d.searchParams.get('code'), null);
    const wrong = await api(srv, 'POST', '/oauth/authorize', { form: { ...fields, username: 'bob', password: 'wrong password!', decision: 'allow' } });
    assert.equal(wrong.status, 401);
    assert.match(wrong.body, /Invalid username or password/);
    // unknown client or unregistered redirect: an error page, never a redirect
    const unknown = await api(srv, 'GET', `/oauth/authorize?response_type=code&client_id=nope&redirect_uri=${encodeURIComponent(REDIRECT)}`);
    assert.equal(unknown.status, 400);
    assert.equal(unknown.headers.get('location'), null);
    assert.match(unknown.body, /Unknown client_id/);
    const evil = await api(srv, 'GET', `/oauth/authorize?response_type=code&client_id=${app.client_id}&redirect_uri=${encodeURIComponent('https://evil.example/')}`);
    assert.equal(evil.status, 400);
    assert.equal(evil.headers.get('location'), null);
    // a scope the app did not register: redirected back with invalid_scope
    const scope = await api(srv, 'GET', `/oauth/authorize?response_type=code&client_id=${app.client_id}&redirect_uri=${encodeURIComponent(REDIRECT)}&scope=push`);
    assert.equal(scope.status, 302);
    assert.equal(new URL(scope.headers.get('location')).searchParams.get('error'), 'invalid_scope');
    const plain = await api(srv, 'GET', `/oauth/authorize?response_type=code&client_id=${app.client_id}&redirect_uri=${encodeURIComponent(REDIRECT)}&code_challenge=abc&code_challenge_method=plain`);
    assert.equal(plain.status, 302);
    assert.equal(new URL(plain.headers.get('location')).searchParams.get('error'), 'invalid_request');
  });

  test('admin scopes need an administrator', async () => {
    const app = await createApp(srv, { scopes: 'read admin:read' });
    const { res } = await authorize(srv, app, { username: 'bob', scope: 'admin:read' });
    assert.equal(res.status, 302);
    assert.equal(new URL(res.headers.get('location')).searchParams.get('error'), 'invalid_scope');
    const { res: ok } = await authorize(srv, app, { username: 'boss', scope: 'admin:read' });
    assert.ok(codeFrom(ok).code);
  });

  test('revoke: a live stream opened with the token ends at once', async () => {
    const app = await createApp(srv);
    const t = await oauthToken(srv, app, 'bob');
    const ctrl = new AbortController();
    const res = await fetch(`${srv.base}/api/v1/streaming/user`, { headers: { Authorization: `Bearer ${t.access_token}` }, signal: ctrl.signal });
    assert.equal(res.status, 200);
    const reader = res.body.getReader();
    const first = await reader.read(); // the stream's opening comment
    assert.equal(first.done, false);
    const r = await api(srv, 'POST', '/oauth/revoke', { form: { token: t.access_token, client_id: app.client_id, client_secret: app.client_secret } });
    assert.equal(r.status, 200);
    const timer = setTimeout(() => ctrl.abort(), 8000);
    let ended = false;
    try {
      for (;;) { const { done } = await reader.read(); if (done) { ended = true; break; } }
    } catch { /* aborted: it did not end */ }
    clearTimeout(timer);
    assert.equal(ended, true, 'the stream ended after the revocation');
  });

  test('revoke: the token stops working; another client may not revoke it', async () => {
    const app = await createApp(srv);
    const t = await oauthToken(srv, app, 'bob');
    const other = await createApp(srv);
    const foreign = await api(srv, 'POST', '/oauth/revoke', { form: { token: t.access_token, client_id: other.client_id, client_secret: other.client_secret } });
    assert.equal(foreign.status, 403);
    assert.equal(foreign.body.error, 'unauthorized_client');
    assert.equal((await api(srv, 'GET', '/api/v1/accounts/verify_credentials', { token: t.access_token })).status, 200);
    const badClient = await api(srv, 'POST', '/oauth/revoke', { form: { token: t.access_token, client_id: app.client_id, client_secret: 'wrong' } });
    assert.equal(badClient.status, 401);
    const r = await api(srv, 'POST', '/oauth/revoke', { form: { token: t.access_token, client_id: app.client_id, client_secret: app.client_secret } });
    assert.equal(r.status, 200);
    assert.deepEqual(r.body, {});
    const v = await api(srv, 'GET', '/api/v1/accounts/verify_credentials', { token: t.access_token });
    assert.equal(v.status, 401);
    assert.match(v.body.error, /invalid/);
    // revoking an unknown token is fine (RFC 7009)
    const unknown = await api(srv, 'POST', '/oauth/revoke', { form: { token: 'x'.repeat(43), client_id: app.client_id, client_secret: app.client_secret } });
    assert.equal(unknown.status, 200);
  });

  test('client_credentials gives an app token: apps/verify_credentials yes, accounts no', async () => {
    const app = await createApp(srv, { name: 'Bot' });
    const t = await api(srv, 'POST', '/oauth/token', { form: { grant_type: 'client_credentials', client_id: app.client_id, client_secret: app.client_secret, scope: 'read' } });
    assert.equal(t.status, 200, JSON.stringify(t.body));
    assert.equal(t.body.scope, 'read');
    assert.equal(t.body.refresh_token, undefined);
    const a = await api(srv, 'GET', '/api/v1/apps/verify_credentials', { token: t.body.access_token });
    assert.equal(a.status, 200);
    assert.equal(a.body.name, 'Bot');
    assert.deepEqual(a.body.scopes, ['read', 'write', 'follow']);
    const v = await api(srv, 'GET', '/api/v1/accounts/verify_credentials', { token: t.body.access_token });
    assert.equal(v.status, 401);
    const bad = await api(srv, 'POST', '/oauth/token', { form: { grant_type: 'client_credentials', client_id: app.client_id, client_secret: 'wrong' } });
    assert.equal(bad.status, 401);
    assert.equal(bad.body.error, 'invalid_client');
    const basic = Buffer.from(`${app.client_id}:${app.client_secret}`).toString('base64');
    const viaBasic = await api(srv, 'POST', '/oauth/token', { form: { grant_type: 'client_credentials' }, headers: { Authorization: `Basic ${basic}` } });
    assert.equal(viaBasic.status, 200);
    const wide = await api(srv, 'POST', '/oauth/token', { form: { grant_type: 'client_credentials', client_id: app.client_id, client_secret: app.client_secret, scope: 'push' } });
    assert.equal(wide.status, 400);
    assert.equal(wide.body.error, 'invalid_scope');
    // a CLI token belongs to no application
    const cli = await api(srv, 'GET', '/api/v1/apps/verify_credentials', { token: bob.token });
    assert.equal(cli.status, 401);
  });

  test('token scopes are enforced', async () => {
    const app = await createApp(srv, { scopes: 'read write' });
    const { verifier, challenge } = pkce();
    const { res } = await authorize(srv, app, { username: 'bob', scope: 'write', challenge });
    const t = await exchange(srv, app, codeFrom(res).code, { code_verifier: verifier });
    assert.equal(t.body.scope, 'write');
    const v = await api(srv, 'GET', '/api/v1/accounts/verify_credentials', { token: t.body.access_token });
    assert.equal(v.status, 403);
    assert.match(v.body.error, /scope/);
  });

  test('a deactivated user: tokens and sessions stop working, sign-in is refused', async () => {
    const carl = createUser(srv, 'carl');
    const app = await createApp(srv);
    const oauth = await oauthToken(srv, app, 'carl');
    const s = await signIn(srv, 'carl');
    assert.equal(s.status, 200);
    moka(srv, ['user', 'deactivate', 'carl']);
    for (const token of [carl.token, oauth.access_token]) {
      const v = await api(srv, 'GET', '/api/v1/accounts/verify_credentials', { token });
      assert.equal(v.status, 401);
    }
    assert.equal((await api(srv, 'GET', '/auth/session', { headers: withCookie(s.cookie) })).status, 401);
    const again = await signIn(srv, 'carl');
    assert.equal(again.status, 401);
    assert.equal(again.body.error, 'Invalid username or password');
    const { res } = await authorize(srv, app, { username: 'carl' });
    assert.equal(res.status, 401);
    // reactivated: signing in works again, but the old tokens stay revoked
    moka(srv, ['user', 'activate', 'carl']);
    assert.equal((await signIn(srv, 'carl')).status, 200);
    assert.equal((await api(srv, 'GET', '/api/v1/accounts/verify_credentials', { token: carl.token })).status, 401);
  });
});

// --- expiring tokens, refresh, registration ---------------------------------

describe('expiring tokens and refresh', () => {
  let srv;
  before(async () => {
    srv = await startServer({ settings: { access_token_lifetime: 3, secure_cookies: 'true', session_idle: 3 } });
    createUser(srv, 'dana');
  });
  after(async () => { await stopServer(srv); });

  test('an expired access token is 401; the refresh token gets a new pair', async () => {
    const app = await createApp(srv);
    const t = await oauthToken(srv, app, 'dana');
    assert.equal(t.expires_in, 3);
    assert.match(t.refresh_token, /^[A-Za-z0-9_-]{43}$/);
    await new Promise((r) => setTimeout(r, 4000));
    const v = await api(srv, 'GET', '/api/v1/accounts/verify_credentials', { token: t.access_token });
    assert.equal(v.status, 401);
    assert.match(v.headers.get('www-authenticate'), /invalid_token/);
    const r = await api(srv, 'POST', '/oauth/token', { form: { grant_type: 'refresh_token', refresh_token: t.refresh_token, client_id: app.client_id, client_secret: app.client_secret } });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.notEqual(r.body.access_token, t.access_token);
    assert.notEqual(r.body.refresh_token, t.refresh_token);
    assert.equal(r.body.scope, 'read write follow');
    const v2 = await api(srv, 'GET', '/api/v1/accounts/verify_credentials', { token: r.body.access_token });
    assert.equal(v2.status, 200);
    assert.equal(v2.body.username, 'dana');
    // the old refresh token was rotated out
    const reuse = await api(srv, 'POST', '/oauth/token', { form: { grant_type: 'refresh_token', refresh_token: t.refresh_token, client_id: app.client_id, client_secret: app.client_secret } });
    assert.equal(reuse.status, 400);
    assert.equal(reuse.body.error, 'invalid_grant');
    // narrowing the scope is allowed, widening is not
    const narrow = await api(srv, 'POST', '/oauth/token', { form: { grant_type: 'refresh_token', refresh_token: r.body.refresh_token, scope: 'read', client_id: app.client_id, client_secret: app.client_secret } });
    assert.equal(narrow.status, 200);
    assert.equal(narrow.body.scope, 'read');
    const wide = await api(srv, 'POST', '/oauth/token', { form: { grant_type: 'refresh_token', refresh_token: narrow.body.refresh_token, scope: 'read write', client_id: app.client_id, client_secret: app.client_secret } });
    assert.equal(wide.body.error, 'invalid_scope');
    // another client cannot use it
    const other = await createApp(srv);
    const foreign = await api(srv, 'POST', '/oauth/token', { form: { grant_type: 'refresh_token', refresh_token: narrow.body.refresh_token, client_id: other.client_id, client_secret: other.client_secret } });
    assert.equal(foreign.body.error, 'invalid_grant');
  });

  test('cookies are Secure when secure_cookies is set; idle sessions expire', async () => {
    const r = await signIn(srv, 'dana');
    assert.equal(r.status, 200);
    assert.match(r.headers.get('set-cookie'), /; Secure/);
    assert.equal((await api(srv, 'GET', '/auth/session', { headers: withCookie(r.cookie) })).status, 200);
    await new Promise((res) => setTimeout(res, 4000)); // session_idle is 3 s here
    const s = await api(srv, 'GET', '/auth/session', { headers: withCookie(r.cookie) });
    assert.equal(s.status, 401);
  });

});

// Open registration runs on a server of its own: the one above gives tokens a 1-second
// lifetime, which a loaded machine can outlast between two requests.
describe('open registration', () => {
  let srv;
  before(async () => { srv = await startServer({ settings: { registrations_open: 'true' } }); });
  after(async () => { await stopServer(srv); });

  test('open registration with an app token creates the account and returns a token', async () => {
    const app = await createApp(srv);
    const anon = await api(srv, 'POST', '/api/v1/accounts', { json: { username: 'eve', email: 'eve@example.com', password: PASSWORD, agreement: true } });
    assert.equal(anon.status, 401);
    const ct = await api(srv, 'POST', '/oauth/token', { form: { grant_type: 'client_credentials', client_id: app.client_id, client_secret: app.client_secret, scope: 'read write' } });
    const token = ct.body.access_token;
    const noAgree = await api(srv, 'POST', '/api/v1/accounts', { token, json: { username: 'eve', email: 'eve@example.com', password: PASSWORD } });
    assert.equal(noAgree.status, 422);
    const weak = await api(srv, 'POST', '/api/v1/accounts', { token, json: { username: 'eve', email: 'eve@example.com', password: 'short', agreement: true } });
    assert.equal(weak.status, 422);
    assert.match(weak.body.error, /12 characters/);
    const r = await api(srv, 'POST', '/api/v1/accounts', { token, json: { username: 'eve', email: 'eve@example.com', password: PASSWORD, agreement: true, locale: 'en' } });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.token_type, 'Bearer');
    assert.equal(r.body.scope, 'read write');
    const v = await api(srv, 'GET', '/api/v1/accounts/verify_credentials', { token: r.body.access_token });
    assert.equal(v.body.username, 'eve');
    const dup = await api(srv, 'POST', '/api/v1/accounts', { token, json: { username: 'eve', email: 'eve2@example.com', password: PASSWORD, agreement: true } });
    assert.equal(dup.status, 409);
    // a user's token cannot register others
    const userToken = await api(srv, 'POST', '/api/v1/accounts', { token: r.body.access_token, json: { username: 'mallory', email: 'm@example.com', password: PASSWORD, agreement: true } });
    assert.equal(userToken.status, 403);
    assert.equal((await signIn(srv, 'eve')).status, 200);
  });
});

// --- throttling ------------------------------------------------------------------

describe('sign-in throttling', () => {
  let srv;
  before(async () => {
    srv = await startServer();
    createUser(srv, 'frank');
    createUser(srv, 'gina');
  });
  after(async () => { await stopServer(srv); });

  test('25 failures per account in 5 minutes, then 429 with Retry-After, from any address', async () => {
    for (let i = 0; i < 25; i++) {
      const r = await signInFrom(srv, '127.0.0.2', 'frank', 'wrong password ' + i);
      assert.equal(r.status, 401, `attempt ${i + 1}`);
    }
    const blocked = await signInFrom(srv, '127.0.0.2', 'frank', PASSWORD);
    assert.equal(blocked.status, 429);
    const retry = Number(blocked.headers['retry-after']);
    assert.ok(retry > 0 && retry <= 300, `Retry-After ${retry}`);
    assert.match(blocked.body.error, /Too many failed sign-in attempts/);
    // the account is blocked from another address too, even with the right password
    const elsewhere = await signInFrom(srv, '127.0.0.3', 'frank', PASSWORD);
    assert.equal(elsewhere.status, 429);
    // the same address is blocked for other accounts (per IP) …
    const otherAccount = await signInFrom(srv, '127.0.0.2', 'gina', PASSWORD);
    assert.equal(otherAccount.status, 429);
    // … while other addresses and accounts are not
    const fine = await signInFrom(srv, '127.0.0.3', 'gina', PASSWORD);
    assert.equal(fine.status, 200);
  });

  test('behind a proxy (trust_proxy), the limit applies to the forwarded address', async () => {
    const p = await startServer({ settings: { trust_proxy: 'true', signin_max_failures: 3 } });
    try {
      const attempt = (ip, user) => api(p, 'POST', '/auth/sign_in', {
        json: { username: user, password: 'wrong password' }, headers: { 'X-Forwarded-For': `203.0.113.9, ${ip}` },
      });
      for (let i = 0; i < 3; i++) assert.equal((await attempt('10.0.0.1', `nobody${i}`)).status, 401);
      const blocked = await attempt('10.0.0.1', 'nobody9');
      assert.equal(blocked.status, 429);
      // another client behind the same proxy is not affected
      assert.equal((await attempt('10.0.0.2', 'nobody9')).status, 401);
    } finally {
      await stopServer(p);
    }
  });

  test('the OAuth endpoints share the per-IP limit', async () => {
    // 127.0.0.1 has no failures yet: fill its window through the token endpoint
    const app = await createApp(srv);
    for (let i = 0; i < 25; i++) {
      const r = await api(srv, 'POST', '/oauth/token', { form: { grant_type: 'client_credentials', client_id: app.client_id, client_secret: 'wrong' } });
      assert.equal(r.status, 401);
    }
    const t = await api(srv, 'POST', '/oauth/token', { form: { grant_type: 'client_credentials', client_id: app.client_id, client_secret: app.client_secret } });
    assert.equal(t.status, 429);
    assert.equal(t.body.error, 'slow_down');
    assert.ok(Number(t.headers.get('retry-after')) > 0);
    const s = await api(srv, 'POST', '/auth/sign_in', { json: { username: 'gina', password: PASSWORD } });
    assert.equal(s.status, 429);
    const q = new URLSearchParams({ response_type: 'code', client_id: app.client_id, redirect_uri: REDIRECT, scope: 'read' });
    const page = await api(srv, 'GET', `/oauth/authorize?${q}`);
    const a = await api(srv, 'POST', '/oauth/authorize', { form: { ...formFields(page.body), username: 'gina', password: PASSWORD, decision: 'allow' } });
    assert.equal(a.status, 429);
    assert.ok(Number(a.headers.get('retry-after')) > 0);
    assert.equal(a.headers.get('location'), null);
  });
});
