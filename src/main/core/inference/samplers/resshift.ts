/**
 * ResShift residual diffusion (as used by CellResDM), DESIGN.md §5. Pure maths over Float32Arrays so
 * the Python training code can be checked against the same numbers. Index k of every schedule
 * array is step t = k + 1.
 */

export interface ResshiftParams {
  T: number;
  kappa: number;
  p: number;
  minNoise: number;
  etasEnd: number;
}

export interface ResshiftSchedule {
  T: number;
  kappa: number;
  /** η_t */
  eta: number[];
  /** √η_t */
  sqrtEta: number[];
  /** α_t = η_t − η_{t−1} (η₀ = 0) */
  alpha: number[];
  /** κ²·η_{t−1}·α_t/η_t: the variance of the noise added going from t to t−1 (0 at t = 1) */
  posteriorVariance: number[];
  /** 1/√(κ²η_t + 1): the network input scale when inputs are normalised */
  inputScale: number[];
}

/** √η₁ = min(m/κ, m); b = (etas_end/√η₁)^(1/(T−1)); β_t = ((t−1)/(T−1))^p·(T−1); √η_t = √η₁·b^β_t. */
export function resshiftSchedule({ T, kappa, p, minNoise, etasEnd }: ResshiftParams): ResshiftSchedule {
  if (!Number.isInteger(T) || T < 1) throw new Error(`resshift: T must be a positive integer, got ${T}`);
  if (!(kappa > 0) || !(p > 0) || !(minNoise > 0) || !(etasEnd > 0)) throw new Error('resshift: kappa, p, minNoise and etasEnd must be positive');
  const sqrtEta1 = Math.min(minNoise / kappa, minNoise);
  const sqrtEta: number[] = [];
  if (T === 1) sqrtEta.push(etasEnd); // a single step starts (and ends) at the final noise level
  else {
    const b = Math.exp(Math.log(etasEnd / sqrtEta1) / (T - 1));
    for (let t = 1; t <= T; t++) {
      const beta = Math.pow((t - 1) / (T - 1), p) * (T - 1);
      sqrtEta.push(sqrtEta1 * Math.pow(b, beta));
    }
  }
  const eta = sqrtEta.map((s) => s * s);
  const alpha = eta.map((e, k) => e - (k === 0 ? 0 : eta[k - 1]));
  const posteriorVariance = eta.map((e, k) => (k === 0 ? 0 : (kappa * kappa * eta[k - 1] * alpha[k]) / e));
  const inputScale = eta.map((e) => 1 / Math.sqrt(kappa * kappa * e + 1));
  return { T, kappa, eta, sqrtEta, alpha, posteriorVariance, inputScale };
}

/**
 * The timestep index to feed a network trained on `trained` when sampling with `used` (another step
 * count): the trained step whose η is closest. With the same T this is simply t − 1.
 */
export function timestepIndices(used: ResshiftSchedule, trained: ResshiftSchedule): number[] {
  if (used.T === trained.T) return used.eta.map((_, k) => k);
  return used.eta.map((e) => {
    let best = 0;
    for (let k = 1; k < trained.eta.length; k++) if (Math.abs(trained.eta[k] - e) < Math.abs(trained.eta[best] - e)) best = k;
    return best;
  });
}

/** Forward process: x_t = x₀ + η_t(y₀ − x₀) + κ√η_t·ε (used by training and by tests). */
export function qSample(x0: Float32Array, y0: Float32Array, noise: Float32Array, s: ResshiftSchedule, t: number): Float32Array {
  const e = s.eta[t - 1];
  const k = s.kappa * s.sqrtEta[t - 1];
  const out = new Float32Array(x0.length);
  for (let i = 0; i < out.length; i++) out[i] = x0[i] + e * (y0[i] - x0[i]) + k * noise[i];
  return out;
}

