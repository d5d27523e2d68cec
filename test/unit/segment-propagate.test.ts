// Seeded propagation (core/segment/propagate.ts): the bucket frontier must give the labels of the
// heap's pop order, on smooth images (no equal-cost arrivals) and on quantised ones (many: the
// bucket run hands over to the heap), with λ small enough that the buckets run out too.
import assert from 'node:assert/strict';
import test from 'node:test';
import { propagate, propagateOnHeap } from '../../src/main/core/segment/propagate';

function lcg(seed: number) {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32;
}

/** a blurred random image (costs vary smoothly, like a cell body) or one of `levels` grey levels */
function image(rnd: () => number, w: number, h: number, levels: number): Float32Array {
  const raw = Float32Array.from({ length: w * h }, () => rnd());
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      let s = 0, n = 0;
      for (let v = Math.max(0, y - 2); v <= Math.min(h - 1, y + 2); v++)
        for (let u = Math.max(0, x - 2); u <= Math.min(w - 1, x + 2); u++) (s += raw[v * w + u]), n++;
      out[y * w + x] = levels ? Math.floor((s / n) * levels) / levels : s / n;
    }
  return out;
}

test('propagate gives the labels of the heap order', () => {
  const rnd = lcg(7);
  let cases = 0;
  for (const levels of [0, 3, 64])
    for (const lambda of [0.05, 0.01, 0.3, 1e-9, 0])
      for (let k = 0; k < 6; k++) {
        const w = 20 + Math.floor(rnd() * 50), h = 20 + Math.floor(rnd() * 50);
        const img = image(rnd, w, h, levels);
        const seeds = new Int32Array(w * h);
        for (let s = 1; s <= 8; s++) seeds[Math.floor(rnd() * w * h)] = s;
        const mask = Uint8Array.from(img, (v, i) => (v > 0.3 || seeds[i] ? 1 : 0));
        const L = { width: w, height: h, data: seeds };
        const got = propagate(img, L, mask, lambda).data, want = propagateOnHeap(img, L, mask, lambda).data;
        assert.deepEqual(got, want, `levels ${levels}, λ ${lambda}, case ${k}`);
        assert.ok(want.some((v, i) => v && !seeds[i]), 'the seeds grew');
        cases++;
      }
  assert.equal(cases, 90);
});
