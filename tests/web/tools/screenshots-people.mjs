// Saves screenshots of the people and stream screens (profile, edit my
// profile, my network, notifications, company and hashtag streams,
// settings) at desktop (1280×800) and phone (390×844) sizes into
// docs/screenshots/, against a demo company (moka demo) served on loopback.
// A few colleagues mention, invite and follow the demo person first so the
// notifications and invitations have something to show.
// Usage: node tests/web/tools/screenshots-people.mjs [OUTDIR]
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { startServer, stopServer, launchBrowser, MOKA_BIN_PATH, SIZES, signedIn } from './common.mjs';

const out = process.argv[2] || 'docs/screenshots';
mkdirSync(out, { recursive: true });
const dir = mkdtempSync(join(tmpdir(), 'moka-shots-'));
execFileSync(MOKA_BIN_PATH, ['demo', '--people', '200', '--seed', '1', '--data', dir], { stdio: 'ignore' });
const srv = await startServer({ dir });
const USER = 'loic.leroy';

const token = (username) => execFileSync(MOKA_BIN_PATH, ['token', 'create', username, '--data', dir],
  { encoding: 'utf8', env: { ...process.env, MOKA_ADMIN_TIMEOUT: '10' } }).trim();
async function call(tok, method, path, json) {
  const res = await fetch(srv.base + path, {
    method, headers: { Authorization: `Bearer ${tok}`, 'Content-Type': 'application/json' },
    body: json ? JSON.stringify(json) : undefined,
  });
  return res.json();
}

// Something to show: a mention, a reply, a like, a board post, an invitation.
const me = token(USER);
const self = await call(me, 'GET', '/api/moka/v1/profiles/me');
const suggestions = await call(me, 'GET', '/api/moka/v1/people/suggestions?limit=6');
const others = suggestions.map((s) => s.account);
const [a, b, c] = await Promise.all(others.slice(0, 3).map(async (acct) => ({ acct, tok: token(acct.username) })));
const mine = await call(me, 'POST', '/api/v1/statuses', { status: 'The #onboarding guide for new joiners is ready: feedback welcome!' });
await call(a.tok, 'POST', `/api/v1/statuses/${mine.id}/favourite`);
await call(b.tok, 'POST', '/api/v1/statuses', { status: 'Great work, very clear. One question about the badge process.', in_reply_to_id: mine.id });
await call(c.tok, 'POST', '/api/v1/statuses', { status: `@${USER} can you join the #onboarding review on Thursday?` });
await call(a.tok, 'POST', '/api/v1/statuses', { status: 'Welcome back from your holidays!', board_id: self.id });
await call(b.tok, 'POST', `/api/moka/v1/accounts/${self.id}/connect`, { message: 'We met at the onboarding workshop, let’s connect.' });
await call(c.tok, 'POST', `/api/v1/accounts/${self.id}/follow`);
// The profile shown: someone with a manager chain, peers and reports, two steps away if possible.
const seen = await call(me, 'GET', `/api/moka/v1/profiles/${self.manager_id || others[0].id}`);
const subject = seen.org.managers.length ? seen : await call(me, 'GET', `/api/moka/v1/profiles/${others[0].id}`);

const browser = await launchBrowser();

for (const size of Object.keys(SIZES)) {
  const { ctx, page: p, shoot } = await signedIn(browser, { base: srv.base, size, user: USER, dir: out });
  await shoot(`/@${subject.username}`, 'profile', () => p.locator('section.org-chart').waitFor());
  await shoot('/profile/edit', 'profile-edit');
  await shoot('/network', 'network', () => p.getByRole('list', { name: 'People you may know' }).waitFor());
  await shoot('/notifications', 'notifications', () => p.locator('.notif').first().waitFor());
  await shoot('/company', 'company', () => p.locator('article.post').first().waitFor());
  await shoot('/tags/onboarding', 'tag', () => p.locator('article.post').first().waitFor());
  await shoot('/settings', 'settings');
  await ctx.close();
}
await browser.close();
await stopServer(srv);
rmSync(dir, { recursive: true, force: true });
console.log(`screenshots in ${out}`);
