// The flooding heaps (core/segment/heap.ts): PixelHeap pops by (priority, insertion order), which
// makes plateaus fill breadth-first; CostHeap pops the smallest priority. Checked against a sort of
// everything pushed, over random push/pop sequences with many equal priorities.
import assert from 'node:assert/strict';
import test from 'node:test';
import { CostHeap, PixelHeap } from '../../src/main/core/segment/heap';

function lcg(seed: number) {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32;
}

/** pushes (few distinct priorities) and pops at random, then drains; every pop is checked against the pending set */
function exercise(heap: { push(p: number, px: number): void; pop(): number; size: number; lastPriority: number }, seed: number, byAge: boolean) {
  const rnd = lcg(seed);
  const pending: Array<{ p: number; px: number }> = [];
  let pops = 0;
  const check = () => {
    const px = heap.pop();
    // the smallest pending priority; with byAge, the earliest pushed of those
    let best = 0;
    for (let k = 1; k < pending.length; k++) if (pending[k].p < pending[best].p) best = k;
    assert.equal(heap.lastPriority, pending[best].p);
    const at = byAge ? best : pending.findIndex((e) => e.px === px);
    assert.ok(at >= 0 && pending[at].p === pending[best].p, `pop ${pops}: pixel ${px} is not a smallest one`);
    if (byAge) assert.equal(px, pending[best].px, `pop ${pops}: not the earliest of its priority`);
    pending.splice(at, 1);
    pops++;
  };
  for (let k = 0; k < 2000; k++) {
    if (rnd() < 0.55 || !heap.size) {
      const p = Math.floor(rnd() * 6) / 4;
      heap.push(p, k);
      pending.push({ p, px: k });
    } else check();
  }
  while (heap.size) check();
  assert.equal(pending.length, 0);
}

test('PixelHeap pops the smallest priority, ties in insertion order', () => {
  for (let seed = 1; seed <= 20; seed++) exercise(new PixelHeap(4), seed, true);
});

test('CostHeap pops the smallest priority', () => {
  for (let seed = 1; seed <= 20; seed++) exercise(new CostHeap(4), seed, false);
});
