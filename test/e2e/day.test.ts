import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { createCore, type Core } from '../../src/main/core/core';
import { DEMO_WELLS, openSession, prepareDemoWorkspace, tempWorkspace, shot, goSection, canvasDigest, type Session } from './helpers';

// A user's day on a real (small) demo workspace: simulator → import → measured acquired images;
// then in the UI: plate map by feature and metric, a model added and run with progress,
// measurements, metrics dashboard, the well explorer, and a per-well export.
let ws: string;
let core: Core;
let s: Session;
let page: Page;
let plateId: number;

before(async () => {
  ws = tempWorkspace('day');
  core = createCore({ workspace: ws, transport: 'http' });
  ({ plateId } = await prepareDemoWorkspace(core));
  s = await openSession(ws, { core });
  page = s.page;
});

after(async () => {
  await s?.close();
  core?.close();
  rmSync(ws, { recursive: true, force: true });
});

/** Click the well at (row, col) of the plate-map canvas. */
async function wellPoint(row: number, col: number): Promise<{ x: number; y: number }> {
  const map = page.getByTestId('plate-map');
  const cell = Number(await map.getAttribute('data-cell'));
  const label = Number(await map.getAttribute('data-label'));
  return { x: label + col * cell + cell / 2, y: label + row * cell + cell / 2 };
}

/** Choose in a Mantine Select: type to filter when it is searchable, then click the option. */
async function pick(testId: string, text: string, option?: RegExp) {
  const input = page.getByTestId(testId);
  await input.click();
  if (await input.isEditable()) await input.fill(text);
  const opt = option ? page.getByRole('option', { name: option }).first() : page.getByRole('option').first();
  await opt.click();
}

async function legendRange(): Promise<[number, number]> {
  const num = async (id: string) => Number(((await page.getByTestId(id).textContent()) ?? '').replace(/,/g, ''));
  return [await num('legend-min'), await num('legend-max')];
}

test('open the demo plate from the plate list; hover shows the well annotation', async () => {
  await goSection(page, 'plates');
  const row = page.locator('[data-plate="E2E-DEMO"]');
  await row.waitFor();
  assert.match((await row.textContent()) ?? '', /demo/);
  await row.click();
  await page.getByTestId('plate-title').filter({ hasText: 'E2E-DEMO' }).waitFor();
  const imaged = core.db.prepare('SELECT COUNT(*) AS n FROM wells w WHERE plate_id = ? AND EXISTS (SELECT 1 FROM sites s WHERE s.well_id = w.id)').get(plateId) as { n: number };
  assert.equal(imaged.n, DEMO_WELLS.length);
  // B02 is a DMSO negative control in the demo layout.
  const p = await wellPoint(1, 1);
  await page.getByTestId('plate-map').hover({ position: p });
  const card = page.getByTestId('well-card');
  await card.waitFor();
  const text = (await card.textContent()) ?? '';
  assert.match(text, /B02/);
  assert.match(text, /negcon/);
  // with features measured, the map opens coloured by cells per well
  assert.match(text, /Count_Cells: \d+/);
  // the acquired images were divided by the plate's illumination functions first, and the page says so
  const illum = page.getByTestId('plate-illumination');
  await illum.filter({ hasText: 'CorrectIlluminationCalculate' }).waitFor();
  assert.match((await illum.textContent()) ?? '', new RegExp(`acquired, classical: DNA, ER, RNA, AGP, Mito computed \\(CorrectIlluminationCalculate, ${DEMO_WELLS.length * 2} images\\)`));
  await shot(page, 'day-1-plate-map');
});

