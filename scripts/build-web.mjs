// Builds Moka's web app from web/ into OUT (build/web by default).
//
// - JavaScript: bundled and minified by esbuild when it is installed (the
//   npm devDependency), split at dynamic imports; otherwise every module
//   under web/app/ is copied to OUT/assets/ under a name holding its content
//   hash (app/screens/home.js → screens.home.1a2b3c4d.js), with its relative
//   imports rewritten to the hashed names (leaves first: a cycle is an error).
// - web/styles/*.css likewise; icons (SVG and PNG 192/512) are drawn here.
// - index.html gets the hashed names and <link rel=modulepreload> for every
//   module main.js reaches statically; the manifest gets the icons.
// - sw.js gets the list of shell files and a version.
// - Text files get .gz and .br siblings (node:zlib) when smaller.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, posix } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { logoSvg, logoPng } from './build-web-icons.mjs';

const SRC = resolve('web');
// Built beside the destination, then swapped in, so a server running from
// it never sees a half-written app.
const DEST = resolve(process.argv[2] || 'build/web');
const OUT = `${DEST}.tmp-${process.pid}`;
const ASSETS = join(OUT, 'assets');

const hash = (data) => createHash('sha256').update(data).digest('hex').slice(0, 10);

function walk(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else out.push(p);
  }
  return out;
}

rmSync(OUT, { recursive: true, force: true });
mkdirSync(ASSETS, { recursive: true });
const written = []; // OUT-relative names of every file written, for compression
function emit(rel, data) {
  writeFileSync(join(OUT, rel), data);
  written.push(rel);
  return '/' + rel;
}

// --- JavaScript -----------------------------------------------------------------
// With esbuild (a devDependency, installed by scripts/install-deps) the app is
// bundled and minified: main.HASH.js with what the first screen needs, a
// chunk per dynamic import (screens/extra.js), and shared chunks — a cold
// load of Home fetches two or three files instead of eighteen. Without it
// (or with MOKA_WEB_BUNDLE=0, handy to debug), every module is copied as is.
let esbuild = null;
if (process.env.MOKA_WEB_BUNDLE !== '0') {
  try { esbuild = await import('esbuild'); } catch { /* modules as they are */ }
}

async function bundle() {
  const entry = join(SRC, 'app', 'main.js');
  const result = await esbuild.build({
    entryPoints: [entry], bundle: true, splitting: true, format: 'esm', minify: true,
    target: ['es2022'], outdir: ASSETS, entryNames: '[name].[hash]', chunkNames: 'chunk.[hash]',
    legalComments: 'none', metafile: true, write: true, logLevel: 'warning',
  });
  const outputs = result.metafile.outputs;
  let mainUrl = null;
  for (const [file, out] of Object.entries(outputs)) {
    const rel = relative(OUT, resolve(file)).split('\\').join('/');
    written.push(rel);
    if (out.entryPoint && resolve(out.entryPoint) === entry) mainUrl = '/' + rel;
  }
  const urlOf = (file) => '/' + relative(OUT, resolve(file)).split('\\').join('/');
  const mainFile = Object.keys(outputs).find((f) => urlOf(f) === mainUrl);
  const pre = [];
  (function reach(file) {
    for (const imp of outputs[file].imports) {
      if (imp.kind !== 'import-statement' || pre.includes(urlOf(imp.path))) continue;
      pre.push(urlOf(imp.path));
      reach(imp.path);
    }
  })(mainFile);
  return { main: { url: mainUrl }, preload: pre };
}

