import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sortedValues } from '../../src/main/core/features/threshold';

// sortedValues must order values exactly as Float64Array.prototype.sort does (the threshold
// steps' quantiles and distinct values follow that order), on both its paths
const bitsOf = (a: Float64Array) => Array.from(new Uint32Array(a.buffer));

test('sortedValues off the 16-bit grid (radix sort) equals the built-in sort bit for bit, signed zeros and infinities included', () => {
  let seed = 7;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const specials = [0, -0, Infinity, -Infinity, 5e-324, -5e-324, Number.MAX_VALUE, -Number.MAX_VALUE, 1, -1];
  const a = Float64Array.from({ length: 50_000 }, (_, i) => (i % 17 === 0 ? specials[i % specials.length] : (rnd() - 0.3) * 10 ** (rnd() * 40 - 20)));
  assert.deepEqual(bitsOf(sortedValues(a)), bitsOf(Float64Array.from(a).sort()));
});

test('sortedValues on the 16-bit grid (counting) and with a NaN equals the built-in sort', () => {
  const grid = Float64Array.from({ length: 10_000 }, (_, i) => ((i * 7919) % 65536) / 65535);
  assert.deepEqual(bitsOf(sortedValues(grid)), bitsOf(Float64Array.from(grid).sort()));
  const withNaN = Float64Array.from([0.5, NaN, -2, 0.25, -0, 0]);
  assert.deepEqual(bitsOf(sortedValues(withNaN)), bitsOf(Float64Array.from(withNaN).sort()));
});

test('sortedValues of finite values with no zero (range buckets) equals the built-in sort, crowded and repeated values included', () => {
  let seed = 11;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  // a corrected image's shape: most values crowded into a narrow band, a few spread wide, repeats
  const a = Float64Array.from({ length: 60_000 }, (_, i) => (i % 5 === 0 ? (rnd() - 0.2) * 3 : i % 7 === 0 ? 0.25 : 0.01 + rnd() * 1e-4));
  assert.deepEqual(bitsOf(sortedValues(a)), bitsOf(Float64Array.from(a).sort()));
  const tiny = Float64Array.from([3, -1, 2, 2, 1e-300, -1e300]);
  assert.deepEqual(bitsOf(sortedValues(tiny)), bitsOf(Float64Array.from(tiny).sort()));
});