test('colour the plate map by a measured feature, then as robust z vs DMSO', async () => {
  await pick('value-picker', 'Cells_AreaShape_Area', /^Cells_AreaShape_Area$/);
  await page.getByTestId('legend').filter({ hasText: 'Cells_AreaShape_Area' }).waitFor();
  const [lo, hi] = await legendRange();
  assert.ok(Number.isFinite(lo) && Number.isFinite(hi) && hi > lo && lo > 0, `area legend ${lo}..${hi}`);
  const ms = (await page.getByTestId('recolour-ms').textContent()) ?? '';
  assert.match(ms, /recoloured in \d+ ms/);
  await page.getByTestId('plate-map').hover({ position: await wellPoint(2, 3) });
  const v = Number(((await page.getByTestId('well-card-value').textContent()) ?? '').replace(/,/g, ''));
  assert.ok(v >= lo && v <= hi, `hovered C04 value ${v} inside the legend range`);
  // The plate's DMSO wells exist, so Z' is shown for the controls.
  assert.match((await page.getByTestId('zprime').textContent()) ?? '', /^-?\d+\.\d\d$/);
  await shot(page, 'day-2-feature');
  await page.getByTestId('zscore').check({ force: true });
  await page.getByTestId('legend').filter({ hasText: 'robust z' }).waitFor();
  const [zlo, zhi] = await legendRange();
  assert.equal(zlo, -zhi, 'diverging scale is symmetric around 0');
  await shot(page, 'day-3-feature-z');
  await page.getByTestId('zscore').uncheck({ force: true });
});

test('add a model on the Models page', async () => {
  await goSection(page, 'models');
  await page.getByLabel('Folder or description file').fill(resolve('test/fixtures/models/direct'));
  await page.getByRole('button', { name: 'Add model' }).click();
  await page.locator('[data-model="fixture-direct"]').waitFor();
  await page.locator('[data-model="fixture-direct"]').click();
  await page.getByTestId('model-detail').waitFor();
  assert.match((await page.getByTestId('model-detail').textContent()) ?? '', /BFLow, BF, BFHigh/);
  await shot(page, 'day-4-models');
});

test('run the model from the plate page with a progress bar, then measure the run', async () => {
  await page.evaluate(`location.hash = '#/plates/${plateId}'`);
  await page.getByTestId('run-model').waitFor();
  await pick('model-select', 'fixture', /fixture-direct/);
  assert.match(await page.getByTestId('model-select').inputValue(), /fixture-direct/);
  await page.getByTestId('run-model-button').click();
  const card = page.getByTestId('run-model').locator('[data-job]').first();
  await card.waitFor();
  assert.ok(await card.locator('.mantine-Progress-root').count(), 'the job shows a progress bar');
  await page.getByTestId('run-model').locator('[data-job][data-status="done"]').first().waitFor({ timeout: 300_000 });
  assert.match((await card.textContent()) ?? '', new RegExp(`${2 * DEMO_WELLS.length} / ${2 * DEMO_WELLS.length} sites`));
  await shot(page, 'day-5-inference-done');
  await page.getByTestId('measure-run').click();
  await page.getByTestId('run-model').locator('[data-job][data-status="done"]').nth(1).waitFor({ timeout: 300_000 });
  const runs = await s.core.db.prepare("SELECT COUNT(*) AS n FROM images WHERE kind = 'synthetic'").get() as { n: number };
  assert.ok(runs.n >= 2 * DEMO_WELLS.length * 5, `synthetic images written: ${runs.n}`);
});

test('compute metrics and read the dashboard', async () => {
  await goSection(page, 'metrics');
  await page.locator('[data-run]').first().click();
  await page.getByTestId('metrics-dashboard').waitFor();
  await page.getByRole('button', { name: /Compute metrics/ }).click();
  await page.waitForSelector('[data-page="jobs"]');
  await page.locator('[data-job][data-status="done"]', { hasText: /metrics/i }).first().waitFor({ timeout: 300_000 });
  await page.goBack();
  await page.getByTestId('box-ssim').waitFor();
  const title = (await page.locator('[data-page="metrics"] h2').textContent()) ?? '';
  assert.match(title, /fixture-direct/);
  assert.match(title, /E2E-DEMO/);
  assert.ok(await page.getByTestId('seg-table').count(), 'segmentation table shown');
  await shot(page, 'day-6-metrics');
});

