/**
 * Writes web/public/favicon.ico from web/public/favicon.svg: Chromium (playwright-core, Debian's
 * /usr/bin/chromium) draws the SVG at 16, 32 and 48 px, and the PNGs go into one ICO file (PNG-in-ICO,
 * which every browser since IE 9 reads). Run it after changing the SVG: `node scripts/make-favicon.mjs`.
 * The ICO is committed, so neither the build nor the server needs a browser.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const publicDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'web', 'public');
const SIZES = [16, 32, 48];

const svg = readFileSync(join(publicDir, 'favicon.svg'));
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] });
const pngs = [];
try {
  const page = await browser.newPage();
  for (const size of SIZES) {
    await page.setViewportSize({ width: size, height: size });
    await page.setContent(`<style>html,body{margin:0;background:transparent}</style><img width="${size}" height="${size}" src="data:image/svg+xml;base64,${svg.toString('base64')}">`);
    await page.locator('img').evaluate((img) => img.decode());
    pngs.push(await page.screenshot({ omitBackground: true, clip: { x: 0, y: 0, width: size, height: size } }));
  }
} finally {
  await browser.close();
}

// ICONDIR (6 bytes), one ICONDIRENTRY (16 bytes) per image, then the images.
const header = Buffer.alloc(6 + 16 * pngs.length);
header.writeUInt16LE(0, 0);
header.writeUInt16LE(1, 2); // 1 = icon
header.writeUInt16LE(pngs.length, 4);
let offset = header.length;
pngs.forEach((png, i) => {
  const entry = 6 + 16 * i;
  header.writeUInt8(SIZES[i] % 256, entry); // width (0 means 256)
  header.writeUInt8(SIZES[i] % 256, entry + 1); // height
  header.writeUInt8(0, entry + 2); // no palette
  header.writeUInt8(0, entry + 3);
  header.writeUInt16LE(1, entry + 4); // colour planes
  header.writeUInt16LE(32, entry + 6); // bits per pixel
  header.writeUInt32LE(png.length, entry + 8);
  header.writeUInt32LE(offset, entry + 12);
  offset += png.length;
});
const ico = Buffer.concat([header, ...pngs]);
writeFileSync(join(publicDir, 'favicon.ico'), ico);
console.log(`web/public/favicon.ico: ${SIZES.join(', ')} px, ${ico.length} bytes`);
