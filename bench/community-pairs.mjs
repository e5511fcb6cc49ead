// bench/community-pairs.mjs: who reads which community, for bench/community.lua.
//
//   node bench/community-pairs.mjs BASE_URL TOKENS_FILE OUT_FILE [MAX_TOKENS]
//
// For each token (at most MAX_TOKENS, default 1000), asks the server for
// the person's communities (GET /api/moka/v1/communities/mine: any type,
// restricted ones included) and writes "TOKEN COMMUNITY_ID" lines: one per
// community of theirs (at most 4), and one public or moderated community
// they are not in (anyone signed in reads those). So the load mixes the
// three types, members and readers, as the audience check sees them. Says
// how many lines of each type it wrote.
import { readFileSync, writeFileSync } from 'node:fs';

const [base, tokensFile, out, max = '1000'] = process.argv.slice(2);
if (!base || !tokensFile || !out) {
  console.error('usage: node bench/community-pairs.mjs BASE_URL TOKENS_FILE OUT_FILE [MAX_TOKENS]');
  process.exit(2);
}
const tokens = readFileSync(tokensFile, 'utf8').split('\n').filter(Boolean).slice(0, Number(max));
const get = async (path, token) => {
  const r = await fetch(base + path, { headers: { Authorization: `Bearer ${token}` } });
  if (r.status !== 200) throw new Error(`${path}: ${r.status}`);
  return r.json();
};

// Every public and moderated community (browse pages, Link rel="next").
const open = [];
for (const type of ['public', 'moderated']) {
  let maxId = null;
  for (;;) {
    const page = await get(`/api/moka/v1/communities?type=${type}&limit=80${maxId ? `&max_id=${maxId}` : ''}`, tokens[0]);
    if (!page.length) break;
    for (const c of page) open.push(c);
    maxId = page[page.length - 1].id;
  }
}
const lines = [], types = { public: 0, moderated: 0, restricted: 0 };
let i = 0;
for (const token of tokens) {
  const mine = await get('/api/moka/v1/communities/mine?limit=80', token);
  for (const c of mine.slice(0, 4)) { lines.push(`${token} ${c.id}`); types[c.type]++; }
  const ids = new Set(mine.map((c) => c.id));
  const other = open.filter((c) => !ids.has(c.id));
  if (other.length) {
    const c = other[(i++ * 7919) % other.length];
    lines.push(`${token} ${c.id}`);
    types[c.type]++;
  }
}
// Shuffled deterministically, so consecutive requests hit different people and communities.
for (let k = lines.length - 1; k > 0; k--) {
  const j = (k * 2654435761) % (k + 1);
  [lines[k], lines[j]] = [lines[j], lines[k]];
}
writeFileSync(out, lines.join('\n') + '\n');
console.log(`community pairs: ${lines.length} (public ${types.public}, moderated ${types.moderated}, restricted ${types.restricted}) from ${tokens.length} people`);
