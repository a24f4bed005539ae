// Draws Waybill's application icon and writes it in the three formats electron-builder needs
// (resources/packaging/icon.png for Linux, icon.ico for Windows, icon.icns for macOS). Pure Node (zlib for
// PNG), so it runs anywhere and the same input gives the same bytes; the outputs are committed, so
// packaging does not run this. Run it again after changing the drawing: `node build/make-icons.mjs`.
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { deflateSync } from 'node:zlib';

const out = join(resolve(import.meta.dirname, '..'), 'resources', 'packaging');

// The drawing, in unit coordinates (0..1): a rounded navy tile, a white waybill sheet with a folded
// corner and three text lines, and a green check over its lower right. Returns RGBA 0..255 or null.
const NAVY = [29, 53, 87];
const WHITE = [248, 250, 252];
const LINE = [148, 163, 184];
const GREEN = [34, 160, 107];
function roundedRect(x, y, x0, y0, x1, y1, r) {
  const cx = Math.min(Math.max(x, x0 + r), x1 - r);
  const cy = Math.min(Math.max(y, y0 + r), y1 - r);
  return x >= x0 && x <= x1 && y >= y0 && y <= y1 && (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
}
function distToSegment(px, py, ax, ay, bx, by) {
  const t = Math.max(
    0,
    Math.min(1, ((px - ax) * (bx - ax) + (py - ay) * (by - ay)) / ((bx - ax) ** 2 + (by - ay) ** 2)),
  );
  return Math.hypot(px - (ax + t * (bx - ax)), py - (ay + t * (by - ay)));
}
function paint(x, y) {
  const check = Math.min(distToSegment(x, y, 0.5, 0.66, 0.6, 0.76), distToSegment(x, y, 0.6, 0.76, 0.8, 0.52));
  if (check <= 0.045) return GREEN;
  const inSheet = x >= 0.26 && x <= 0.7 && y >= 0.18 && y <= 0.82 && x + (0.3 - y) <= 0.7 - 0.12 + 0.12;
  const fold = x >= 0.58 && y <= 0.3 && x - 0.58 >= y - 0.18;
  if (inSheet && !fold) {
    for (const ly of [0.36, 0.46, 0.56])
      if (Math.abs(y - ly) <= 0.018 && x >= 0.33 && x <= (ly === 0.56 ? 0.5 : 0.62)) return LINE;
    return WHITE;
  }
  if (inSheet && fold) return LINE;
  if (roundedRect(x, y, 0.04, 0.04, 0.96, 0.96, 0.2)) return NAVY;
  return null;
}

function render(size) {
  const ss = 4; // 4x4 supersampling for smooth edges
  const px = Buffer.alloc(size * size * 4);
  for (let j = 0; j < size; j++) {
    for (let i = 0; i < size; i++) {
      let r = 0,
        g = 0,
        b = 0,
        a = 0;
      for (let sj = 0; sj < ss; sj++) {
        for (let si = 0; si < ss; si++) {
          const c = paint((i + (si + 0.5) / ss) / size, (j + (sj + 0.5) / ss) / size);
          if (c) {
            r += c[0];
            g += c[1];
            b += c[2];
            a++;
          }
        }
      }
      const o = (j * size + i) * 4;
      if (a) {
        px[o] = Math.round(r / a);
        px[o + 1] = Math.round(g / a);
        px[o + 2] = Math.round(b / a);
      }
      px[o + 3] = Math.round((a / (ss * ss)) * 255);
    }
  }
  return px;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const byte of buf) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}
function png(size) {
  const rgba = render(size);
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) rgba.copy(raw, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4); // filter 0 per row
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

// ICO with PNG-compressed entries (Windows Vista and later).
function ico(sizes) {
  const images = sizes.map(png);
  const head = Buffer.alloc(6 + 16 * sizes.length);
  head.writeUInt16LE(0, 0);
  head.writeUInt16LE(1, 2);
  head.writeUInt16LE(sizes.length, 4);
  let offset = head.length;
  sizes.forEach((s, k) => {
    const e = 6 + 16 * k;
    head[e] = s >= 256 ? 0 : s;
    head[e + 1] = s >= 256 ? 0 : s;
    head.writeUInt16LE(1, e + 4); // planes
    head.writeUInt16LE(32, e + 6); // bits per pixel
    head.writeUInt32LE(images[k].length, e + 8);
    head.writeUInt32LE(offset, e + 12);
    offset += images[k].length;
  });
  return Buffer.concat([head, ...images]);
}

// ICNS with PNG entries: ic07 128, ic08 256, ic09 512, ic10 1024 (512@2x).
function icns(entries) {
  const parts = entries.map(([type, size]) => {
    const data = png(size);
    const h = Buffer.alloc(8);
    h.write(type, 0, 'ascii');
    h.writeUInt32BE(data.length + 8, 4);
    return Buffer.concat([h, data]);
  });
  const h = Buffer.alloc(8);
  h.write('icns', 0, 'ascii');
  h.writeUInt32BE(8 + parts.reduce((n, p) => n + p.length, 0), 4);
  return Buffer.concat([h, ...parts]);
}

writeFileSync(join(out, 'icon.png'), png(512));
writeFileSync(join(out, 'icon.ico'), ico([16, 24, 32, 48, 64, 128, 256]));
writeFileSync(
  join(out, 'icon.icns'),
  icns([
    ['ic07', 128],
    ['ic08', 256],
    ['ic09', 512],
    ['ic10', 1024],
  ]),
);
console.log(`make-icons: wrote icon.png, icon.ico and icon.icns in ${out}`);
