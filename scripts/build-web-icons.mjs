// Moka's logo, drawn here (no third-party image): a cream "M" on a coffee
// rounded square. logoSvg() gives the SVG; logoPng(size) rasterizes the same
// shapes (4×4 supersampling) into a PNG encoded with node:zlib.
import { deflateSync } from 'node:zlib';

const BG = [0x6b, 0x42, 0x26], FG = [0xff, 0xf8, 0xf0];
// The M, in a 100×100 box.
const M = [[22, 74], [22, 27], [35, 27], [50, 49], [65, 27], [78, 27], [78, 74], [65, 74],
  [65, 47], [50, 68], [35, 47], [35, 74]];
const RADIUS = 22;

export function logoSvg() {
  const pts = M.map(([x, y]) => `${x},${y}`).join(' ');
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100">` +
    `<rect width="100" height="100" rx="${RADIUS}" fill="#6b4226"/>` +
    `<polygon points="${pts}" fill="#fff8f0"/></svg>\n`;
}

function inPolygon(x, y, poly) {
  let inside = false;
  for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
    const [xi, yi] = poly[i], [xj, yj] = poly[j];
    if ((yi > y) !== (yj > y) && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

function inRoundedSquare(x, y, r) {
  const cx = Math.min(Math.max(x, r), 100 - r), cy = Math.min(Math.max(y, r), 100 - r);
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
}

const CRC = new Uint32Array(256).map((_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'ascii');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

// maskable: full-bleed background, the M shrunk into the safe zone.
export function logoPng(size, { maskable = false } = {}) {
  const S = 4, row = size * 4 + 1;
  const raw = Buffer.alloc(row * size);
  const scale = maskable ? 0.72 : 1, off = (100 - 100 * scale) / 2;
  const poly = M.map(([x, y]) => [off + x * scale, off + y * scale]);
  for (let py = 0; py < size; py++) {
    raw[py * row] = 0; // filter: none
    for (let px = 0; px < size; px++) {
      let bg = 0, fg = 0;
      for (let sy = 0; sy < S; sy++) {
        for (let sx = 0; sx < S; sx++) {
          const x = ((px + (sx + 0.5) / S) * 100) / size, y = ((py + (sy + 0.5) / S) * 100) / size;
          if (!maskable && !inRoundedSquare(x, y, RADIUS)) continue;
          if (inPolygon(x, y, poly)) fg++; else bg++;
        }
      }
      const cover = bg + fg, o = py * row + 1 + px * 4;
      for (let c = 0; c < 3; c++) raw[o + c] = cover ? Math.round((BG[c] * bg + FG[c] * fg) / cover) : 0;
      raw[o + 3] = Math.round((cover * 255) / (S * S));
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; ihdr[9] = 6; // 8-bit RGBA
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}
