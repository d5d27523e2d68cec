import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { main } from '../../src/main/cli';
import { readNpy, encodeNpy, parseNpy } from '../../src/main/core/inference/npy';
import { applySteps } from '../../src/main/core/inference/processing';
import { readGray } from '../../src/main/core/io/tiff';

// the team's shared real data sits beside the repository (../shared/data)
const SHARED = resolve(import.meta.dirname, '../../../shared/data/bioimageio-unet2d-nuclei-broad');

test('a bioimage.io model imports and reproduces its published test output to 1e-4 (stainless predict)', async () => {
  const ws = mkdtempSync(join(tmpdir(), 'stainless-bioimageio-'));
  try {
    assert.equal(await main(['models', 'add', join(SHARED, 'bioimageio.yaml'), '--workspace', ws, '--json']), 0);
    const out = join(ws, 'out.npy');
    assert.equal(await main(['predict', '--model', 'UNet-2D-Nuclei-Broad', '--input', join(SHARED, 'test_input.npy'), '--output', out, '--provider', 'cpu', '--workspace', ws, '--json']), 0);
    const got = readNpy(out);
    const want = readNpy(join(SHARED, 'test_output.npy'));
    assert.deepEqual(got.shape, want.shape);
    let max = 0;
    for (let i = 0; i < want.data.length; i++) max = Math.max(max, Math.abs(got.data[i] - want.data[i]));
    assert.ok(max < 1e-4, `max |diff| ${max}`);
    // the same model writes a 16-bit TIFF of the probability map (range [0,1] → 0..65535)
    const tif = join(ws, 'out.tif');
    assert.equal(await main(['predict', '--model', 'UNet-2D-Nuclei-Broad', '--input', join(SHARED, 'test_input.npy'), '--output', tif, '--provider', 'cpu', '--workspace', ws]), 0);
    const g = await readGray(tif);
    assert.equal(g.bitDepth, 16);
    assert.equal(g.width, 512);
    const k = 512 * 200 + 300;
    assert.ok(Math.abs(g.data[k] / 65535 - want.data[k]) < 1e-4);
    // adding again is a no-op; a yaml with unsupported processing is refused naming the step
    assert.equal(await main(['models', 'add', join(SHARED, 'bioimageio.yaml'), '--workspace', ws]), 0);
    const bad = join(ws, 'bad');
    mkdirSync(bad);
    copyFileSync(join(SHARED, 'weights.onnx'), join(bad, 'weights.onnx'));
    const { readFileSync } = await import('node:fs');
    writeFileSync(join(bad, 'bioimageio.yaml'), readFileSync(join(SHARED, 'bioimageio.yaml'), 'utf8').replace('- id: sigmoid', '- id: scale_mean_variance'));
    const errs: string[] = [];
    const orig = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((s: string) => (errs.push(String(s)), true)) as typeof process.stderr.write;
    try {
      assert.equal(await main(['models', 'add', join(bad, 'bioimageio.yaml'), '--workspace', ws]), 1);
    } finally {
      process.stderr.write = orig;
    }
    assert.match(errs.join(''), /bioimageio\.yaml outputs\[0\]\.postprocessing: processing step "scale_mean_variance" is not supported/);
  } finally {
    rmSync(ws, { recursive: true, force: true });
  }
});

