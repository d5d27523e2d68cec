import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resshiftSchedule, posteriorStep, resshiftSample, timestepIndices, qSample } from '../../src/main/core/inference/samplers/resshift';
import { gaussianSource, uniformSource } from '../../src/main/core/inference/samplers/noise';

const CELLRESDM = { T: 4, kappa: 2, p: 0.3, minNoise: 0.2, etasEnd: 0.99 };
const close = (a: number[], b: number[], tol: number) => {
  assert.equal(a.length, b.length);
  a.forEach((v, i) => assert.ok(Math.abs(v - b[i]) <= tol, `index ${i}: ${v} vs ${b[i]}`));
};

test('ResShift schedule for T=4 matches DESIGN.md §5 reference values', () => {
  const s = resshiftSchedule(CELLRESDM);
  close(s.eta, [0.01, 0.2705, 0.579703, 0.9801], 5e-6);
  close(s.posteriorVariance, [0, 0.038521, 0.577119, 0.947297], 5e-6);
  close(s.inputScale, [0.980581, 0.693042, 0.54892, 0.450816], 5e-6);
  close(s.alpha, [0.01, 0.2605, 0.309203, 0.400397], 5e-6);
  // ResShift's super-resolution setting: √η₁ = min(m/κ, m) with m = 0.04, last = etas_end²
  const sr = resshiftSchedule({ T: 15, kappa: 2, p: 0.3, minNoise: 0.04, etasEnd: 0.99 });
  assert.ok(Math.abs(sr.eta[0] - 0.0004) < 1e-12);
  assert.ok(Math.abs(sr.eta[14] - 0.9801) < 1e-12);
  for (let k = 1; k < 15; k++) assert.ok(sr.eta[k] > sr.eta[k - 1], 'η increases');
});

test('one reverse step t=3 → 2 computed by hand', () => {
  const s = resshiftSchedule(CELLRESDM);
  // η3 = 0.579703, η2 = 0.2705, α3 = η3 − η2 = 0.309203
  // x2 = (η2/η3)·0.5 + (α3/η3)·0.2 + κ·√(η2·α3/η3)·ε with ε = 1 and ε = −0.5
  //    = 0.466618·0.5 + 0.533382·0.2 + 2·0.379842·ε = 0.339985 + 0.759684·ε
  const x2 = posteriorStep(Float32Array.of(0.5, 0.5), Float32Array.of(0.2, 0.2), Float32Array.of(1, -0.5), s, 3);
  assert.ok(Math.abs(x2[0] - 1.099669) < 2e-5, `${x2[0]}`);
  assert.ok(Math.abs(x2[1] - (0.339985 - 0.379842)) < 2e-5, `${x2[1]}`);
  // the last step adds no noise and returns x̂0 exactly (η0 = 0)
  const x0 = posteriorStep(Float32Array.of(0.7), Float32Array.of(-0.3), Float32Array.of(5), s, 1);
  assert.ok(Math.abs(x0[0] + 0.3) < 1e-7);
});

test('a perfect denoiser recovers x0 and the sampler is deterministic under a seed', async () => {
  const n = 1000;
  const u = uniformSource(7);
  const x0 = new Float32Array(n).map(() => u() * 1.6 - 0.8);
  const y0 = new Float32Array(n).map((_, i) => x0[i] * 0.5 + 0.1);
  const s = resshiftSchedule(CELLRESDM);
  const seen: number[] = [];
  const run = (seed: number) =>
    resshiftSample({
      y0,
      schedule: s,
      normalizeInput: true,
      noise: gaussianSource(seed, 42),
      denoise: async (xIn, timestep) => {
        seen.push(timestep);
        // the network sees the scaled input: undo it to check the scale is 1/√(κ²η_t+1)
        assert.ok(Number.isFinite(xIn[0]));
        return x0;
      },
    });
  const a = await run(1);
  assert.deepEqual(seen, [3, 2, 1, 0]);
  close(Array.from(a), Array.from(x0), 1e-6);
  const b1 = await run(2);
  const b2 = await run(2);
  assert.deepEqual(b1, b2);
});

