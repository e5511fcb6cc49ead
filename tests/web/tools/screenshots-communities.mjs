// Saves screenshots of the community screens (browse, a community's stream,
// forum, a topic, members as its owner) at desktop (1280×800) and phone
// (390×844) sizes into docs/screenshots/, against a demo company (moka demo,
// 900 people: 10 communities) served on loopback. The owner of the demo's
// largest open community is the person shown; a colleague asks to join and
// the owner pins a post, so the requests and pins have something to show.
// Usage: node tests/web/tools/screenshots-communities.mjs [OUTDIR]
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { startServer, stopServer, launchBrowser, MOKA_BIN_PATH, SIZES, signedIn } from './common.mjs';

const out = process.argv[2] || 'docs/screenshots';
mkdirSync(out, { recursive: true });
const dir = mkdtempSync(join(tmpdir(), 'moka-shots-'));
execFileSync(MOKA_BIN_PATH, ['demo', '--people', '900', '--seed', '1', '--data', dir], { stdio: 'ignore' });
const srv = await startServer({ dir });
const C = '/api/moka/v1/communities';

const token = (username) => execFileSync(MOKA_BIN_PATH, ['token', 'create', username, '--data', dir],
  { encoding: 'utf8', env: { ...process.env, MOKA_ADMIN_TIMEOUT: '10' } }).trim();
async function call(tok, method, path, json) {
  const res = await fetch(srv.base + path, {
    method, headers: { Authorization: `Bearer ${tok}`, 'Content-Type': 'application/json' },
    body: json ? JSON.stringify(json) : undefined,
  });
  return res.json();
}

// A moderated community of ten people or more (else the largest open one), and its first owner.
const someone = token('theo.gerard');
const all = await call(someone, 'GET', `${C}?limit=80`);
const open = all.filter((c) => !c.limited && c.type !== 'restricted').sort((a, b) =>
  (b.type === 'moderated' && b.members_count >= 10) - (a.type === 'moderated' && a.members_count >= 10) || b.members_count - a.members_count);
const community = open[0];
const members = await call(someone, 'GET', `${C}/${community.id}/members?limit=200`);
const owner = members.find((m) => m.role === 'owner').account;
const me = token(owner.username);
const tl = await call(me, 'GET', `${C}/${community.id}/timeline?limit=5`);
if (tl[1]) await call(me, 'POST', `${C}/${community.id}/pins/${tl[1].id}`);
if (community.type === 'moderated') {
  const ids = new Set(members.map((m) => m.account.id));
  const outsiders = (await call(me, 'GET', '/api/v1/accounts/search?q=a&limit=20')).filter((a) => !ids.has(a.id));
  for (const a of outsiders.slice(0, 2)) await call(token(a.username), 'POST', `${C}/${community.id}/join`);
}
const topic = (await call(me, 'GET', `${C}/${community.id}/topics?limit=20`))
  .sort((a, b) => b.replies_count - a.replies_count)[0];

const browser = await launchBrowser();

for (const size of Object.keys(SIZES)) {
  const { ctx, page: p, shoot } = await signedIn(browser, { base: srv.base, size, user: owner.username, dir: out });
  const base = `/communities/${community.id}`;
  await shoot('/communities', 'communities', () => p.locator('.community-card').first().waitFor());
  await shoot(base, 'community', () => p.locator('article.post').first().waitFor());
  await shoot(`${base}/forum`, 'community-forum', () => p.locator('.topic').first().waitFor());
  if (topic) await shoot(`${base}/topics/${topic.id}`, 'community-topic', () => p.locator('article.post').first().waitFor());
  await shoot(`${base}/members`, 'community-members', () => p.locator('.person').first().waitFor());
  await ctx.close();
}
await browser.close();
await stopServer(srv);
rmSync(dir, { recursive: true, force: true });
console.log(`screenshots in ${out}`);
