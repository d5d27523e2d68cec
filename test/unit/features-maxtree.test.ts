// Grey reconstruction through the max-tree (core/features/maxTree.ts) against scikit-image's
// reconstruction with footprint disk(1) (test/fixtures/features/make_reconstruction_reference.py):
// plateaus, zeros, a constant image, a single row and column; values must be identical.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { maxTree, reconstructUnder } from '../../src/main/core/features/maxTree';

interface Case { name: string; width: number; height: number; mask: number[]; seed: number[]; expected: number[] }
const ref = JSON.parse(readFileSync(new URL('../fixtures/features/reconstruction-reference.json', import.meta.url), 'utf8')) as { cases: Case[] };

test('reconstruction by dilation through the max-tree equals scikit-image on every fixture case', () => {
  assert.ok(ref.cases.length >= 20);
  for (const c of ref.cases) {
    const mask = Float64Array.from(c.mask);
    const tree = maxTree(mask, c.width, c.height);
    const out = reconstructUnder(tree, Float64Array.from(c.seed), new Float64Array(mask.length), new Float64Array(2 * mask.length));
    const bad = c.expected.findIndex((v, i) => !Object.is(v, out[i]));
    assert.equal(bad, -1, `${c.name}: pixel ${bad} is ${out[bad]}, skimage ${c.expected[bad]}`);
  }
});

test('the tree numbers children before parents, with the root last', () => {
  const c = ref.cases.find((x) => x.name.startsWith('plateaus4'))!;
  const { parent, level, order } = maxTree(Float64Array.from(c.mask), c.width, c.height);
  const n = order.length;
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
