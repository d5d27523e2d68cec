import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { honestSite, leaveOneOutLevels, skillScore, imageMedian, pearsonMasked } from '../../src/main/core/metrics/honest';
import { ssimMasked } from '../../src/main/core/metrics/pixel';

// references from scikit-image (SSIM map, full=True) and scipy.stats.pearsonr: make_masked.py
const ref = JSON.parse(readFileSync(join(import.meta.dirname, '../fixtures/metrics/masked.json'), 'utf8')) as { cases: Array<Record<string, number | number[] | string | null>> };
const img = (c: Record<string, unknown>, k: string) => ({ width: c.width as number, height: c.height as number, data: Float64Array.from(c[k] as number[]) });
const mask = (c: Record<string, unknown>, k: string) => Uint8Array.from(c[k] as number[]);
const close = (a: number | null, b: number | null, tol: number, what: string) => {
  assert.ok(a !== null && b !== null, `${what}: ${a} vs ${b}`);
  assert.ok(Math.abs(a - b) < tol, `${what}: ${a} vs skimage/scipy ${b}`);
};

test('SSIM inside nuclei and cells equals the mean of scikit-image\'s SSIM map over the mask (uniform and Gaussian windows)', () => {
  for (const c of ref.cases) {
    for (const [label, k] of [['pred', 'pred'], ['const', null]] as const) {
      const a = img(c, 'ref');
      const b = k ? img(c, k) : { ...a, data: new Float64Array(a.data.length).fill(c.level as number) };
      const u = ssimMasked(a, b, [mask(c, 'nuclei'), mask(c, 'cells')]);
      close(u.ssim, c[`${label}_ssim`] as number, 1e-6, `${c.name} ${label} SSIM`);
      close(u.masked[0], c[`${label}_ssim_nuclei`] as number, 1e-6, `${c.name} ${label} SSIM in nuclei`);
      close(u.masked[1], c[`${label}_ssim_cells`] as number, 1e-6, `${c.name} ${label} SSIM in cells`);
      const g = ssimMasked(a, b, [mask(c, 'nuclei'), mask(c, 'cells')], { window: 'gaussian' });
      close(g.masked[0], c[`${label}_ssim_nuclei_gaussian`] as number, 1e-6, `${c.name} ${label} Gaussian SSIM in nuclei`);
      close(g.masked[1], c[`${label}_ssim_cells_gaussian`] as number, 1e-6, `${c.name} ${label} Gaussian SSIM in cells`);
    }
  }
});

test('Pearson r inside objects matches scipy; the constant baseline and the skill score', () => {
  for (const c of ref.cases) {
    const a = img(c, 'ref'), p = img(c, 'pred');
    close(pearsonMasked(a, p, mask(c, 'nuclei')), c.pred_r_nuclei as number, 1e-9, `${c.name} r in nuclei`);
    close(pearsonMasked(a, p, mask(c, 'cells')), c.pred_r_cells as number, 1e-9, `${c.name} r in cells`);
    assert.equal(imageMedian(a), c.level, 'the baseline level is numpy.median of the image');
    const h = honestSite(a, p, c.level as number, { nuclei: mask(c, 'nuclei'), cells: mask(c, 'cells') }, {});
    close(h.r, c.pred_r as number, 1e-9, 'whole-image r');
    close(h.baselineSsim, c.const_ssim as number, 1e-6, 'baseline SSIM');
    close(h.baselineMse, c.const_mse as number, 1e-6, 'baseline MSE');
    close(h.baselineSsimNuclei, c.const_ssim_nuclei as number, 1e-6, 'baseline SSIM in nuclei');
    close(h.mse, c.pred_mse as number, 1e-6, 'MSE');
  }
  close(skillScore(0.8, 0.6, 1), 0.5, 1e-12, 'SSIM skill');
  close(skillScore(50, 100, 0), 0.5, 1e-12, 'MSE skill = 1 − MSE/MSE_baseline');
  assert.equal(skillScore(0.6, 0.6, 1), 0, 'no better than the baseline');
  assert.ok(skillScore(0.5, 0.6, 1)! < 0);
  assert.equal(skillScore(1, 1, 1), null);
  assert.deepEqual(leaveOneOutLevels([10, 20, 30, 40]), [30, 30, 20, 20]);
  assert.deepEqual(leaveOneOutLevels([7]), [null]);
});
