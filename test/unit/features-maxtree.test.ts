// Grey reconstruction through the max-tree (core/features/maxTree.ts) against scikit-image's
// reconstruction with footprint disk(1) (test/fixtures/features/make_reconstruction_reference.py):
// plateaus, zeros, a constant image, a single row and column; values must be identical.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { maxTree, reconstructUnder } from '../../src/main/core/features/maxTree';

interface Case { name: string; width: number; height: number; mask: number[]; seed: number[]; expected: number[] }
const ref = JSON.parse(readFileSync(new URL('../fixtures/features/reconstruction-reference.json', import.meta.url), 'utf8')) as { cases: Case[] };

/** ranks of the mask's and the seed's values together: codes that order as the values do */
function jointCodes(mask: Float64Array, seed: number[]) {
  const values = [...new Set([...mask, ...seed])].sort((a, b) => a - b);
  const code = new Map(values.map((v, i) => [v, i]));
  return { values, code: (v: number) => code.get(v)! };
}

/** seeds given S per pixel in raster order, moved to their nodes' places as reconstructUnder takes them */
function inNodeOrder(nodeOf: Int32Array, raster: ArrayLike<number>, S: number): Int32Array {
  const out = new Int32Array(raster.length);
  nodeOf.forEach((i, p) => {
    for (let s = 0; s < S; s++) out[i * S + s] = raster[p * S + s];
  });
  return out;
}

test('reconstruction by dilation through the max-tree equals scikit-image on every fixture case', () => {
  assert.ok(ref.cases.length >= 20);
  for (const c of ref.cases) {
    const mask = Float64Array.from(c.mask);
    const tree = maxTree(mask, c.width, c.height);
    const { values, code } = jointCodes(mask, c.seed);
    const level = Int32Array.from(tree.level, (r) => code(tree.values[r]));
    const vals = new Int32Array(mask.length);
    reconstructUnder(tree, level, 1, inNodeOrder(tree.nodeOf, c.seed.map(code), 1), vals);
    const out = Array.from(vals, (k) => values[k]);
    const bad = c.expected.findIndex((v, i) => !Object.is(v, out[i]));
    assert.equal(bad, -1, `${c.name}: pixel ${bad} is ${out[bad]}, skimage ${c.expected[bad]}`);
  }
});

test('several seeds reconstruct side by side as each would alone', () => {
  // each fixture mask with all its seeds (and itself, and zero) S per pixel, against skimage's
  // one-seed results
  const groups = new Map<string, Case[]>();
  for (const c of ref.cases) groups.set(c.name.split('/')[0], [...(groups.get(c.name.split('/')[0]) ?? []), c]);
  assert.ok(groups.size >= 5);
  for (const [name, cases] of groups) {
    const { width, height } = cases[0];
    const mask = Float64Array.from(cases[0].mask);
    const tree = maxTree(mask, width, height);
    const seeds = [...cases.map((c) => c.seed), cases[0].mask, cases[0].mask.map(() => 0)];
    const expected = [...cases.map((c) => c.expected), cases[0].mask, cases[0].mask.map(() => 0)];
    const S = seeds.length, n = mask.length;
    const { values, code } = jointCodes(mask, seeds.flat());
    const level = Int32Array.from(tree.level, (r) => code(tree.values[r]));
    const raster = new Int32Array(n * S);
    seeds.forEach((sd, s) => sd.forEach((v, p) => (raster[p * S + s] = code(v))));
    const vals = new Int32Array(n * S);
    reconstructUnder(tree, level, S, inNodeOrder(tree.nodeOf, raster, S), vals);
    expected.forEach((ex, s) => {
      const bad = ex.findIndex((v, p) => !Object.is(v, values[vals[p * S + s]]));
      assert.equal(bad, -1, `${name}, seed ${s}: pixel ${bad}`);
    });
  }
});

test('the ranks code the mask values in order', () => {
  const c = ref.cases.find((x) => x.name.startsWith('plateaus4'))!;
  const mask = Float64Array.from(c.mask);
  const { rank, values, level, order } = maxTree(mask, c.width, c.height);
  for (let i = 1; i < values.length; i++) assert.ok(values[i - 1] < values[i]);
  mask.forEach((v, p) => assert.equal(values[rank[p]], v));
  order.forEach((p, i) => assert.equal(level[i], rank[p]));
});

test('the tree numbers children before parents, with the root last, and maps pixels to their nodes', () => {
  const c = ref.cases.find((x) => x.name.startsWith('plateaus4'))!;
  const { parent, level, order, nodeOf } = maxTree(Float64Array.from(c.mask), c.width, c.height);
  const n = order.length;
  order.forEach((p, i) => assert.equal(nodeOf[p], i));
  assert.equal(parent[n - 1], n - 1);
  for (let i = 0; i < n - 1; i++) {
    assert.ok(parent[i] > i, `node ${i} has parent ${parent[i]}`);
    assert.ok(level[parent[i]] <= level[i], `node ${i} is below its parent`);
  }
  assert.deepEqual([...order].sort((a, b) => a - b), Array.from({ length: n }, (_, i) => i));
});

test('a negative mask value is refused with the pixel named', () => {
  assert.throws(() => maxTree(Float64Array.from([0.5, -0.1, 0.2, 0.3]), 2, 2), /value -0\.1 at pixel 1/);
});
