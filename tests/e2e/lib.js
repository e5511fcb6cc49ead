// Helpers for end-to-end tests: start the real moka binary on a loopback
// port with a temporary data directory, create users and tokens with its
// CLI, and call the API with fetch.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const MOKA = process.env.MOKA_BIN || join(root, 'build', 'moka');
export const PASSWORD = 'correct horse battery staple';

// Runs a moka subcommand against the server's data directory; returns stdout.
export function moka(srv, args, input) {
  return execFileSync(MOKA, [...args, '--data', srv.dir], {
    input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, MOKA_ADMIN_TIMEOUT: '10' },
  }).trim();
}

// Starts `moka serve` on 127.0.0.1 with a fresh data directory (or the one
// given) and resolves once it answers /health.
export async function startServer({ dir, settings = {}, env = {}, listen = '127.0.0.1:0' } = {}) {
  dir = dir || mkdtempSync(join(tmpdir(), 'moka-e2e-'));
  const args = ['serve', '--data', dir, '--listen', listen, '--set', 'access_log=off'];
  for (const [k, v] of Object.entries(settings)) args.push('--set', `${k}=${v}`);
  const child = spawn(MOKA, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let log = '';
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('moka did not start:\n' + log)), 20000);
    child.stderr.on('data', (d) => {
      log += d;
      const m = /listening on .* \(port (\d+)/.exec(log);
      if (m) { clearTimeout(timer); resolve(Number(m[1])); }
    });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`moka exited ${code}:\n${log}`)); });
  });
  child.removeAllListeners('exit');
  const relay = /live streams also on .* \(port (\d+)/.exec(log); // stream_listen set
  const srv = {
    dir, port, child, base: `http://127.0.0.1:${port}`,
    streamBase: relay ? `http://127.0.0.1:${relay[1]}` : null,
    get log() { return log; },
  };
  return srv;
}

// Stops the server (SIGTERM, or SIGKILL with kill9) and waits for it.
export async function stopServer(srv, { kill9 = false, keep = false } = {}) {
  if (srv.child.exitCode === null && srv.child.signalCode === null) {
    const done = new Promise((r) => srv.child.on('exit', r));
    srv.child.kill(kill9 ? 'SIGKILL' : 'SIGTERM');
    await done;
  }
  if (!keep) rmSync(srv.dir, { recursive: true, force: true });
}

let userSeq = 0;
// Creates a user with the CLI and a token for it; returns { id, username, token }.
export function createUser(srv, username, opts = {}) {
  username = username || `user${++userSeq}`;
  const args = ['user', 'add', '--username', username, '--name', opts.name || username,
    '--email', opts.email || `${username}@example.com`, '--password-stdin'];
  for (const k of ['title', 'department', 'location', 'manager']) {
    if (opts[k]) args.push(`--${k}`, opts[k]);
  }
  if (opts.admin) args.push('--admin');
  const id = moka(srv, args, (opts.password || PASSWORD) + '\n');
  const token = moka(srv, ['token', 'create', username]);
  return { id, username, token };
}

// Calls the API. Returns { status, headers, body (parsed JSON or text) }.
export async function api(srv, method, path, { token, json, form, headers = {}, raw } = {}) {
  const h = { ...headers };
  if (token) h.Authorization = `Bearer ${token}`;
  let body;
  if (json !== undefined) { h['Content-Type'] = 'application/json'; body = typeof json === 'string' ? json : JSON.stringify(json); }
  else if (form !== undefined) { body = form instanceof FormData ? form : new URLSearchParams(form); }
  else if (raw !== undefined) body = raw;
  const res = await fetch(srv.base + path, { method, headers: h, body, redirect: 'manual' });
  const text = await res.text();
  let parsed = text;
  if ((res.headers.get('content-type') || '').includes('json') && text.length) parsed = JSON.parse(text);
  return { status: res.status, headers: res.headers, body: parsed };
}

// Opens a Server-Sent Events stream (path with its query) as token; returns
// { messages: [{event, data}], close() } with data parsed as JSON when it is
// JSON. The caller closes it (or aborts through stopServer's exit).
export async function openStream(srv, path, token) {
  const ctrl = new AbortController();
  const res = await fetch(srv.base + path, { headers: { Authorization: `Bearer ${token}` }, signal: ctrl.signal });
  const s = { res, messages: [], close: () => ctrl.abort() };
  readSse(res, ({ event, data }) => {
    if (data === null) return;
    // entities are JSON; a deleted post's id is plain text (and too big
    // for a JavaScript number)
    s.messages.push({ event, data: /^[[{]/.test(data) ? JSON.parse(data) : data });
  });
  return s;
}

// Reads a Server-Sent Events body as it arrives: onBlock({ event, data,
// comments }) for each message (data: its data lines joined, or null when
// it has none; comments: its comment lines). Resolves when the body ends.
export async function readSse(res, onBlock) {
  const dec = new TextDecoder();
  let buf = '';
  try {
    for await (const chunk of res.body) {
      buf += dec.decode(chunk, { stream: true });
      let i;
      while ((i = buf.indexOf('\n\n')) >= 0) {
        const block = buf.slice(0, i);
        buf = buf.slice(i + 2);
        let event = 'message';
        const data = [];
        const comments = [];
        for (const line of block.split('\n')) {
          if (line.startsWith(':')) comments.push(line.slice(1));
          else if (line.startsWith('event: ')) event = line.slice(7);
          else if (line.startsWith('data: ')) data.push(line.slice(6));
        }
        onBlock({ event, data: data.length ? data.join('\n') : null, comments });
      }
    }
  } catch { /* aborted */ }
}

// Waits (up to 8 s) for a message of stream s matching pred; returns it.
export async function untilMessage(s, pred, what) {
  const end = Date.now() + 8000;
  while (Date.now() < end) {
    const m = s.messages.find(pred);
    if (m) return m;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`${what}: got ${JSON.stringify(s.messages.map((m) => m.event))}`);
}
