import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createCore } from '../../src/main/core/core';
import { registerBundledModels } from '../../src/main/core/inference';
import { importPlate } from '../../src/main/core/catalog/importPlate';
import { openSession, prepareDemoWorkspace, tempWorkspace, shot } from './helpers';

// The domain check and the honest metrics as the user sees them: the real phase-contrast field run
// from its plate page gets an "out of range" badge on the run, the plate page and the metrics page,
// with the reasons; a demo plate's metrics page shows skill over the baseline and inside-object SSIM.
const DATA = resolve(import.meta.dirname, '../../../shared/data/isl-rat-cortex-phase-left');

test('out-of-range badge on the run, the plate page and the metrics page; skill and inside-object SSIM per channel', { timeout: 600_000 }, async () => {
  const ws = tempWorkspace('domain');
  const core = createCore({ workspace: ws, transport: 'http' });
  await registerBundledModels(core);
  const dir = join(ws, 'isl-src');
  mkdirSync(dir);
  for (const f of ['phase_z00', 'phase_z06', 'phase_z12', 'DAPI']) copyFileSync(join(DATA, `${f}.png`), join(dir, `ISL_A04_${f}.png`));
  const isl = await importPlate(core.db, {
    dir,
    barcode: 'ISL-A4',
    format: 96,
    pattern: '^ISL_(?<well>[A-H]\\d+)_(?<channel>\\w+)\\.png$',
    channelMap: 'phase_z00=BFLow,phase_z06=BF,phase_z12=BFHigh,DAPI=DNA',
  });
  const demo = await prepareDemoWorkspace(core, { wells: ['B02', 'B03', 'C03'], sites: 1, size: 128 });
  const s = await openSession(ws, { core });
  try {
    const { page } = s;
    await page.evaluate(`location.hash = '#/plates/${isl.plateId}'`);
    await page.getByTestId('run-model').waitFor();
    await page.getByTestId('run-model-button').click();
    await page.getByTestId('run-model').locator('[data-job][data-status="done"]').first().waitFor({ timeout: 300_000 });
    assert.equal(await page.getByTestId('run-domain').getByTestId('domain-badge').getAttribute('data-verdict'), 'out of range');
    await page.getByTestId('plate-runs').getByTestId('domain-badge').first().waitFor();
    assert.equal(await page.getByTestId('plate-runs').getByTestId('domain-badge').first().getAttribute('data-verdict'), 'out of range');
    await shot(page, 'domain-plate');

    await page.evaluate(`location.hash = '#/metrics'`);
    await page.getByTestId('run-table').waitFor();
    const row = page.getByTestId('run-table').locator('[data-run]', { hasText: 'ISL-A4' });
    assert.equal(await row.getByTestId('domain-badge').getAttribute('data-verdict'), 'out of range');
    await row.click();
    await page.getByTestId('domain-alert').waitFor();
    const alert = (await page.getByTestId('domain-alert').textContent()) ?? '';
    assert.match(alert, /out of range for this model's training data/);
    assert.match(alert, /vs training .* spreads outside/);
    await shot(page, 'domain-metrics');

    // a demo plate: run, segment, metrics through the contract; the page shows skill per channel
    const run = await core.jobs.wait(core.jobs.submit('infer', { plate: demo.barcode, model: 'stainless-unet-direct' }).id);
    assert.equal(run.status, 'done', run.error ?? '');
    const runId = (run.result as { runId: number }).runId;
    for (const [kind, p] of [['features', { plate: demo.barcode, source: 'synthetic', runId, method: 'model' }], ['metrics', { runId, iou: 0.5, ssimWindow: 'uniform' }]] as const) {
      const j = await core.jobs.wait(core.jobs.submit(kind, p).id);
      assert.equal(j.status, 'done', j.error ?? '');
    }
    await page.evaluate(`location.hash = '#/metrics/${runId}'`);
    await page.getByTestId('skill-table').waitFor();
    const dna = page.getByTestId('skill-table').locator('[data-channel="DNA"]');
    for (const id of ['skill-ssim', 'ssim-nuclei', 'ssim-cells']) {
      const v = Number(await dna.getByTestId(id).textContent());
      assert.ok(Number.isFinite(v) && v > -1 && v <= 1, `${id}: ${v}`);
    }
    assert.equal(await page.getByTestId('skill-table').locator('[data-channel]').count(), 5, 'one row per Cell Painting channel');
    assert.equal(await page.getByTestId('domain-badge').first().getAttribute('data-verdict'), 'in range');
    await shot(page, 'domain-skill');

    // the plate page says how the plate was imaged (this folder import records no objective)
    await page.evaluate(`location.hash = '#/plates/${isl.plateId}'`);
    assert.equal(await page.getByTestId('plate-objective').textContent(), 'objective not recorded');

    // the Models page: a bundled model's held-out SSIM, baseline, skill and r per channel
    await page.evaluate(`location.hash = '#/models'`);
    await page.getByTestId('model-table').locator('[data-model="stainless-unet-direct"]').click();
    const perChannel = page.getByTestId('model-detail').getByTestId('held-out-channels');
    await perChannel.waitFor();
    assert.equal(await perChannel.locator('[data-channel]').count(), 10, '5 channels × 2 held-out plates');
    const cells = await perChannel.locator('[data-channel="Mito"]').first().locator('td').allTextContents();
    assert.equal(cells[1], 'Mito');
    assert.ok(cells.slice(2, 6).every((c) => Number.isFinite(Number(c))), cells.join(' | '));
    await perChannel.scrollIntoViewIfNeeded();
    await shot(page, 'models-per-channel');
  } finally {
    await s.close();
    core.close();
    rmSync(ws, { recursive: true, force: true });
  }
});
