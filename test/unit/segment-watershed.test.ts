// Seeded watershed (core/segment/watershed.ts): with a mask, the FIFO lists by ranked surface value
// must pop in the heap's (priority, push order), on smooth surfaces, on coarse ones (many equal
// priorities), with −0 and +0 mixed, and (handed to the heap) with a NaN.
import assert from 'node:assert/strict';
import test from 'node:test';
import { seededWatershed, watershedOnHeap } from '../../src/main/core/segment/watershed';

function lcg(seed: number) {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32;
}

test('seededWatershed gives the labels of the heap order', () => {
  const rnd = lcg(11);
  let cases = 0;
  for (const kind of ['smooth', 'coarse', 'zeros', 'nan'])
    for (let k = 0; k < 8; k++) {
      const w = 10 + Math.floor(rnd() * 40), h = 10 + Math.floor(rnd() * 40);
      const raw = Float32Array.from({ length: w * h }, () => rnd() - 0.5);
      const surface = new Float32Array(w * h);
      for (let y = 0; y < h; y++)
        for (let x = 0; x < w; x++) {
          let s = 0;
          for (let v = Math.max(0, y - 1); v <= Math.min(h - 1, y + 1); v++) for (let u = Math.max(0, x - 1); u <= Math.min(w - 1, x + 1); u++) s += raw[v * w + u];
          const i = y * w + x;
          surface[i] = kind === 'coarse' ? Math.round(s * 2) / 2 : kind === 'zeros' && Math.abs(s) < 0.5 ? (i % 3 ? -0 : 0) : s;
        }
      if (kind === 'nan') surface[Math.floor(rnd() * w * h)] = NaN;
      const markers = new Int32Array(w * h);
      for (let s = 1; s <= 6; s++) markers[Math.floor(rnd() * w * h)] = s;
      const mask = Uint8Array.from(raw, (v, i) => (v > -0.35 || markers[i] ? 1 : 0));
      const L = { width: w, height: h, data: markers };
      const got = seededWatershed(surface, L, mask).data, want = watershedOnHeap(surface, L, mask).data;
      assert.deepEqual(got, want, `${kind}, case ${k}`);
      assert.ok(want.some((v, i) => v && !markers[i]), 'the markers grew');
      cases++;
    }
  assert.equal(cases, 32);
});