// Without esbuild: each module copied under a hashed name, imports rewritten.
const IMPORT_RE = /(\bimport\s*\(\s*|\bfrom\s*|\bimport\s+)(['"])(\.{1,2}\/[^'"]+)\2/g;
const modules = new Map(); // absolute source path → { url, deps: [abs], dynamic: [abs] }
const visiting = new Set();

function buildModule(file) {
  if (modules.has(file)) return modules.get(file);
  if (visiting.has(file)) throw new Error(`build-web: import cycle through ${relative(SRC, file)}`);
  visiting.add(file);
  let text = readFileSync(file, 'utf8');
  const deps = [], dynamic = [];
  const targets = new Map();
  for (const m of text.matchAll(IMPORT_RE)) {
    const target = resolve(dirname(file), m[3]);
    try { statSync(target); } catch { throw new Error(`build-web: ${relative(SRC, file)} imports missing ${m[3]}`); }
    targets.set(m[3], buildModule(target).url);
    (m[1].includes('(') ? dynamic : deps).push(target);
  }
  text = text.replace(IMPORT_RE, (all, pre, q, spec) => `${pre}${q}./${posix.basename(targets.get(spec))}${q}`);
  const base = relative(join(SRC, 'app'), file).replace(/\.js$/, '').split('/').join('.');
  const url = emit(`assets/${base}.${hash(text)}.js`, text);
  const mod = { url, deps, dynamic };
  modules.set(file, mod);
  visiting.delete(file);
  return mod;
}

function copyModules() {
  for (const f of walk(join(SRC, 'app'))) if (f.endsWith('.js')) buildModule(f);
  const mainMod = modules.get(join(SRC, 'app', 'main.js'));
  if (!mainMod) throw new Error('build-web: web/app/main.js is missing');
  // Modules main.js reaches through static imports: preloaded by index.html.
  const pre = [];
  (function reach(file, seen = new Set()) {
    for (const d of modules.get(file).deps) {
      if (seen.has(d)) continue;
      seen.add(d);
      pre.push(modules.get(d).url);
      reach(d, seen);
    }
  })(join(SRC, 'app', 'main.js'));
  return { main: mainMod, preload: pre };
}

const { main, preload } = esbuild ? await bundle() : copyModules();

// --- styles and icons --------------------------------------------------------
const styles = {};
for (const f of walk(join(SRC, 'styles'))) {
  if (!f.endsWith('.css')) continue;
  const text = readFileSync(f, 'utf8');
  const name = posix.basename(f, '.css');
  styles[`/styles/${name}.css`] = emit(`assets/${name}.${hash(text)}.css`, text);
}
const svg = logoSvg();
const icons = { svg: emit(`assets/logo.${hash(svg)}.svg`, svg) };
for (const size of [192, 512]) {
  const png = logoPng(size);
  icons[size] = emit(`assets/icon-${size}.${hash(png)}.png`, png);
}
const maskable = logoPng(512, { maskable: true });
icons.maskable = emit(`assets/icon-maskable-512.${hash(maskable)}.png`, maskable);

// --- index.html, manifest, service worker --------------------------------------
let html = readFileSync(join(SRC, 'index.html'), 'utf8');
html = html.replace('/app/main.js', main.url).replace('/icons/logo.svg', icons.svg);
for (const [from, to] of Object.entries(styles)) html = html.replace(from, to);
html = html.replace('<!-- modulepreload -->',
  preload.map((u) => `<link rel="modulepreload" href="${u}">`).join('\n  '));
emit('index.html', html);

const manifest = JSON.parse(readFileSync(join(SRC, 'manifest.webmanifest'), 'utf8'));
manifest.icons = [
  { src: icons.svg, sizes: 'any', type: 'image/svg+xml' },
  { src: icons[192], sizes: '192x192', type: 'image/png' },
  { src: icons[512], sizes: '512x512', type: 'image/png' },
  { src: icons.maskable, sizes: '512x512', type: 'image/png', purpose: 'maskable' },
];
emit('manifest.webmanifest', JSON.stringify(manifest, null, 2));

// The shell: index.html and every asset (modules loaded later included, so
// every screen works offline once installed). No API response is ever listed.
const shell = ['/', ...written.filter((r) => r.startsWith('assets/')).map((r) => '/' + r)];
const version = hash(shell.join('\n') + html);
const sw = readFileSync(join(SRC, 'sw.js'), 'utf8')
  .replace('/*SHELL*/[]', JSON.stringify(shell))
  .replace("'/*VERSION*/'", JSON.stringify(version));
emit('sw.js', sw);

// --- compression ---------------------------------------------------------------
let raw = 0, br = 0;
for (const rel of written) {
  if (!/\.(html|js|css|svg|webmanifest|json)$/.test(rel)) continue;
  const data = readFileSync(join(OUT, rel));
  const gz = gzipSync(data, { level: 9 });
  const b = brotliCompressSync(data, { params: { [constants.BROTLI_PARAM_QUALITY]: 11,
    [constants.BROTLI_PARAM_SIZE_HINT]: data.length } });
  if (gz.length < data.length) writeFileSync(join(OUT, rel + '.gz'), gz);
  if (b.length < data.length) writeFileSync(join(OUT, rel + '.br'), b);
  raw += data.length; br += Math.min(b.length, data.length);
}
rmSync(`${DEST}.old`, { recursive: true, force: true });
try { renameSync(DEST, `${DEST}.old`); } catch { /* first build */ }
renameSync(OUT, DEST);
rmSync(`${DEST}.old`, { recursive: true, force: true });
console.log(`build-web: ${esbuild ? 'bundled' : 'modules'}, ${written.length} files in ${relative(process.cwd(), DEST) || DEST} ` +
  `(${(raw / 1024).toFixed(1)} KiB, ${(br / 1024).toFixed(1)} KiB brotli), version ${version}`);
