import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rankValues, windowDeviations } from '../../src/main/core/features/rankSelect';
import { imageIntensity } from '../../src/main/core/features/image';

// rankValues' order statistics are the sorted sample's, so MeasureImageIntensity off the grid keeps numpy's percentiles
test('rankValues gives the sorted sample at each rank, of the values and of their distances to a centre', () => {
  let seed = 5;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const a = Float64Array.from({ length: 20_001 }, (_, i) => (i % 3 ? 0.02 + rnd() * 1e-3 : rnd()));
  const sorted = Float64Array.from(a).sort();
  const ranks = [0, 1, 5000, 5000, 10_000, 10_001, 20_000];
  assert.deepEqual(rankValues(a, sorted[0], sorted[a.length - 1], ranks), ranks.map((r) => sorted[r]));
  const m = sorted[10_000];
  const dev = Float64Array.from(a, (v) => Math.abs(v - m)).sort();
  assert.deepEqual(rankValues(a, 0, 1, ranks, m), ranks.map((r) => dev[r]));
});

test('imageIntensity off the grid: numpy-linear quartiles and MAD of the sorted sample', () => {
  let seed = 9;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const a = Float64Array.from({ length: 1002 }, () => rnd() / 0.9);
  const pct = (s: Float64Array, q: number) => {
    const pos = (s.length - 1) * q, i = Math.floor(pos), f = pos - i;
    return f === 0 ? s[i] : s[i] + (s[i + 1] - s[i]) * f;
  };
  const s = Float64Array.from(a).sort();
  const median = pct(s, 0.5);
  const [, , med, , mad, , , , , lq, uq] = imageIntensity(a, null);
  assert.deepEqual([lq, med, uq, mad], [pct(s, 0.25), median, pct(s, 0.75), pct(Float64Array.from(a, (v) => Math.abs(v - median)).sort(), 0.5)]);
});

test('windowDeviations: the distances to a centre at adjacent ranks from rankValues\' buckets, or null when its window misses', () => {
  let seed = 7;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const a = Float64Array.from({ length: 30_001 }, (_, i) => (i % 4 ? 0.01 + rnd() * 2e-3 : rnd() * 0.5));
  const sorted = Float64Array.from(a).sort();
  const [lo, hi] = [sorted[0], sorted[a.length - 1]];
  const hist = new Int32Array(65536);
  const [m] = rankValues(a, lo, hi, [15_000], undefined, hist);
  const dev = Float64Array.from(a, (v) => Math.abs(v - m)).sort();
  for (const ranks of [[15_000], [14_999, 15_000], [0, 1], [29_999, 30_000]]) {
    const got = windowDeviations(a, lo, hi, hist, m, ranks);
    assert.deepEqual(got, ranks.map((r) => dev[r]));
  }
  // a centre far from the sample's middle: still exact, whatever the rings found
  const far = lo + (hi - lo) * 0.9;
  const farDev = Float64Array.from(a, (v) => Math.abs(v - far)).sort();
  const got = windowDeviations(a, lo, hi, hist, far, [15_000]);
  assert.ok(got === null || got[0] === farDev[15_000]);
  assert.equal(windowDeviations(a, lo, lo, hist, m, [15_000]), null);
});
