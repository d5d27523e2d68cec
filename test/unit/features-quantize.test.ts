import { test } from 'node:test';
import assert from 'node:assert/strict';
import { quantize } from '../../src/main/core/features/texture';

// quantize rounds v·255 half to even without Math.round; it must give np.rint's levels (here
// Math.round with the tie taken to even) on the values where t + 0.5 rounds in floating point
const reference = (v: number, levels: number) => {
  const t = Math.min(1, Math.max(0, v)) * 255;
  let r = Math.round(t);
  if (r - t === 0.5 && r % 2) r--;
  const out = new Uint16Array(1);
  out[0] = levels === 256 ? r : Math.floor((r / 255) * (levels - 1));
  return out[0];
};

const f = new Float64Array(1);
const bits = new BigInt64Array(f.buffer);
/** x and its `n` nearest doubles either side */
const around = (x: number, n: number) =>
  Array.from({ length: 2 * n + 1 }, (_, d) => {
    f[0] = x;
    bits[0] += BigInt(d - n);
    return f[0];
  });

test('quantize matches round half to even at and near every tie, and clamps', () => {
  const v: number[] = [];
  for (let k = 0; k < 256; k++) {
    // v whose v·255 is k + 0.5 or a few ulps off, and the neighbours of k / 255
    for (const t of around(k + 0.5, 6)) v.push(...around(t / 255, 2));
    v.push(...around(k / 255, 3));
  }
  v.push(0.49999999999999994 / 255, NaN, Infinity, -Infinity, -0, -1e-300, 5e-324, 1 + 2 ** -52, 7);
  const img = Float64Array.from(v);
  for (const levels of [256, 2, 16, 100, 255]) {
    const q = quantize(img, levels);
    for (let i = 0; i < img.length; i++) assert.equal(q[i], reference(img[i], levels), `v ${img[i]} levels ${levels}`);
  }
});