test('.npy: write/read round trip, big-endian, Fortran order, bad files named', () => {
  const a = { shape: [2, 3], data: Float32Array.of(1, 2, 3, 4, 5, 6) };
  assert.deepEqual(parseNpy(encodeNpy(a), 'x.npy'), a);
  assert.equal(encodeNpy(a).indexOf(0x0a) + 1, encodeNpy(a).length - 24, 'header padded to 64 bytes');
  const header = (descr: string, fortran: boolean, shape: string) => {
    let h = `{'descr': '${descr}', 'fortran_order': ${fortran ? 'True' : 'False'}, 'shape': ${shape}, }`;
    h += ' '.repeat(63 - ((10 + h.length) % 64)) + '\n';
    const b = Buffer.alloc(10 + h.length);
    b[0] = 0x93;
    b.write('NUMPY', 1, 'latin1');
    b[6] = 1;
    b.writeUInt16LE(h.length, 8);
    b.write(h, 10, 'latin1');
    return b;
  };
  const be = Buffer.alloc(4 * 2);
  be.writeUInt16BE(258, 0);
  be.writeUInt16BE(7, 2);
  assert.deepEqual(Array.from(parseNpy(Buffer.concat([header('>u2', false, '(2,)'), be.subarray(0, 4)]), 'b.npy').data), [258, 7]);
  // Fortran order (2,3): memory holds columns
  const f = Buffer.alloc(6 * 8);
  [1, 4, 2, 5, 3, 6].forEach((v, i) => f.writeDoubleLE(v, i * 8));
  assert.deepEqual(Array.from(parseNpy(Buffer.concat([header('<f8', true, '(2, 3)'), f]), 'f.npy').data), [1, 2, 3, 4, 5, 6]);
  assert.throws(() => parseNpy(Buffer.from('hello world'), 'bad.npy'), /bad\.npy: not a \.npy file/);
  assert.throws(() => parseNpy(Buffer.concat([header('<f4', false, '(100,)'), Buffer.alloc(8)]), 't.npy'), /t\.npy: truncated/);
  assert.throws(() => parseNpy(header('<c8', false, '(1,)'), 'c.npy'), /c\.npy: dtype <c8 is not supported/);
});

test('bioimage.io processing steps follow the spec definitions', () => {
  const x = Float32Array.of(0, 1, 2, 3, 10, 20, 30, 40); // 2 channels × 4 pixels
  const zm = applySteps([{ id: 'zero_mean_unit_variance', kwargs: { axes: ['x', 'y'] } }], x, 2, 't');
  const std0 = Math.sqrt(1.25);
  assert.ok(Math.abs(zm[0] - -1.5 / (std0 + 1e-6)) < 1e-6 && Math.abs(zm[4] - -15 / (10 * std0 + 1e-6)) < 1e-6, 'per channel');
  const zall = applySteps([{ id: 'zero_mean_unit_variance', kwargs: {} }], x, 2, 't');
  assert.ok(Math.abs(zall.reduce((a, b) => a + b, 0)) < 1e-5, 'whole tensor when no axes');
  const sr = applySteps([{ id: 'scale_range', kwargs: { axes: ['x', 'y'], min_percentile: 0, max_percentile: 100 } }], x, 2, 't');
  assert.ok(Math.abs(sr[3] - 3 / (3 + 1e-6)) < 1e-6 && Math.abs(sr[4]) < 1e-9);
  assert.deepEqual(Array.from(applySteps([{ id: 'scale_linear', kwargs: { gain: [2, 0.5], offset: [1, 0] } }], x, 2, 't')), [1, 3, 5, 7, 5, 10, 15, 20]);
  assert.deepEqual(Array.from(applySteps([{ id: 'clip', kwargs: { min: 1, max: 20 } }], x, 2, 't')), [1, 1, 2, 3, 10, 20, 20, 20]);
  assert.deepEqual(Array.from(applySteps([{ id: 'binarize', kwargs: { threshold: 2.5 } }], x, 2, 't')), [0, 0, 0, 1, 1, 1, 1, 1]);
  const sg = applySteps([{ id: 'sigmoid', kwargs: {} }], Float32Array.of(0, 2), 1, 't');
  assert.ok(Math.abs(sg[0] - 0.5) < 1e-7 && Math.abs(sg[1] - 1 / (1 + Math.exp(-2))) < 1e-7);
  assert.throws(() => applySteps([{ id: 'nope', kwargs: {} }], x, 2, 'model.yaml inputs[0]'), /model\.yaml inputs\[0\]: processing step "nope" is not supported/);
});
