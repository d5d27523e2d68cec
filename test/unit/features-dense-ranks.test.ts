import { test } from 'node:test';
import assert from 'node:assert/strict';
import { denseRanks } from '../../src/main/core/features/denseRanks';

// the definition: each value's place among the distinct values sorted as Float64Array sorts them
function byDefinition(v: Float64Array): Int32Array {
  const distinct = [...new Set(Array.from(v, (x) => x + 0))].sort((a, b) => a - b);
  const at = new Map(distinct.map((x, i) => [x, i]));
  return Int32Array.from(v, (x) => at.get(x + 0)!);
}

test('dense ranks equal the sorted distinct values’ places: ties, −0 and +0, negatives, huge and tiny values', () => {
  let s = 7;
  const rnd = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  const v = Float64Array.from({ length: 5000 }, (_, i) => (i % 7 === 0 ? Math.floor(rnd() * 50) / 50 : rnd() * 2 - 1) * (i % 11 === 0 ? 1e300 : 1));
  v.set([0, -0, 1e-310, -1e-310, Infinity, -Infinity, 1, 1], 100);
  const r = denseRanks(v)!;
  const expected = byDefinition(v);
  assert.deepEqual(r.rank, expected);
  assert.equal(r.count, Math.max(...expected) + 1);
  assert.equal(r.rank[100], r.rank[101], '−0 and +0 share a rank');
});

test('dense ranks: one value, and none', () => {
  assert.deepEqual(denseRanks(new Float64Array([0.5, 0.5, 0.5])), { rank: new Int32Array(3), count: 1 });
  assert.deepEqual(denseRanks(new Float64Array(0)), { rank: new Int32Array(0), count: 0 });
});

test('dense ranks leave a NaN to the caller', () => {
  assert.equal(denseRanks(new Float64Array([0.1, NaN, 0.2])), null);
});

test('dense ranks: distinct values crowded into one bucket among spread ones', () => {
  // 3000 neighbouring doubles (one bucket of the leading bits, past insertion's limit), shuffled
  const v = Float64Array.from({ length: 3000 }, (_, i) => 1 + ((i * 1103) % 3000) * 2 ** -52);
  v.set([1e6, -1e6, 0.5, 2, -0], 10);
  assert.deepEqual(denseRanks(v)!.rank, byDefinition(v));
});
