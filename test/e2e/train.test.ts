import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCore } from '../../src/main/core/core';
import { openSession, prepareDemoWorkspace, tempWorkspace, shot } from './helpers';

// "Train a model on this plate" as the user does it: the form on the plate page starts a
// fast-preset train job (real PyTorch), its progress and Cancel show in the Jobs panel, and the
// registered model appears on the Models page with its held-out figures and skill over the baseline.
test('a fast-preset training started from the plate page ends on the Models page with held-out skill', { timeout: 1_500_000 }, async () => {
  const ws = tempWorkspace('train');
  const core = createCore({ workspace: ws, transport: 'http' });
  const demo = await prepareDemoWorkspace(core, { wells: ['B02', 'B03', 'C03', 'C04'], sites: 1, size: 128 });
  const s = await openSession(ws, { core });
  try {
    const { page } = s;
    await page.evaluate(`location.hash = '#/plates/${demo.plateId}'`);
    await page.getByTestId('train-open').click();
    const form = page.getByTestId('train-form');
    await form.getByTestId('train-epochs').fill('8');
    await form.getByTestId('train-holdout').fill('C04');
    await shot(page, 'train-form');
    await form.getByTestId('train-start').click();

    // the Jobs panel: the running job with its progress, ETA and a Cancel button
    await page.evaluate(`location.hash = '#/jobs'`);
    const card = page.locator('[data-job][data-status="running"]', { hasText: 'Train a direct model on E2E-DEMO (fast)' });
    await card.getByText(/step \d+\/\d+, loss/).first().waitFor({ timeout: 300_000 });
    await card.getByRole('button', { name: 'Cancel' }).waitFor();
    await shot(page, 'train-jobs');
    await page.locator('[data-job][data-status="done"]', { hasText: 'Train a direct model' }).waitFor({ timeout: 1_200_000 });

    await page.evaluate(`location.hash = '#/models'`);
    const row = page.getByTestId('model-table').locator('[data-model="trained-E2E-DEMO-direct"]');
    await row.click();
    const detail = page.getByTestId('model-detail');
    await detail.getByText(/plate E2E-DEMO · held out wells C04/).waitFor();
    const held = detail.getByTestId('held-out');
    await held.waitFor();
    const text = (await held.textContent()) ?? '';
    assert.match(text, /E2E-DEMO|A549/, 'a row for the held-out plate');
    assert.match(text, /baseline/);
    assert.match(text, /skill/);
    await shot(page, 'train-model');
  } finally {
    await s.close();
    core.close();
  }
});
