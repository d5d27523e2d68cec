// Reference tests: every number here comes from test/fixtures/metrics/make_reference.py
// (scikit-image for pixel metrics, StarDist's matching definitions for segmentation, numpy/scipy).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { mse, psnr, ssim, type FloatImage } from '../../src/main/core/metrics/pixel';
import { to255, percentiles } from '../../src/main/core/metrics/scale';
import { matchLabels } from '../../src/main/core/metrics/matching';
import { zPrime, ssmd, pearson, bhAdjust } from '../../src/shared/stats';
import { frechetDistance } from '../../src/main/core/metrics/frechet';
import { phenotypicActivity } from '../../src/main/core/metrics/activity';

const ref = JSON.parse(readFileSync(join(import.meta.dirname, '../fixtures/metrics/reference.json'), 'utf8'));
const num = (v: number | string) => (v === 'inf' ? Infinity : v === '-inf' ? -Infinity : v === 'nan' ? NaN : (v as number));
const close = (got: number, want: number | string, tol: number, what: string) => {
  const w = num(want);
  if (!Number.isFinite(w)) return assert.equal(got, w, what);
  assert.ok(Math.abs(got - w) <= tol, `${what}: got ${got}, want ${w} (|Δ| ${Math.abs(got - w)} > ${tol})`);
};

test('pixel metrics equal scikit-image (mse, psnr at data_range 255, ssim uniform and Gaussian) to 1e-6', () => {
  assert.ok(ref.pixel.length >= 8, 'pixel fixtures present');
  for (const c of ref.pixel) {
    const a: FloatImage = { width: c.width, height: c.height, data: Float64Array.from(c.ref) };
    const b: FloatImage = { width: c.width, height: c.height, data: Float64Array.from(c.pred) };
    close(mse(a, b), c.mse, 1e-6, `${c.name} mse`);
    close(psnr(a, b, 255), c.psnr, 1e-6, `${c.name} psnr`);
    close(ssim(a, b, { dataRange: 255 }), c.ssim, 1e-6, `${c.name} ssim`);
    if (c.ssim_gaussian === null) assert.throws(() => ssim(a, b, { window: 'gaussian' }), /smaller than the 11×11 window/);
    else close(ssim(a, b, { dataRange: 255, window: 'gaussian' }), c.ssim_gaussian, 1e-6, `${c.name} gaussian ssim`);
  }
});

test('identical images: mse 0, psnr +Infinity, ssim 1', () => {
  const c = ref.pixel.find((x: { name: string }) => x.name === 'identical images');
  const a: FloatImage = { width: c.width, height: c.height, data: Float64Array.from(c.ref) };
  assert.equal(mse(a, a), 0);
  assert.equal(psnr(a, a), Infinity);
  close(ssim(a, a), 1, 1e-12, 'ssim of an image with itself');
});

test('ssim refuses images smaller than the window and images of different sizes', () => {
  const small: FloatImage = { width: 6, height: 9, data: new Float64Array(54) };
  assert.throws(() => ssim(small, small), /smaller than the 7×7 window/);
  const other: FloatImage = { width: 9, height: 6, data: new Float64Array(54) };
  assert.throws(() => mse(small, other), /differ in size/);
});

test('16-bit → 0–255 scaling clips at numpy percentiles 0.5/99.5 and scales linearly', () => {
  const s = ref.scaling;
  const img = { width: s.width, height: s.height, bitDepth: 16 as const, data: Uint16Array.from(s.raw) };
  const [lo, hi] = percentiles(img, [0.5, 99.5]);
  close(lo, s.low, 1e-9, 'low percentile');
  close(hi, s.high, 1e-9, 'high percentile');
  const out = to255(img);
  s.scaled.forEach((v: number, i: number) => close(out.data[i], v, 1e-9, `scaled pixel ${i}`));
});

test('segmentation matching equals StarDist definitions at every threshold, incl. edge cases', () => {
  assert.ok(ref.seg.length >= 8, 'segmentation fixtures present');
  for (const c of ref.seg) {
    const gt = { width: c.width, height: c.height, data: Int32Array.from(c.gt) };
    const pred = { width: c.width, height: c.height, data: Int32Array.from(c.pred) };
    for (const want of c.results) {
      const got = matchLabels(gt, pred, want.thresh);
      for (const k of ['tp', 'fp', 'fn', 'n_true', 'n_pred'] as const) assert.equal(got[k], want[k], `${c.name} @${want.thresh} ${k}`);
      for (const k of ['precision', 'recall', 'accuracy', 'f1', 'mean_true_score', 'mean_matched_score', 'panoptic_quality'] as const)
        close(got[k], want[k], 1e-6, `${c.name} @${want.thresh} ${k}`);
    }
  }
});

test('IoU exactly at the threshold counts as a match; greedy-vs-optimal case gets the optimum', () => {
  const at = ref.seg.find((x: { name: string }) => x.name.startsWith('IoU exactly'));
  const gt = { width: at.width, height: at.height, data: Int32Array.from(at.gt) };
  const pred = { width: at.width, height: at.height, data: Int32Array.from(at.pred) };
  assert.equal(matchLabels(gt, pred, 0.5).tp, 2);
  assert.equal(matchLabels(gt, pred, 0.7).tp, 1);
  const g = ref.seg.find((x: { name: string }) => x.name === 'assignment where greedy differs');
  const r = matchLabels({ width: g.width, height: g.height, data: g.gt }, { width: g.width, height: g.height, data: g.pred }, 0.3);
  assert.equal(r.tp, 2);
});

test('Z-prime, SSMD, Pearson, Benjamini–Hochberg equal numpy/scipy', () => {
  const s = ref.stats;
  close(zPrime(s.pos, s.neg), s.zprime, 1e-9, "Z'");
  close(ssmd(s.pos, s.neg), s.ssmd, 1e-9, 'SSMD');
  close(pearson(s.x, s.y), s.pearson, 1e-9, 'Pearson r');
  bhAdjust(s.pvalues).forEach((v, i) => close(v, s.bh[i], 1e-12, `BH ${i}`));
});

test('Fréchet distance equals the scipy sqrtm formula', () => {
  const f = ref.stats.frechet;
  const r = frechetDistance(
    { rows: f.rowsA, cols: f.cols, data: Float64Array.from(f.a) },
    { rows: f.rowsB, cols: f.cols, data: Float64Array.from(f.b) },
    { standardise: false },
  );
  close(r.fd, f.fd, 1e-6 * Math.max(1, f.fd), 'Fréchet distance');
});

test('copairs mean average precision per compound (replicates vs DMSO, cosine)', () => {
  const a = ref.stats.activity;
  const r = phenotypicActivity({ data: Float64Array.from(a.profiles), features: a.features, group: a.group, negcon: a.negcon }, { nullSize: 2000 });
  const byGroup = new Map(r.compounds.map((c) => [c.group, c]));
  close(byGroup.get('A')!.mAP, a.mAP.A, 1e-9, 'mAP A');
  close(byGroup.get('B')!.mAP, a.mAP.B, 1e-9, 'mAP B');
});
