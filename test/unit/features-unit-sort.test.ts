import { test } from 'node:test';
import assert from 'node:assert/strict';
import { objectQuartilesMad, objectValues, sortedMad, sortedQuantile, sortUnit } from '../../src/main/core/features/unitSort';

// MeasureObjectIntensity's quartiles and MAD come from sortUnit's order; it must equal the
// built-in sort (NaN last, as numpy sorts) on and off the 16-bit grid, and sortedMad must equal
// the quantile of the explicitly sorted distances; objectQuartilesMad, which sorts every object of
// a set in one call, must give the same quartiles and MAD as the built-in sort
const bitsOf = (a: Float64Array) => Array.from(new Uint32Array(Float64Array.from(a).buffer));
let seed = 11;
const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;

const cases: Array<[string, Float64Array]> = [
  ['16-bit grid', Float64Array.from({ length: 3001 }, () => Math.floor(rnd() * 65536) / 65535)],
  ['8-bit grid, many ties', Float64Array.from({ length: 2000 }, () => Math.floor(rnd() * 40) / 255)],
  ['off the grid (floats sharing keys)', Float64Array.from({ length: 1500 }, () => rnd() * 1e-4)],
  ['out of 0–1', Float64Array.from({ length: 999 }, () => rnd() * 3 - 1)],
  // an illumination-corrected object: 16-bit levels over a function, a few values per key (the insertion pass)
  ['corrected (off the grid, a few a key)', Float64Array.from({ length: 2500 }, () => Math.floor(rnd() * 3000 + 20000) / 65535 / (0.7 + 0.3 * rnd()))],
  ['corrected with −0 and +0 among them', Float64Array.from({ length: 600 }, (_, i) => (i % 5 === 0 ? (i % 2 ? -0 : 0) : Math.floor(rnd() * 400) / 65535 / (0.7 + 0.3 * rnd())))],
  ['with a NaN', Float64Array.from([0.5, NaN, 0.25, 0, 1, 0.75, 0.125])],
  ['one value', Float64Array.from([0.3])],
  ['two values', Float64Array.from([0.9, 0.1])],
];

for (const [name, v] of cases)
  test(`sortUnit and sortedMad match the built-in sort: ${name}`, () => {
    const n = v.length;
    const out = new Float64Array(n);
    const hasNaN = sortUnit(v, n, out);
    const ref = Float64Array.from(v).sort();
    assert.deepEqual(bitsOf(out), bitsOf(ref));
    assert.equal(hasNaN, v.some(Number.isNaN));
    const m = sortedQuantile(ref, n, 0.5);
    const dist = Float64Array.from(ref, (x) => Math.abs(x - m)).sort();
    const want = sortedQuantile(dist, n, 0.5);
    const got = sortedMad(out, n, m, hasNaN, new Float64Array(n));
    assert.ok(Object.is(got, want), `MAD ${got} ≠ ${want}`);
  });

for (const [name, v] of cases)
  test(`objectQuartilesMad (every object at once) matches the built-in sort: ${name}`, () => {
    // the case as two objects: its first half, and the whole of it again
    const n = v.length, h = Math.max(1, n >> 1);
    const start = Int32Array.from([0, h, h + n]);
    const values = objectValues(h + n);
    values.set(v.subarray(0, h), 0);
    values.set(v, h);
    const got = Array.from({ length: 4 }, () => new Float64Array(2));
    objectQuartilesMad(values, start, 2, got[0], got[1], got[2], got[3]);
    [v.subarray(0, h), v].forEach((part, o) => {
      const a = part.length;
      const ref = Float64Array.from(part).sort();
      const m = sortedQuantile(ref, a, 0.5);
      const want = [sortedQuantile(ref, a, 0.25), m, sortedQuantile(ref, a, 0.75), sortedQuantile(Float64Array.from(ref, (x) => Math.abs(x - m)).sort(), a, 0.5)];
      want.forEach((w, j) => assert.ok(Object.is(got[j][o], w), `object ${o}, statistic ${j}: ${got[j][o]} ≠ ${w}`));
    });
  });