/**
 * One reverse step t → t−1 is x_{t−1} = cx·x_t + c0·x̂₀ + sd·ε with cx = η_{t−1}/η_t, c0 = α_t/η_t and
 * sd = κ·√(η_{t−1}α_t/η_t). At t = 1, η₀ = 0 gives cx = 0, c0 = 1, sd = 0: the result is x̂₀.
 */
export function stepCoefficients(s: ResshiftSchedule, t: number): { cx: number; c0: number; sd: number } {
  const e = s.eta[t - 1];
  const ePrev = t === 1 ? 0 : s.eta[t - 2];
  return { cx: ePrev / e, c0: s.alpha[t - 1] / e, sd: t === 1 ? 0 : Math.sqrt(s.posteriorVariance[t - 1]) };
}

/** One reverse step t → t−1 (see stepCoefficients); `noise` may be null at t = 1. */
export function posteriorStep(xt: Float32Array, x0hat: Float32Array, noise: Float32Array | null, s: ResshiftSchedule, t: number): Float32Array {
  const { cx, c0, sd } = stepCoefficients(s, t);
  const out = new Float32Array(xt.length);
  for (let i = 0; i < xt.length; i++) out[i] = cx * xt[i] + c0 * x0hat[i] + (sd && noise ? sd * noise[i] : 0);
  return out;
}

export interface SampleOptions {
  /** y₀: the degraded (brightfield) image with the output's layout, values in [−1, 1] */
  y0: Float32Array;
  schedule: ResshiftSchedule;
  normalizeInput: boolean;
  /** the network: x̂₀ from the (scaled) x_t and the timestep index fed to the graph */
  denoise: (xIn: Float32Array, timestep: number, t: number) => Promise<Float32Array>;
  /** n standard normal samples (seeded for reproducibility), into `out` when the source can */
  noise: (n: number, out?: Float32Array) => Float32Array;
  /** timestep index per step t (index t−1); defaults to t − 1 */
  timesteps?: number[];
}

/**
 * The full sampler: x_T = y₀ + κ√η_T·ε, T reverse steps, result clamped to [−1, 1]. The network sees
 * x_t scaled by 1/√(κ²η_t+1) when it was trained on normalised inputs. Each step is one fused pass
 * (update x in place and write the next network input): a site is ~2 M values per pass.
 */
export async function resshiftSample(o: SampleOptions): Promise<Float32Array> {
  const s = o.schedule;
  const y0 = o.y0;
  const n = y0.length;
  const scale = (t: number) => (o.normalizeInput ? s.inputScale[t - 1] : 1);
  const x = new Float32Array(n);
  // one input buffer for every step: the network has finished with it when denoise resolves
  const xIn = new Float32Array(n);
  let epsBuf: Float32Array = new Float32Array(n); // one noise buffer for every step
  {
    const k = s.kappa * s.sqrtEta[s.T - 1];
    const c = scale(s.T);
    const eps = (epsBuf = o.noise(n, epsBuf));
    for (let i = 0; i < n; i++) {
      const v = y0[i] + k * eps[i];
      x[i] = v;
      xIn[i] = v * c;
    }
  }
  for (let t = s.T; t >= 1; t--) {
    const x0hat = await o.denoise(xIn, o.timesteps?.[t - 1] ?? t - 1, t);
    if (x0hat.length !== n) throw new Error(`resshift: denoiser returned ${x0hat.length} values for ${n}`);
    const { cx, c0, sd } = stepCoefficients(s, t);
    if (t > 1) {
      const eps = (epsBuf = o.noise(n, epsBuf));
      const c = scale(t - 1);
      for (let i = 0; i < n; i++) {
        const v = cx * x[i] + c0 * x0hat[i] + sd * eps[i];
        x[i] = v;
        xIn[i] = v * c;
      }
    } else
      for (let i = 0; i < n; i++) {
        const v = cx * x[i] + c0 * x0hat[i];
        x[i] = v < -1 ? -1 : v > 1 ? 1 : v;
      }
  }
  return x;
}
