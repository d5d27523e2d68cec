import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { createCore } from '../../src/main/core/core';
import { registerBundledModels } from '../../src/main/core/inference';
import { readGray } from '../../src/main/core/io/tiff';
import { openSession, prepareDemoWorkspace, tempWorkspace, shot } from './helpers';

// The bundled residual-diffusion model from the plate page: sampling steps and noise seed are the
// user's to choose, reach the run's parameters, and the run writes all seven output channels.
test('run the bundled diffusion model from the plate page with 15 sampling steps and a seed', { timeout: 300_000 }, async () => {
  const ws = tempWorkspace('diffusion');
  const core = createCore({ workspace: ws, transport: 'http' });
  const s = await (async () => {
    await registerBundledModels(core);
    const { plateId } = await prepareDemoWorkspace(core, { wells: ['B02', 'B03'], sites: 1, size: 128 });
    const session = await openSession(ws, { core });
    await session.page.evaluate(`location.hash = '#/plates/${plateId}'`);
    return session;
  })();
  try {
    const { page } = s;
    await page.getByTestId('run-model').waitFor();
    // a direct model is preselected: no sampling fields until a diffusion model is chosen
    assert.equal(await page.getByTestId('diffusion-steps').count(), 0);
    await page.getByTestId('model-select').click();
    await page.getByRole('option', { name: /stainless-resdiff/ }).first().click();
    await page.getByTestId('diffusion-steps').fill('15');
    await page.getByTestId('diffusion-seed').fill('7');
    await page.getByTestId('run-model-button').click();
    await page.getByTestId('run-model').locator('[data-job][data-status="done"]').first().waitFor({ timeout: 240_000 });
    await shot(page, 'diffusion-run');
    const run = core.db.prepare(`SELECT id, model_name AS model, params FROM runs`).get() as { id: number; model: string; params: string };
    assert.match(run.model, /^stainless-resdiff /);
    const p = JSON.parse(run.params);
    assert.deepEqual([p.steps, p.seed], [15, 7]);
    const imgs = core.db.prepare(`SELECT channel, path FROM images WHERE run_id = ? AND kind = 'synthetic'`).all(run.id) as Array<{ channel: string; path: string }>;
    assert.equal(imgs.length, 2 * 7);
    const dna = await readGray(imgs.find((i) => i.channel === 'DNA')!.path);
    assert.equal(dna.width, 128);
    assert.ok(new Set(dna.data).size > 100, 'a stained image, not a constant');
  } finally {
    await s.close();
    core.close();
    rmSync(ws, { recursive: true, force: true });
  }
});
