import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { createCore, type Core } from '../../src/main/core/core';
import { DEMO_WELLS, openSession, prepareDemoWorkspace, shot, tempWorkspace, type Session } from './helpers';
import { main } from '../../src/main/cli';
import { PAINT_CHANNELS } from '../../src/shared/channels';

// The plate page's lab actions on a real demo workspace (real catalog, TIFFs, Chromium): pycytominer
// profiles exported from a button, and segmentation with JUMP's .npy illumination files from a
// chosen folder. The Jobs page's campaign actions are in campaign-actions.test.ts.
const FIX = fileURLToPath(new URL('../fixtures/illumination/', import.meta.url));
let ws: string;
let core: Core;
let s: Session;
let page: Page;
let plateId: number;

before(async () => {
  ws = tempWorkspace('lab');
  core = createCore({ workspace: ws, transport: 'http' });
  // 160² sites: the size of the numpy-written reference function (demo-illum.npy)
  ({ plateId } = await prepareDemoWorkspace(core, { size: 160 }));
  s = await openSession(ws, { core, viewport: { width: 1400, height: 900 } });
  page = s.page;
});

after(async () => {
  await s?.close();
  core?.close();
  rmSync(ws, { recursive: true, force: true });
});

async function openPlate() {
  await page.evaluate(`location.hash = '#/plates/${plateId}'`);
  await page.getByTestId('plate-title').filter({ hasText: 'E2E-DEMO' }).waitFor();
}

test("'Export profiles' on the plate page writes pycytominer's profiles and copairs' mAP, the same bytes as `stainless profile`", { timeout: 600_000 }, async () => {
  await openPlate();
  await page.getByTestId('profiles-open').click();
  const out = join(ws, 'ui-profiles.csv');
  const mapOut = join(ws, 'ui-map.csv');
  await page.getByTestId('profiles-out').fill(out);
  await page.getByTestId('profiles-map').fill(mapOut);
  await shot(page, 'lab-profiles-form');
  await page.getByTestId('profiles-start').click();
  const result = page.getByTestId('profiles-result');
  await result.waitFor({ timeout: 300_000 });
  const text = (await result.textContent()) ?? '';
  assert.match((await page.getByTestId('plate-profiles').textContent()) ?? '', /Profiles of E2E-DEMO \(acquired\)/);
  assert.match(text, new RegExp(`^${DEMO_WELLS.length} wells \\(3 DMSO\\), \\d+ of \\d+ features kept → ${out.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`));
  await result.scrollIntoViewIfNeeded();
  await shot(page, 'lab-profiles-done');

  // the CLI's recipe on the same feature set: the button sends the same request
  const cliOut = join(ws, 'cli-profiles.csv');
  const cliMap = join(ws, 'cli-map.csv');
  assert.equal(await main(['--workspace', ws, 'profile', '--plate', 'E2E-DEMO', '--source', 'acquired', '--method', 'classical', '--out', cliOut, '--map', cliMap]), 0);
  assert.ok(readFileSync(out).equals(readFileSync(cliOut)), 'profiles differ from the CLI');
  assert.ok(readFileSync(mapOut).equals(readFileSync(cliMap)), 'mAP tables differ from the CLI');
  const lines = readFileSync(out, 'utf8').trim().split('\n');
  assert.equal(lines.length, 1 + DEMO_WELLS.length);
  assert.match(lines[0], /^Metadata_/);

  // a refusal is one line in the form: the file exists and overwrite is off
  await page.getByTestId('profiles-open').click();
  await page.getByTestId('profiles-out').fill(out);
  await page.getByTestId('profiles-map').fill(mapOut);
  await page.getByTestId('profiles-start').click();
  const err = page.getByTestId('profiles-error');
  await err.waitFor();
  const line = (await err.textContent()) ?? '';
  assert.ok(line.includes(out) && !line.includes('\n'), line);
  await page.keyboard.press('Escape');
});

test("the illumination panel segments the acquired images with JUMP's .npy files from a chosen folder, and a bad file is one line naming it", { timeout: 600_000 }, async () => {
  const dir = join(ws, 'jump-illum');
  mkdirSync(dir);
  for (const ch of PAINT_CHANNELS) copyFileSync(join(FIX, 'demo-illum.npy'), join(dir, `E2E-DEMO_Illum${ch}.npy`));
  const acquired = core.db.prepare(`SELECT path FROM images i JOIN sites s ON s.id = i.site_id JOIN wells w ON w.id = s.well_id WHERE w.plate_id = ? AND i.kind = 'acquired'`).all(plateId) as Array<{ path: string }>;
  const before = new Map(acquired.map((r) => [r.path, readFileSync(r.path)]));
  await openPlate();
  await page.getByTestId('illum-open').click();
  await page.getByTestId('illum-folder').fill(dir);
  await shot(page, 'lab-illum-form');
  await page.getByTestId('illum-start').click();
  const panel = page.getByTestId('plate-illumination');
  await panel.filter({ hasText: `DNA, ER, RNA, AGP, Mito from the .npy files in ${dir}` }).waitFor({ timeout: 300_000 });
  // the set records its functions when the job starts: wait for the job itself to end before starting another
  await panel.locator('[data-status="done"]').waitFor({ timeout: 300_000 });
  // the hover title names every file
  const title = (await panel.locator('[data-testid^="illumination-set-"]').first().getAttribute('title')) ?? '';
  for (const ch of PAINT_CHANNELS) assert.ok(title.includes(`${ch} from ${join(dir, `E2E-DEMO_Illum${ch}.npy`)}`), title);
  // the catalog records each channel's loaded file, byte for byte the one in the folder
  const applied = JSON.parse((core.db.prepare(`SELECT illumination FROM feature_sets WHERE source = 'acquired'`).get() as { illumination: string }).illumination) as Record<string, { origin: string; sourceFile: string }>;
  for (const ch of PAINT_CHANNELS) {
    assert.equal(applied[ch].origin, 'file', ch);
    assert.equal(applied[ch].sourceFile, join(dir, `E2E-DEMO_Illum${ch}.npy`));
  }
  assert.match((await panel.textContent()) ?? '', /Segment \+ measure E2E-DEMO \(acquired, classical\)/);
  for (const [p, bytes] of before) assert.ok(readFileSync(p).equals(bytes), `${p} was modified`);
  await panel.scrollIntoViewIfNeeded();
  await shot(page, 'lab-illum-done');

  // a 3-D array: the job fails with one line naming the file; the catalog keeps the loaded functions
  copyFileSync(join(FIX, 'bad-3d.npy'), join(dir, 'E2E-DEMO_IllumRNA.npy'));
  await page.getByTestId('illum-open').click();
  await page.getByTestId('illum-folder').fill(dir);
  await page.getByTestId('illum-start').click();
  const card = panel.locator('[data-status="failed"]');
  await card.waitFor({ timeout: 120_000 });
  assert.match((await panel.textContent()) ?? '', new RegExp(`${join(dir, 'E2E-DEMO_IllumRNA.npy').replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: an illumination function must be a 2-D image; this array has shape \\(2, 3, 4\\)`));
  const still = JSON.parse((core.db.prepare(`SELECT illumination FROM feature_sets WHERE source = 'acquired'`).get() as { illumination: string }).illumination) as Record<string, { sourceFile: string }>;
  assert.equal(still.RNA.sourceFile, join(dir, 'E2E-DEMO_IllumRNA.npy'));
  await card.scrollIntoViewIfNeeded();
  await shot(page, 'lab-illum-refused');
});