test('colour the plate map by a metric of the run', async () => {
  await page.evaluate(`location.hash = '#/plates/${plateId}'`);
  await page.getByTestId('plate-map').waitFor();
  await pick('value-picker', 'SSIM');
  await page.getByTestId('legend').filter({ hasText: /SSIM/ }).waitFor();
  const [lo, hi] = await legendRange();
  assert.ok(lo >= -1 && hi <= 1 && hi >= lo, `SSIM range ${lo}..${hi}`);
  await shot(page, 'day-7-metric');
  // Thumbnail mode draws each imaged well's composite into the map.
  const heat = await canvasDigest(page, 'plate-map');
  await page.getByText('Thumbnails', { exact: true }).click();
  await page.waitForFunction((n) => performance.getEntriesByType('resource').filter((e) => e.name.includes('/img/well-thumb/')).length >= n, DEMO_WELLS.length);
  await page.waitForTimeout(500);
  assert.notEqual(await canvasDigest(page, 'plate-map'), heat);
  await shot(page, 'day-7b-thumbnails');
  // Light theme: the map is redrawn for a light background.
  await page.getByText('Light', { exact: true }).click();
  await page.getByText('Heatmap', { exact: true }).click();
  await page.waitForTimeout(300);
  await shot(page, 'day-7c-light');
  await page.getByText('Dark', { exact: true }).click();
});

test('open a well: channels, outlines, cell under the pointer, compare synthetic vs acquired', async () => {
  await page.getByTestId('plate-map').click({ position: await wellPoint(1, 1) });
  await page.getByTestId('well-title').filter({ hasText: 'B02' }).waitFor();
  await page.getByTestId('viewer-status').filter({ hasNotText: 'Loading' }).waitFor();
  // Ground-truth outlines are chosen automatically once the site's segmentations are listed.
  // a function, not a string: polling a string predicate needs eval, which the app's CSP forbids
  await page.waitForFunction(() => {
    const doc = (globalThis as unknown as { document: { querySelector(q: string): { value?: string } | null } }).document;
    return (doc.querySelector('[data-testid="overlay-source"]')?.value ?? '').startsWith('Ground truth');
  });
  await page.waitForTimeout(400);
  const all = await canvasDigest(page, 'viewer');
  await page.keyboard.press('1');
  assert.equal(await page.getByTestId('toggle-DNA').isChecked(), false);
  await page.waitForTimeout(200);
  const noDna = await canvasDigest(page, 'viewer');
  assert.notEqual(noDna, all, 'hiding DNA changes the image');
  await page.keyboard.press('1');
  await page.waitForTimeout(200);
  assert.equal(await canvasDigest(page, 'viewer'), all, 'showing DNA again restores it');
  // O hides the outlines.
  await page.keyboard.press('o');
  await page.waitForTimeout(200);
  assert.notEqual(await canvasDigest(page, 'viewer'), all, 'outlines off changes the image');
  await page.keyboard.press('o');
  await shot(page, 'day-8-well');
  // Find a pixel inside a cell: walk the viewer until the cell panel names an object.
  const box = (await page.getByTestId('viewer').boundingBox())!;
  let found = false;
  for (let i = 1; i < 12 && !found; i++) {
    await page.mouse.move(box.x + (box.width * i) / 12, box.y + box.height / 2);
    await page.waitForTimeout(60);
    found = (await page.getByTestId('cell-label').count()) > 0;
  }
  assert.ok(found, 'a cell under the pointer is named with its measurements');
  assert.match((await page.getByTestId('cell-info').textContent()) ?? '', /area \d+ px/);
  await shot(page, 'day-9-cell');
  // Side by side with linked zoom.
  await page.getByText('Side by side', { exact: true }).click();
  await page.getByTestId('viewer-right').waitFor();
  await page.waitForTimeout(300);
  const right0 = await canvasDigest(page, 'viewer-right');
  await page.mouse.move(box.x + box.width / 4, box.y + box.height / 2);
  await page.mouse.wheel(0, -400);
  await page.waitForTimeout(300);
  assert.notEqual(await canvasDigest(page, 'viewer-right'), right0, 'zooming the left view zooms the right one');
  assert.match((await page.locator('[data-testid="viewer-right"] ~ p, [data-testid="viewer-label"]').allTextContents()).join(' '), /Synthetic · fixture-direct/);
  await shot(page, 'day-10-side-by-side');
  await page.getByText('Swipe', { exact: true }).click();
  await page.getByTestId('swipe-line').waitFor();
  await shot(page, 'day-11-swipe');
  await page.getByText('Single', { exact: true }).click();
  // → opens the next imaged well (keys go to the page, not to a focused control).
  await page.evaluate('document.activeElement && document.activeElement.blur()');
  await page.keyboard.press('ArrowRight');
  await page.getByTestId('well-title').filter({ hasText: 'B03' }).waitFor();
});

