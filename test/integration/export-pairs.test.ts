import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCore } from '../../src/main/core/core';
import { main } from '../../src/main/cli';

// A demo plate imported with its ground truth, exported back as training pairs in the simulator layout.
test('export --pairs writes every acquired channel and the ground-truth labels in the layout training/ reads', async () => {
  const ws = mkdtempSync(join(tmpdir(), 'stainless-pairs-'));
  const core = createCore({ workspace: ws, transport: 'inprocess' });
  try {
    const job = core.jobs.submit('demo', { format: 96, sites: 1, size: 128, cellLine: 'U2OS', seed: 3, emptyEdges: false, pipeline: false });
    const done = await core.jobs.wait(job.id);
    assert.equal(done.status, 'done', done.error ?? '');
  } finally {
    core.close();
  }
  const out = join(ws, 'pairs');
  assert.equal(await main(['export', '--plate', 'SIM-U2OS-96-3', '--pairs', '--out', out, '--workspace', ws, '--json']), 0);
  const images = readdirSync(join(out, 'Images'));
  assert.equal(images.length, 96 * 8);
  assert.ok(images.includes('r01c01f01p01-ch8sk1fk1fl1.tiff') && images.includes('r08c12f01p01-ch5sk1fk1fl1.tiff'));
  assert.equal(readdirSync(join(out, 'groundtruth')).length, 96 * 2);
  // copies of the acquired files, byte for byte
  const src = join(ws, 'demo', 'SIM-U2OS-96-3', 'Images', 'r03c04f01p01-ch5sk1fk1fl1.tiff');
  assert.deepEqual(readFileSync(join(out, 'Images', 'r03c04f01p01-ch5sk1fk1fl1.tiff')), readFileSync(src));
  assert.match(readFileSync(join(out, 'README.txt'), 'utf8'), /cell line: U2OS/);
});