test('the sampler feeds the scaled x_t and clamps to [-1, 1]', async () => {
  const s = resshiftSchedule(CELLRESDM);
  const y0 = Float32Array.of(0.5);
  const inputs: number[] = [];
  const zero = (n: number) => new Float32Array(n);
  const out = await resshiftSample({
    y0,
    schedule: s,
    normalizeInput: true,
    noise: zero,
    denoise: async (xIn) => {
      inputs.push(xIn[0]);
      return Float32Array.of(3);
    },
  });
  // with zero noise x_T = y0, so the first network input is y0·inputScale[T−1]
  assert.ok(Math.abs(inputs[0] - 0.5 * 0.450816) < 1e-6);
  assert.equal(out[0], 1);
});

test('forward process matches its definition, noise is standard normal and seeded', () => {
  const s = resshiftSchedule(CELLRESDM);
  const xt = qSample(Float32Array.of(0.2), Float32Array.of(-0.4), Float32Array.of(1), s, 2);
  assert.ok(Math.abs(xt[0] - (0.2 + 0.2705 * -0.6 + 2 * Math.sqrt(0.2705))) < 1e-5);
  const g = gaussianSource(123, 9)(200000);
  let m = 0, v = 0;
  for (const x of g) m += x;
  m /= g.length;
  for (const x of g) v += (x - m) ** 2;
  v /= g.length;
  assert.ok(Math.abs(m) < 0.01 && Math.abs(v - 1) < 0.02, `mean ${m} var ${v}`);
  assert.deepEqual(gaussianSource(123, 9)(10), gaussianSource(123, 9)(10));
  assert.notDeepEqual(gaussianSource(123, 9)(10), gaussianSource(123, 10)(10));
});

test('ziggurat noise follows N(0,1): Kolmogorov–Smirnov, tails beyond the base strip, kurtosis', () => {
  // Φ via erf (Abramowitz & Stegun 7.1.26, |error| < 1.5e-7: far below the KS bound used here)
  const erf = (x: number) => {
    const t = 1 / (1 + 0.3275911 * Math.abs(x));
    const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
    return x < 0 ? -y : y;
  };
  const phi = (x: number) => 0.5 * (1 + erf(x / Math.SQRT2));
  const n = 1_000_000;
  const g = Float64Array.from(gaussianSource(2026, 11)(n)).sort();
  let d = 0;
  for (let i = 0; i < n; i++) d = Math.max(d, Math.abs(phi(g[i]) - i / n), Math.abs(phi(g[i]) - (i + 1) / n));
  assert.ok(d < 1.63 / Math.sqrt(n), `KS distance ${d}`); // 1 % critical value
  // the ziggurat's tail path (|x| > R = 3.4426) and its wedges must both be exercised and right
  const tail = g.filter((x) => Math.abs(x) > 3.442619855899).length / n;
  const pTail = 2 * (1 - phi(3.442619855899));
  assert.ok(Math.abs(tail - pTail) < 5 * Math.sqrt(pTail / n), `tail ${tail} vs ${pTail}`);
  assert.ok(g[0] < -4 && g[n - 1] > 4, `extremes ${g[0]} ${g[n - 1]}`);
  let m4 = 0;
  for (const x of g) m4 += x ** 4;
  assert.ok(Math.abs(m4 / n - 3) < 0.05, `kurtosis ${m4 / n}`);
});

test('other step counts map to the nearest trained timestep', () => {
  const trained = resshiftSchedule(CELLRESDM);
  assert.deepEqual(timestepIndices(trained, trained), [0, 1, 2, 3]);
  const used = resshiftSchedule({ ...CELLRESDM, T: 2 });
  assert.deepEqual(timestepIndices(used, trained), [0, 3]);
});
