// bench/read-targets.mjs: what each person reads, for bench/read.lua and bench/visible.c.
//
//   node bench/read-targets.mjs BASE_URL TOKENS_FILE OUT_FILE [MAX_TOKENS] [READERS_FILE]
//
// For each token (at most MAX_TOKENS, default 1000) asks the server who the
// person is (verify_credentials) and reads the first page of their home
// stream, then writes one line "TOKEN WALL_ACCOUNT_ID STATUS_ID": the wall
// of someone whose post is in that home stream, and a post of it that has
// replies (its thread) or, failing that, one that is a reply, or the newest.
// Everything named is something that person may see, so every request of
// the load is a 200 through the audience check, as in the web app.
//
// With READERS_FILE it also writes, for bench/visible.c, one line per token
// holder "TOKEN READER_TOKEN..." listing up to 8 other token holders who are
// connected to that person (GET /api/moka/v1/accounts/:id/connections): the
// people who must see a "connections" post of theirs in their home stream.
import { readFileSync, writeFileSync } from 'node:fs';

const [base, tokensFile, out, max = '1000', readersOut] = process.argv.slice(2);
if (!base || !tokensFile || !out) {
  console.error('usage: node bench/read-targets.mjs BASE_URL TOKENS_FILE OUT_FILE [MAX_TOKENS] [READERS_FILE]');
  process.exit(2);
}
const tokens = readFileSync(tokensFile, 'utf8').split('\n').filter(Boolean).slice(0, Number(max));
const get = async (path, token) => {
  const r = await fetch(base + path, { headers: { Authorization: `Bearer ${token}` } });
  if (r.status !== 200) throw new Error(`${path}: ${r.status}`);
  return { body: await r.json() };
};

// a few requests at a time: the server has two cores, the answers are independent
const pool = async (n, fn) => {
  let next = 0;
  await Promise.all(Array.from({ length: 8 }, async () => {
    while (next < n) await fn(next++);
  }));
};

const lines = new Array(tokens.length).fill(null);
const idOf = new Map(); // account id -> token
const me = new Array(tokens.length);
let threads = 0, replies = 0;
await pool(tokens.length, async (i) => {
  const token = tokens[i];
  const { body: acct } = await get('/api/v1/accounts/verify_credentials', token);
  idOf.set(acct.id, token);
  me[i] = acct.id;
  const { body: home } = await get('/api/v1/timelines/home?limit=40', token);
  const others = home.filter((s) => s.account.id !== acct.id);
  const pick = home.find((s) => s.replies_count > 0) || home.find((s) => s.in_reply_to_id) || home[0];
  if (!pick) return;
  if (pick.replies_count > 0) threads++;
  else if (pick.in_reply_to_id) replies++;
  const wall = (others[0] || pick).account.id;
  lines[i] = `${token} ${wall} ${pick.id}`;
});
const found = lines.filter(Boolean);
writeFileSync(out, found.join('\n') + '\n');
console.log(`read targets: ${found.length} people (post with replies ${threads}, a reply ${replies}, other ${found.length - threads - replies})`);

if (readersOut) {
  const rl = new Array(tokens.length).fill(null);
  let pairs = 0;
  await pool(tokens.length, async (i) => {
    const readers = [];
    let maxId = null;
    // connections come in pages of 80 (by id); 20 pages is enough to find 8
    for (let page = 0; page < 20 && readers.length < 8; page++) {
      const { body } = await get(`/api/moka/v1/accounts/${me[i]}/connections?limit=80${maxId ? `&max_id=${maxId}` : ''}`, tokens[i]);
      if (!body.length) break;
      for (const c of body) {
        const t = idOf.get(c.id);
        if (t && t !== tokens[i] && readers.length < 8) readers.push(t);
      }
      maxId = body[body.length - 1].id;
    }
    if (readers.length) { rl[i] = `${tokens[i]} ${readers.join(' ')}`; pairs += readers.length; }
  });
  const authors = rl.filter(Boolean);
  writeFileSync(readersOut, authors.join('\n') + '\n');
  console.log(`readers: ${authors.length} authors with connected token holders (${pairs} readers, at most 8 each)`);
}
