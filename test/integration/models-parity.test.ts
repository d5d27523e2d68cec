import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { loadModel, readManifest } from '../../src/main/core/inference/model';
import { readNpy } from '../../src/main/core/inference/npy';
import { loadOrt } from '../../src/main/core/inference/sessions';

// Every bundled model in resources/models/ runs in onnxruntime-node on the committed input and gives
// the output PyTorch produced for it at export (training/train.py writes both into
// test/fixtures/training/<model name>/), to 1e-4; its manifest validates against the graph.

const MODELS = 'resources/models';
const FIX = 'test/fixtures/training';
const bundled = readdirSync(MODELS, { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(MODELS, d.name, 'model.json')))
  .map((d) => d.name);

test('both bundled model kinds are present', () => {
  const kinds = bundled.map((n) => readManifest(join(MODELS, n)).manifest.kind);
  assert.ok(kinds.includes('direct'), `a direct model in ${MODELS} (found ${bundled.join(', ') || 'none'})`);
  assert.ok(kinds.includes('residual-diffusion'), `a residual-diffusion model in ${MODELS}`);
});

for (const name of bundled) {
  test(`${name}: ONNX output in onnxruntime-node equals PyTorch's at export (1e-4)`, async (t) => {
    const { manifest, dir, onnxFile } = readManifest(join(MODELS, name));
    assert.equal(manifest.name, name, 'manifest name is the folder name');
    assert.ok(statSync(onnxFile).size <= 20e6, `${onnxFile} is at most 20 MB`);
    assert.ok(Object.keys(manifest.heldOutMetrics).length > 0, 'held-out metrics recorded');
    // loadModel checks the sha256 and the graph's names/channels against the manifest
    const lm = await loadModel(manifest, dir, 'cpu');
    const fx = join(FIX, name);
    const index = JSON.parse(readFileSync(join(fx, 'parity.json'), 'utf8')) as {
      tolerance: number;
      inputs: Record<string, { file: string; dtype: string }>;
      outputs: Record<string, { file: string }>;
    };
    const ort = await loadOrt();
    const feeds: Record<string, InstanceType<typeof ort.Tensor>> = {};
    for (const [input, spec] of Object.entries(index.inputs)) {
      const a = readNpy(join(fx, spec.file));
      feeds[input] = spec.dtype === 'int64' ? new ort.Tensor('int64', BigInt64Array.from(a.data, (v) => BigInt(v)), a.shape) : new ort.Tensor('float32', a.data, a.shape);
    }
    assert.deepEqual(Object.keys(feeds).sort(), [...manifest.onnx.inputs].sort());
    const res = await lm.handle.session.run(feeds);
    for (const [output, spec] of Object.entries(index.outputs)) {
      const want = readNpy(join(fx, spec.file));
      const got = res[output];
      assert.deepEqual([...got.dims], want.shape, `${output} shape`);
      const data = got.data as Float32Array;
      let d = 0;
      for (let i = 0; i < data.length; i++) d = Math.max(d, Math.abs(data[i] - want.data[i]));
      t.diagnostic(`${name}/${output}: max |ORT − PyTorch| = ${d.toExponential(2)} over ${data.length} values`);
      assert.ok(d <= index.tolerance, `${name}/${output}: max |ORT − PyTorch| = ${d} > ${index.tolerance}`);
      // a real output, not a constant: the channels vary over the tile
      let lo = Infinity, hi = -Infinity;
      for (const v of data) (lo = Math.min(lo, v)), (hi = Math.max(hi, v));
      assert.ok(hi - lo > 0.1, `${name}/${output} varies (range ${lo}..${hi})`);
    }
  });
}
