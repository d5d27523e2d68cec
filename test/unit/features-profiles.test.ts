import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { columnMedians } from '../../src/main/core/features/profiles';
import { robustZ } from '../../src/shared/stats';

const fixture = JSON.parse(readFileSync(new URL('../fixtures/features/fixture.json', import.meta.url), 'utf8'));

test('robust z equals pycytominer mad_robustize (scipy median_abs_deviation, scale 1/1.4826, ε 1e-18)', () => {
  const { values, negcon, z } = fixture.robustz as { values: number[]; negcon: number[]; z: number[] };
  const got = robustZ(Float64Array.from(values), Uint8Array.from(negcon));
  got.forEach((v, i) => assert.ok(Math.abs(v - z[i]) <= 1e-9 * Math.max(1, Math.abs(z[i])), `row ${i}: ${v} vs ${z[i]}`));
});

test('per-well medians skip missing values, column by column', () => {
  const rows = [
    [1, 2, NaN],
    [3, NaN, 5],
    [2, 4, 7],
    [10, 1, 1],
  ].map((r) => Float64Array.from(r));
  assert.deepEqual(Array.from(columnMedians(rows, 3)), [2.5, 2, 5]);
  assert.ok(Number.isNaN(columnMedians([Float64Array.from([NaN])], 1)[0]));
});
