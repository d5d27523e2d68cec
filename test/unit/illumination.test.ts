import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { join } from 'node:path';
import { readGray } from '../../src/main/core/io/tiff';
import { npyBytes, parseNpy, readNpy } from '../../src/main/core/io/npy';
import { IllumAccumulator } from '../../src/main/core/illumination/calculate';
import { divideByIllum } from '../../src/main/core/illumination/apply';

// References: test/fixtures/illumination/make_illumination_reference.py (CellProfiler 4.2.8's
// CorrectIlluminationCalculate/Apply and Resize, step by step on centrosome, scikit-image, scipy)
const FIX = join(import.meta.dirname, '..', 'fixtures', 'illumination');
const EXAMPLE = join(import.meta.dirname, '..', '..', '..', 'shared', 'data', 'cellprofiler-examplehuman');
const exampleDir = (() => {
  try {
    readFileSync(join(EXAMPLE, 'ExampleHuman.cppipe'));
    return EXAMPLE;
  } catch {
    return '/work/shared/data/cellprofiler-examplehuman';
  }
})();
const PLATES: Record<string, string[]> = {
  examplehuman: [0, 1, 2].map((i) => join(exampleDir, `AS_09125_050116030001_D03f00d${i}.tif`)),
  demo: ['DNA', 'ER', 'RNA', 'AGP', 'Mito'].map((c) => join(import.meta.dirname, '..', 'fixtures', 'features', 'demo-site', `${c}.tiff`)),
};
const reference = (name: string) => (name.endsWith('.gz') ? parseNpy(gunzipSync(readFileSync(join(FIX, name))), name) : parseNpy(readFileSync(join(FIX, name)), name));

/** worst relative difference (absolute below 1) and its index */
function worst(a: ArrayLike<number>, b: ArrayLike<number>): { rel: number; at: number } {
  let rel = 0, at = -1;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(b[i]));
    if (!(d <= rel)) (rel = d), (at = i);
  }
  return { rel, at };
}

async function plateIllum(files: string[]) {
  const acc = new IllumAccumulator();
  for (const f of files) acc.add(await readGray(f), f);
  return acc.finish()!;
}

for (const [plate, file] of [['examplehuman', 'examplehuman-illum.npy.gz'], ['demo', 'demo-illum.npy']] as const)
  test(`illumination function of the ${plate} stack equals CellProfiler's to 1e-6`, async () => {
    const ref = reference(file);
    assert.ok(ref.data instanceof Float32Array, 'CellProfiler saves the function as float32');
    const got = await plateIllum(PLATES[plate]);
    assert.deepEqual([got.height, got.width], [ref.height, ref.width]);
    const { rel, at } = worst(got.data, ref.data);
    assert.ok(rel <= 1e-6, `${plate}: relative difference ${rel} at pixel ${at} (${got.data[at]} vs ${ref.data[at]})`);
    // the function is ≥ 1 (rescaled by its robust minimum) and not constant
    let lo = Infinity, hi = -Infinity;
    for (const v of got.data) (lo = Math.min(lo, v)), (hi = Math.max(hi, v));
    assert.equal(lo, 1);
    assert.ok(hi > 1.5, `max ${hi}`);
  });

test("the demo site's DNA corrected by division equals CellProfiler's CorrectIlluminationApply to 1e-6", async () => {
  const ref = reference('demo-corrected.npy.gz');
  assert.ok(ref.data instanceof Float64Array);
  const illum = await readNpy(join(FIX, 'demo-illum.npy'));
  const got = divideByIllum(await readGray(PLATES.demo[0]), illum, PLATES.demo[0]);
  const { rel, at } = worst(got, ref.data);
  assert.ok(rel <= 1e-6, `relative difference ${rel} at ${at}`);
});

test('.npy files written by numpy: float32 read; wrong dtype or shape refused in one line naming the file', async () => {
  const f = join(FIX, 'demo-illum.npy');
  const img = await readNpy(f);
  assert.deepEqual([img.height, img.width], [160, 160]);
  // our writer's bytes are numpy.save's bytes for the same array
  assert.deepEqual(Buffer.from(npyBytes({ height: img.height, width: img.width, data: img.data as Float32Array })), readFileSync(f));
  await assert.rejects(readNpy(join(FIX, 'bad-int16.npy')), (e: Error) => e.message === `${join(FIX, 'bad-int16.npy')}: an illumination function must be float32 or float64 (little-endian); this array is '<i2'`);
  await assert.rejects(readNpy(join(FIX, 'bad-3d.npy')), (e: Error) => e.message === `${join(FIX, 'bad-3d.npy')}: an illumination function must be a 2-D image; this array has shape (2, 3, 4)`);
  await assert.rejects(readNpy(PLATES.demo[0]), /DNA\.tiff: not a numpy \.npy file/);
});
