// Run-level summaries: distributions over sites, StarDist's pooled (by_image=False) matching, scaling edge cases.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { distribution, poolMatches } from '../../src/main/core/metrics/summary';
import { matchLabels } from '../../src/main/core/metrics/matching';
import { to255, percentiles } from '../../src/main/core/metrics/scale';

test('distribution: numpy-linear quartiles, sample sd, non-finite values make mean null', () => {
  const d = distribution([4, 1, 3, 2, 10]);
  assert.deepEqual([d.n, d.min, d.q1, d.median, d.q3, d.max], [5, 1, 2, 3, 4, 10]);
  assert.equal(d.mean, 4);
  assert.ok(Math.abs(d.sd! - Math.sqrt(12.5)) < 1e-12, String(d.sd));
  const inf = distribution([20, 30, Infinity]);
  assert.equal(inf.mean, null);
  assert.equal(inf.median, 30);
  assert.equal(inf.max, null);
  assert.deepEqual(distribution([]), { n: 0, mean: null, sd: null, min: null, q1: null, median: null, q3: null, max: null });
});

test('pooled matching adds tp/fp/fn and matched IoU over images before forming ratios', () => {
  const W = 20;
  const img = (boxes: Array<[number, number, number, number, number]>) => {
    const d = new Uint16Array(W * W);
    for (const [id, x0, y0, x1, y1] of boxes) for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) d[y * W + x] = id;
    return { width: W, height: W, data: d };
  };
  const a = matchLabels(img([[1, 0, 0, 10, 10]]), img([[1, 0, 0, 10, 8]]), 0.5); // IoU 0.8
  const b = matchLabels(img([[1, 0, 0, 4, 4], [2, 10, 10, 14, 14]]), img([[5, 0, 0, 4, 4], [6, 15, 15, 19, 19]]), 0.5); // one exact, one miss + one false
  const p = poolMatches([a, b], 0.5);
  assert.deepEqual([p.tp, p.fp, p.fn, p.n_true, p.n_pred], [2, 1, 1, 3, 3]);
  assert.ok(Math.abs(p.mean_true_score - 1.8 / 3) < 1e-12, String(p.mean_true_score));
  assert.ok(Math.abs(p.mean_matched_score - 0.9) < 1e-12, String(p.mean_matched_score));
  assert.ok(Math.abs(p.panoptic_quality - 1.8 / 3) < 1e-12, String(p.panoptic_quality));
  assert.equal(p.f1, 4 / 6);
  assert.deepEqual(poolMatches([], 0.5).f1, 0);
});

test('scaling: a constant image becomes zeros; 8-bit percentiles; min–max maps onto the full range', () => {
  const flat = to255({ width: 4, height: 4, bitDepth: 16, data: new Uint16Array(16).fill(1234) });
  assert.ok(flat.data.every((v) => v === 0), 'constant → 0');
  const ramp = { width: 11, height: 1, bitDepth: 8 as const, data: Uint8Array.from({ length: 11 }, (_, i) => i * 10) };
  assert.deepEqual(percentiles(ramp, [0, 25, 50, 100]), [0, 25, 50, 100]);
  const mm = to255(ramp, { mode: 'minmax', low: 0, high: 100 });
  assert.equal(mm.data[0], 0);
  assert.equal(mm.data[10], 255);
  assert.throws(() => percentiles(ramp, [101]), /outside \[0, 100\]/);
});