test('export a per-well table of the synthetic run', async () => {
  await page.evaluate(`location.hash = '#/io/export'`);
  await page.getByTestId('export-dialog').waitFor();
  await pick('export-source', 'Synthetic', /Synthetic/);
  mkdirSync(join(ws, 'export'));
  const out = join(ws, 'export', 'wells.csv');
  await page.getByTestId('export-out').fill(out);
  await page.getByTestId('export-start').click();
  const job = page.getByTestId('export-dialog').locator('[data-job]');
  try {
    await page.getByTestId('export-dialog').locator('[data-job][data-status="done"], [data-job][data-status="failed"]').waitFor({ timeout: 120_000 });
  } catch (e) {
    await shot(page, 'day-12-export-stuck');
    throw new Error(`export did not finish: ${await page.getByTestId('export-dialog').textContent()} / jobs: ${JSON.stringify(core.jobs.list().map((j) => [j.id, j.kind, j.status, j.error]))}`, { cause: e });
  }
  assert.equal(await job.getAttribute('data-status'), 'done', (await job.textContent()) ?? '');
  await page.getByTestId('export-result').waitFor();
  assert.ok(existsSync(out), `${out} written`);
  const lines = readFileSync(out, 'utf8').trim().split('\n');
  assert.equal(lines.length, 1 + DEMO_WELLS.length, 'header + one row per imaged well');
  assert.match(lines[0], /Metadata_Well/);
  assert.match((await page.getByTestId('export-result').textContent()) ?? '', new RegExp(`Wrote ${DEMO_WELLS.length} rows`));
  await shot(page, 'day-12-export');
  // per cell in CellProfiler's SQLite layout (what pycytominer's SingleCells reads), checked by Python's sqlite3
  await page.getByText('Per cell', { exact: true }).click();
  await page.getByTestId('export-layout').getByText('CellProfiler SQLite', { exact: true }).click();
  await page.getByTestId('export-layout-note').waitFor();
  const sqlite = join(ws, 'export', 'cells.sqlite');
  await page.getByTestId('export-out').fill(sqlite);
  await page.getByTestId('export-start').click();
  await page.getByTestId('export-result').filter({ hasText: 'cells.sqlite' }).waitFor({ timeout: 120_000 });
  const py = `import sqlite3, sys, json
c = sqlite3.connect(sys.argv[1])
print(json.dumps({t: c.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for (t,) in c.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}))`;
  const tables = JSON.parse(execFileSync('/usr/bin/python3', ['-c', py, sqlite], { encoding: 'utf8' })) as Record<string, number>;
  assert.deepEqual(Object.keys(tables).sort(), ['Cells', 'Cytoplasm', 'Image', 'Nuclei']);
  assert.ok(tables.Cells > 0 && tables.Image > 0, JSON.stringify(tables));
  await shot(page, 'day-12b-export-sqlite');
  await goSection(page, 'jobs');
  assert.equal(await page.locator('[data-status="failed"]').count(), 0, 'no job failed');
  await shot(page, 'day-13-jobs');
});
