// UI figures in Debian's Chromium (SwiftShader WebGL, no GPU here): plate-map recolour time for
// 384 and 1536 wells, and the well viewer's draw time and frame rate while panning 1080² and
// 2160² 5-channel 16-bit sites. Needs the built renderer (npm run build) and /usr/bin/chromium.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { BenchRow } from './types';
import { createCore, type Core } from '../src/main/core/core';
import { writeTiff } from '../src/main/core/io/tiff';
import { PLATE_FORMATS, PAINT_CHANNELS, wellName } from '../src/shared/channels';
import { openSession } from '../test/e2e/helpers';

function plate(core: Core, barcode: string, format: 96 | 384 | 1536): number {
  const id = core.db.prepare('INSERT INTO plates (barcode, format) VALUES (?, ?)').run(barcode, format).lastInsertRowid as number;
  const { rows, cols } = PLATE_FORMATS[format];
  const ins = core.db.prepare("INSERT INTO wells (plate_id, row, col, name, concentration, control_type, annotated) VALUES (?, ?, ?, ?, ?, ?, 1)");
  core.db.transaction(() => {
    for (let r = 0; r < rows; r++)
      for (let c = 0; c < cols; c++) ins.run(id, r, c, wellName(r, c), ((r * cols + c) % 7) + 0.5, c === 0 ? 'negcon' : c === cols - 1 ? 'poscon' : 'trt');
  })();
  return id;
}

/** One site with the five paint channels: blobs on a gradient, different per channel. */
async function site(core: Core, dir: string, plateId: number, size: number): Promise<number> {
  const well = core.db.prepare('SELECT id FROM wells WHERE plate_id = ? ORDER BY id LIMIT 1').get(plateId) as { id: number };
  const siteId = core.db.prepare('INSERT INTO sites (well_id, field) VALUES (?, 1)').run(well.id).lastInsertRowid as number;
  for (const [k, ch] of PAINT_CHANNELS.entries()) {
    const data = new Uint16Array(size * size);
    for (let y = 0; y < size; y++)
      for (let x = 0; x < size; x++) {
        const b = Math.sin((x + k * 37) / 23) * Math.cos((y - k * 11) / 19);
        data[y * size + x] = 400 + 30 * k + Math.max(0, b) * 6000 + ((x * 7 + y * 13) % 50);
      }
    const path = join(dir, `${size}-${ch}.tiff`);
    await writeTiff(path, { width: size, height: size, bitDepth: 16, data });
    core.db
      .prepare("INSERT INTO images (site_id, channel, kind, path, width, height, bit_depth) VALUES (?, ?, 'acquired', ?, ?, ?, 16)")
      .run(siteId, ch, path, size, size);
  }
  return well.id;
}

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)] ?? NaN, p95: s[Math.min(s.length - 1, Math.floor(s.length * 0.95))] ?? NaN };
};

async function recolour(page: Page, plateId: number, n: number): Promise<number[]> {
  await page.evaluate(`location.hash = '#/plates/${plateId}'`);
  await page.getByTestId('plate-map').waitFor();
  const times: number[] = [];
  const labels = ['Concentration', 'Sites per well'];
  for (let i = 0; i < n; i++) {
    const input = page.getByTestId('value-picker');
    await input.click();
    await page.getByRole('option', { name: labels[i % 2], exact: true }).click();
    await page.getByTestId('legend').filter({ hasText: labels[i % 2] }).waitFor();
    await page.waitForFunction(`performance.getEntriesByName('stainless-recolour-end').length >= ${i + 1}`);
    const t = (await page.evaluate(`(() => {
      const s = performance.getEntriesByName('stainless-recolour-start'), e = performance.getEntriesByName('stainless-recolour-end');
      return e[e.length - 1].startTime - s[s.length - 1].startTime; })()`)) as number;
    times.push(t);
  }
  return times;
}

async function viewer(page: Page, wellId: number): Promise<{ load: number; draws: number[]; fps: number; size: string }> {
  const t0 = Date.now();
  await page.evaluate(`location.hash = '#/well/${wellId}'`);
  await page.getByTestId('viewer-status').filter({ hasText: 'zoom' }).waitFor({ timeout: 60_000 });
  await page.getByTestId('viewer-status').filter({ hasNotText: 'Loading' }).waitFor({ timeout: 60_000 });
  const load = Date.now() - t0;
  const box = (await page.getByTestId('viewer').boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.wheel(0, -300);
  await page.evaluate('window.__stainlessFrames = []; window.__stainlessSyncFrames = true');
  const start = Date.now();
  await page.mouse.down();
  for (let i = 0; i < 60; i++) await page.mouse.move(box.x + box.width / 2 + Math.sin(i / 6) * 200, box.y + box.height / 2 + i * 2);
  await page.mouse.up();
  await page.waitForTimeout(100);
  const draws = (await page.evaluate('window.__stainlessFrames')) as number[];
  return { load, draws, fps: draws.length / ((Date.now() - start) / 1000), size: `${Math.round(box.width)}×${Math.round(box.height)} px` };
}

export default async function (): Promise<BenchRow[]> {
  const ws = mkdtempSync(join(tmpdir(), 'stainless-bench-ui-'));
  const core = createCore({ workspace: ws, transport: 'http' });
  const rows: BenchRow[] = [];
  try {
    const p384 = plate(core, 'BENCH-384', 384);
    const p1536 = plate(core, 'BENCH-1536', 1536);
    const w1080 = await site(core, ws, p384, 1080);
    const w2160 = await site(core, ws, p1536, 2160);
    const s = await openSession(ws, { core, viewport: { width: 1920, height: 1080 } });
    try {
      for (const [label, id] of [
        ['384 wells', p384],
        ['1536 wells', p1536],
      ] as const) {
        const t = stats(await recolour(s.page, id, 10));
        rows.push({ stage: 'ui', figure: `plate-map recolour, ${label} (median)`, value: t.median, unit: 'ms', note: `p95 ${t.p95.toFixed(1)} ms; picker change → canvas drawn` });
      }
      for (const [label, id] of [
        ['1080²', w1080],
        ['2160²', w2160],
      ] as const) {
        const v = await viewer(s.page, id);
        const d = stats(v.draws);
        rows.push({ stage: 'ui', figure: `viewer first image, 5 ch ${label}`, value: v.load, unit: 'ms', note: 'fetch raw 16-bit + percentiles + upload' });
        rows.push({ stage: 'ui', figure: `viewer draw, 5 ch ${label} (median)`, value: d.median, unit: 'ms', note: `p95 ${d.p95.toFixed(1)} ms; one frame incl. gl.finish, software GL (SwiftShader), viewer ${v.size}` });
        rows.push({ stage: 'ui', figure: `viewer frames while panning, ${label}`, value: v.fps, unit: 'frames/s', note: `${v.draws.length} frames over a 60-step drag` });
      }
    } finally {
      await s.close();
    }
  } finally {
    core.close();
    rmSync(ws, { recursive: true, force: true });
  }
  return rows;
}
