// Draws the tray icons from the logo's geometry (build/icon.png: a ring open at the top right
// around a dot) and writes them into build/. Run by hand when the logo changes:
//   node build/scripts/make-icons.mjs
// macOS: trayTemplate.png (16×16) and trayTemplate@2x.png (32×32), black on transparent, which
// macOS tints for light and dark menu bars. Windows: tray.ico (16, 20, 24, 32, 40, 48).
// Linux: tray.png (32×32, in colour).
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const BUILD = new URL('../', import.meta.url);
const BRAND = [79, 70, 229];
const BLACK = [0, 0, 0];

// The logo on a 512 grid: ring radii, the dot, and the gap between two angles (y points down).
const OUTER = 236 / 512;
const INNER = 154 / 512;
const DOT = 61 / 512;
const GAP_FROM = (-70 * Math.PI) / 180;
const GAP_TO = (-20 * Math.PI) / 180;
const SAMPLES = 8;

function covered(x, y) {
  const dx = x - 0.5;
  const dy = y - 0.5;
  const radius = Math.hypot(dx, dy);
  if (radius <= DOT) return true;
  const angle = Math.atan2(dy, dx);
  return radius >= INNER && radius <= OUTER && !(angle > GAP_FROM && angle < GAP_TO);
}

/** RGBA pixels of the logo at `size`, anti-aliased by supersampling. */
function draw(size, [r, g, b]) {
  const pixels = Buffer.alloc(size * size * 4);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let hits = 0;
      for (let sy = 0; sy < SAMPLES; sy++) {
        for (let sx = 0; sx < SAMPLES; sx++) {
          if (covered((px + (sx + 0.5) / SAMPLES) / size, (py + (sy + 0.5) / SAMPLES) / size)) hits++;
        }
      }
      const offset = (py * size + px) * 4;
      pixels.set([r, g, b, Math.round((255 * hits) / (SAMPLES * SAMPLES))], offset);
    }
  }
  return pixels;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes) {
  let c = 0xffffffff;
  for (const byte of bytes) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

function png(size, pixels) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8); // 8 bits, RGBA, deflate, no filter method choice, no interlace
  const rows = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) pixels.copy(rows, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk('IHDR', header), chunk('IDAT', deflateSync(rows, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}

/** An .ico holding one PNG per size (Windows Vista and later read PNG entries). */
function ico(sizes, color) {
  const images = sizes.map((size) => png(size, draw(size, color)));
  const header = Buffer.alloc(6);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2);
  header.writeUInt16LE(images.length, 4);
  let offset = 6 + 16 * images.length;
  const entries = images.map((image, index) => {
    const entry = Buffer.alloc(16);
    entry.writeUInt8(sizes[index] >= 256 ? 0 : sizes[index], 0);
    entry.writeUInt8(sizes[index] >= 256 ? 0 : sizes[index], 1);
    entry.writeUInt16LE(1, 4); // colour planes
    entry.writeUInt16LE(32, 6); // bits per pixel
    entry.writeUInt32LE(image.length, 8);
    entry.writeUInt32LE(offset, 12);
    offset += image.length;
    return entry;
  });
  return Buffer.concat([header, ...entries, ...images]);
}

const outputs = {
  'trayTemplate.png': png(16, draw(16, BLACK)),
  'trayTemplate@2x.png': png(32, draw(32, BLACK)),
  'tray.png': png(32, draw(32, BRAND)),
  'tray.ico': ico([16, 20, 24, 32, 40, 48], BRAND),
};
for (const [name, bytes] of Object.entries(outputs)) {
  writeFileSync(new URL(name, BUILD), bytes);
  process.stdout.write(`build/${name} (${bytes.length} bytes)\n`);
}
