// A kernel whose memory cannot grow (an image past the 4 GiB a WebAssembly instance addresses)
// fails with one line naming the function, and the next call gets a fresh instance that works.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { granularityKernel } from '../../src/main/core/wasm/granularity';
import { maxTree } from '../../src/main/core/features/maxTree';

test('a kernel that runs out of memory says so, and the next call starts from a fresh instance', () => {
  const before = maxTree(Float64Array.from([3, 1, 2, 2]), 2, 2);
  const k = granularityKernel();
  k.reset();
  assert.throws(() => k.alloc(0xfffffff0), /^Error: WebAssembly kernel alloc: .*too large for the 4 GiB/);
  assert.notEqual(granularityKernel(), k, 'the failed instance is dropped');
  const after = maxTree(Float64Array.from([3, 1, 2, 2]), 2, 2);
  assert.deepEqual(after, before);
  assert.deepEqual(Array.from(after.values), [1, 2, 3]);
});
