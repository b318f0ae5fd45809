#!/usr/bin/env node
/**
 * Renders resources/icon.svg with the system Chromium (through playwright-core) into
 *   resources/icon.png            1024×1024, keeps the macOS grid margin; electron-builder derives
 *                                 the macOS .icns and the Windows .ico from it;
 *   resources/icons/<n>x<n>.png   16…512, the Linux icon set electron-builder takes as a folder.
 *                                 These are cropped to the tile so the glyph stays legible at 16 px.
 * Run it after changing the SVG (`npm run icons`) and commit the PNGs.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const resources = join(root, 'resources');
const LINUX_SIZES = [16, 32, 48, 64, 128, 256, 512];
// The tile spans 100…924 of the 1024 viewBox; the Linux set is cropped to the tile (the SVG's
// 16 px variant is snapped to that grid).
const LINUX_VIEWBOX = '100 100 824 824';

const CHROMIUM = {
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-quic'],
};

function withViewBox(svg, viewBox) {
  const out = svg.replace(/viewBox="[^"]*"/, `viewBox="${viewBox}"`);
  if (out === svg) throw new Error('resources/icon.svg has no viewBox attribute');
  return out;
}

/** Width and height from the PNG's IHDR chunk. */
function pngSize(png) {
  if (png.toString('ascii', 1, 4) !== 'PNG') throw new Error('not a PNG');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

async function render(page, svg, size) {
  await page.setViewportSize({ width: size, height: size });
  const src = `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
  await page.setContent(
    `<!doctype html><html><body style="margin:0;background:transparent">` +
      `<img src="${src}" width="${size}" height="${size}" style="display:block"></body></html>`,
  );
  await page.locator('img').evaluate((img) => img.decode());
  const png = await page.screenshot({ omitBackground: true, clip: { x: 0, y: 0, width: size, height: size } });
  const got = pngSize(png);
  if (got.width !== size || got.height !== size) throw new Error(`rendered ${got.width}×${got.height}, expected ${size}×${size}`);
  return png;
}

const svg = readFileSync(join(resources, 'icon.svg'), 'utf8');
const browser = await chromium.launch(CHROMIUM);
try {
  const page = await browser.newPage({ deviceScaleFactor: 1 });
  const outputs = [[join(resources, 'icon.png'), svg, 1024]];
  mkdirSync(join(resources, 'icons'), { recursive: true });
  const linuxSvg = withViewBox(svg, LINUX_VIEWBOX);
  for (const size of LINUX_SIZES) outputs.push([join(resources, 'icons', `${size}x${size}.png`), linuxSvg, size]);
  for (const [file, source, size] of outputs) {
    writeFileSync(file, await render(page, source, size));
    console.log(`icons: ${relative(root, file)} (${size}×${size})`);
  }
} finally {
  await browser.close();
}
