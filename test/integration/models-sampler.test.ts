import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { resshiftSample, resshiftSchedule, timestepIndices } from '../../src/main/core/inference/samplers/resshift';
import { readNpy } from '../../src/main/core/inference/npy';
import { getSession, loadOrt } from '../../src/main/core/inference/sessions';

// training/'s Python sampler and Stainless' TypeScript sampler must give the same output for the same
// noise (issue 6). Fixtures: test/fixtures/training/make_sampler_fixture.py (closed-form denoiser) and
// the parity fixtures training/train.py writes when it exports a residual-diffusion model.

const FIX = 'test/fixtures/training';

/** A noise source that hands out the fixture's arrays in order, as the sampler asks for them. */
function replay(arrays: Float32Array[]): (n: number) => Float32Array {
  let k = 0;
  return (n) => {
    const a = arrays[k++];
    assert.ok(a, `sampler asked for noise array ${k} but the fixture has ${arrays.length}`);
    assert.equal(a.length, n);
    return Float32Array.from(a);
  };
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

interface AnalyticFixture {
  params: { T: number; kappa: number; p: number; minNoise: number; etasEnd: number };
  shape: number[];
  y0: number[];
  cases: Array<{ steps: number; timesteps: number[]; noise: number[]; expected: number[] }>;
}

test('TypeScript ResShift sampler equals the Python training sampler (closed-form denoiser, T=4 and 15 steps)', async () => {
  const fx = JSON.parse(readFileSync(join(FIX, 'sampler-analytic.json'), 'utf8')) as AnalyticFixture;
  const [, c, h, w] = fx.shape;
  const hw = h * w;
  const y0 = Float32Array.from(fx.y0);
  const trained = resshiftSchedule(fx.params);
  for (const cs of fx.cases) {
    const schedule = resshiftSchedule({ ...fx.params, T: cs.steps });
    const timesteps = timestepIndices(schedule, trained);
    assert.deepEqual(timesteps, cs.timesteps, `timestep mapping for ${cs.steps} steps`);
    const size = c * hw;
    const noise = Array.from({ length: cs.steps }, (_, k) => Float32Array.from(cs.noise.slice(k * size, (k + 1) * size)));
    const out = await resshiftSample({
      y0: y0.subarray(0, size),
      schedule,
      normalizeInput: true,
      timesteps,
      noise: replay(noise),
      denoise: async (xIn, t) => {
        const o = new Float32Array(size);
        for (let ch = 0; ch < c; ch++)
          for (let i = 0; i < hw; i++) {
            const v = 0.8 * xIn[ch * hw + i] - 0.5 * y0[ch * hw + i] + 0.3 * y0[(7 + (ch % 2)) * hw + i];
            o[ch * hw + i] = Math.tanh(v) * (1 - 0.15 * t);
          }
        return o;
      },
    });
    const d = maxAbsDiff(out, cs.expected);
    assert.ok(d <= 1e-4, `${cs.steps} steps: max |TS − Python| = ${d}`);
    // the outputs are not trivially equal to the conditioning: the network did something
    assert.ok(maxAbsDiff(out, y0.subarray(0, size)) > 0.1);
  }
});

test('TypeScript sampler reproduces the bundled diffusion model\'s Python sampler run through onnxruntime-node', async (t) => {
  const dirs = readdirSync(FIX, { withFileTypes: true }).filter((d) => d.isDirectory() && existsSync(join(FIX, d.name, 'parity.json')));
  const runs = dirs.map((d) => ({ dir: join(FIX, d.name), index: JSON.parse(readFileSync(join(FIX, d.name, 'parity.json'), 'utf8')) })).filter((r) => r.index.sampler);
  assert.ok(runs.length >= 1, 'a residual-diffusion parity fixture with a sampler run exists');
  const ort = await loadOrt();
  for (const { dir, index } of runs) {
    const name = dir.split('/').pop()!;
    const model = join('resources/models', name, 'model.onnx');
    assert.ok(existsSync(model), `${model} exists for fixture ${dir}`);
    const { session } = await getSession(model, 'cpu');
    const y0 = readNpy(join(dir, index.sampler.y0));
    const noise = readNpy(join(dir, index.sampler.noise));
    const expected = readNpy(join(dir, index.sampler.output));
    const [n, , h, w] = y0.shape;
    const size = 7 * h * w;
    const noises = Array.from({ length: noise.shape[0] }, (_, k) => noise.data.slice(k * size, (k + 1) * size));
    const out = await resshiftSample({
      y0: y0.data.subarray(0, size),
      schedule: resshiftSchedule(index.sampler.params),
      normalizeInput: true,
      noise: replay(noises),
      denoise: async (xIn, step) => {
        const res = await session.run({
          x_t: new ort.Tensor('float32', xIn, [n, 7, h, w]),
          y0: new ort.Tensor('float32', y0.data, y0.shape),
          t: new ort.Tensor('int64', BigInt64Array.of(BigInt(step)), [1]),
        });
        return res.x0.data as Float32Array;
      },
    });
    const d = maxAbsDiff(out, expected.data);
    t.diagnostic(`${name}: max |TS sampler − Python sampler| = ${d.toExponential(2)}`);
    assert.ok(d <= 1e-4, `${name}: max |TS − Python| = ${d}`);
  }
});
