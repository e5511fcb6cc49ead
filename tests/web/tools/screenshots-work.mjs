// Saves screenshots of the screens for daily work — messages (the list and
// a conversation), files, questions (the network's and a thread with an
// accepted answer), search and "who knows" — at desktop (1280×800) and
// phone (390×844) sizes into docs/screenshots/, against a demo company
// (moka demo, 900 people: conversations, files and accepted answers come
// with it), served on loopback. The person shown is the one among the
// first people listed with the most conversations who can see an answered
// question.
// Usage: node tests/web/tools/screenshots-work.mjs [OUTDIR]
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

const token = (username) => execFileSync(MOKA_BIN_PATH, ['token', 'create', username, '--data', dir],
  { encoding: 'utf8', env: { ...process.env, MOKA_ADMIN_TIMEOUT: '10' } }).trim();
async function call(tok, path) {
  const res = await fetch(srv.base + path, { headers: { Authorization: `Bearer ${tok}` } });
  return res.json();
}

// Someone with conversations, files around them and an answered question in reach.
const people = execFileSync(MOKA_BIN_PATH, ['user', 'list', '--data', dir], { encoding: 'utf8' })
  .split('\n').slice(1, 40).map((l) => l.trim().split(/\s+/)[1]).filter(Boolean);
// The one with the most conversations among those who can see an answered
// question with an accepted answer.
let best = null;
for (const u of people) {
  const tok = token(u);
  const convs = await call(tok, '/api/moka/v1/conversations?limit=40');
  const qs = [];
  for (const list of ['network', 'mine', 'communities']) qs.push(...await call(tok, `/api/moka/v1/questions/${list}?limit=40`));
  const answered = qs.find((q) => q.moka && q.moka.question_state === 'answered' && (q.moka.accepted_answer_ids || []).length);
  if (answered && (!best || convs.length > best.convs.length)) best = { u, tok, convs, answered };
}
const { u: who, tok, convs, answered } = best;
const conv = convs.find((c) => c.last_message) || convs[0];
const me = await call(tok, '/api/v1/accounts/verify_credentials');
const topic = (me.moka && me.moka.expertise && me.moka.expertise[0]) || 'postgresql';

const browser = await launchBrowser();

for (const size of Object.keys(SIZES)) {
  const { ctx, page: p, shoot } = await signedIn(browser, { base: srv.base, size, user: who, dir: out, lenient: true });
  await shoot('/messages', 'messages', () => p.locator('.conv-link').first().waitFor({ timeout: 5000 }));
  if (conv) await shoot(`/messages/${conv.id}`, 'conversation', () => p.locator('li.msg').first().waitFor({ timeout: 5000 }));
  await shoot('/files/company', 'files', () => p.locator('.file-row').first().waitFor({ timeout: 5000 }));
  await shoot('/questions/network', 'questions', () => p.locator('article.post').first().waitFor({ timeout: 5000 }));
  if (answered) await shoot(`/@${answered.account.username}/${answered.id}`, 'question-answered', () => p.locator('article.post').nth(1).waitFor({ timeout: 5000 }));
  await shoot(`/search?q=${encodeURIComponent(topic)}`, 'search', () => p.locator('main mark').first().waitFor({ timeout: 5000 }));
  await ctx.close();
}
await browser.close();
await stopServer(srv);
rmSync(dir, { recursive: true, force: true });
console.log(`screenshots of ${who}'s messages, files, questions and search in ${out}`);
