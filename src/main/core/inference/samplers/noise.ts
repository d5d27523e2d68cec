/**
 * Seeded standard-normal noise: xoshiro128** seeded through splitmix32 from (run seed, site id), then
 * Marsaglia–Tsang's ziggurat (128 layers). Same seed and site → the same noise on every machine.
 * A diffusion site draws ~7 M normals, so the generator is a hot loop: the ziggurat needs one 32-bit
 * draw and no transcendental function for ~99 % of samples (Box–Muller needs log, sqrt and cos/sin).
 */

function splitmix32(state: number): () => number {
  let s = state >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** xoshiro128** state from the seed integers (never all zero). */
function seedState(seed: number[]): Uint32Array {
  let h = 0x6a09e667;
  for (const v of seed) h = splitmix32((h ^ (v >>> 0)) >>> 0)();
  const sm = splitmix32(h);
  const s = Uint32Array.of(sm(), sm(), sm(), sm());
  if ((s[0] | s[1] | s[2] | s[3]) === 0) s[0] = 1;
  return s;
}

/** One xoshiro128** step on `s` (in place); returns 32 random bits as an unsigned integer. */
function next32(s: Uint32Array): number {
  const r = Math.imul(rotl(Math.imul(s[1], 5), 7), 9) >>> 0;
  const t = s[1] << 9;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl(s[3], 11);
  return r;
}

const rotl = (x: number, k: number) => (x << k) | (x >>> (32 - k));

/** 32 random bits → (0, 1), never exactly 0 (log stays finite). */
const toUnit = (r: number) => (r + 0.5) / 4294967296;

/** Uniform floats in (0, 1), from xoshiro128** seeded by the given integers. */
export function uniformSource(...seed: number[]): () => number {
  const s = seedState(seed);
  return () => toUnit(next32(s));
}

// Ziggurat tables for N(0,1), 128 layers of equal area V with base-strip edge R (Marsaglia & Tsang
// 2000). Magnitudes carry 24 bits: a draw's low 7 bits pick the layer and the other 25 bits are the
// signed magnitude, so the layer and the value use disjoint bits (the original shares them, which
// Leong et al. 2005 showed correlates the two).
const LAYERS = 128;
const R = 3.442619855899;
const V = 9.91256303526217e-3;
const SCALE = 2 ** 24;
const KN = new Int32Array(LAYERS); // |j| < KN[i] → inside the layer's rectangle, accept at once
const WN = new Float64Array(LAYERS); // x_i / 2^24
const FN = new Float64Array(LAYERS); // f(x_i) = exp(−x_i²/2)
{
  let d = R;
  let prev = R;
  const q = V / Math.exp(-0.5 * d * d);
  KN[0] = Math.floor((d / q) * SCALE);
  KN[1] = 0;
  WN[0] = q / SCALE;
  WN[LAYERS - 1] = d / SCALE;
  FN[0] = 1;
  FN[LAYERS - 1] = Math.exp(-0.5 * d * d);
  for (let i = LAYERS - 2; i >= 1; i--) {
    d = Math.sqrt(-2 * Math.log(V / d + Math.exp(-0.5 * d * d)));
    KN[i + 1] = Math.floor((d / prev) * SCALE);
    prev = d;
    FN[i] = Math.exp(-0.5 * d * d);
    WN[i] = d / SCALE;
  }
}

/** The slow path for a draw outside its layer's rectangle: the wedge test, or the tail beyond R. */
function zigguratSlow(s: Uint32Array, j: number, i: number): number {
  for (;;) {
    const x = j * WN[i];
    if (i === 0) {
      // tail: Marsaglia's exponential rejection for x > R
      let a: number, b: number;
      do {
        a = -Math.log(toUnit(next32(s))) / R;
        b = -Math.log(toUnit(next32(s)));
      } while (b + b < a * a);
      return j > 0 ? R + a : -R - a;
    }
    if (FN[i] + toUnit(next32(s)) * (FN[i - 1] - FN[i]) < Math.exp(-0.5 * x * x)) return x;
    const u = next32(s);
    i = u & (LAYERS - 1);
    j = (u | 0) >> 7;
    if ((j < 0 ? -j : j) < KN[i]) return j * WN[i];
  }
}

/**
 * A noise source: each call returns n fresh N(0,1) samples, continuing the same stream; into `out`
 * when given (a diffusion site reuses one buffer for its ~7 M draws per step).
 */
export function gaussianSource(...seed: number[]): (n: number, out?: Float32Array) => Float32Array {
  const s = seedState(seed);
  return (n, buf) => {
    const out = buf && buf.length === n ? buf : new Float32Array(n);
    const kn = KN, wn = WN;
    // xoshiro128** inlined on locals: this loop is the cost of diffusion noise
    let a = s[0] | 0, b = s[1] | 0, c = s[2] | 0, d = s[3] | 0;
    for (let k = 0; k < n; k++) {
      const u = Math.imul(rotl(Math.imul(b, 5), 7), 9);
      const t = b << 9;
      c ^= a;
      d ^= b;
      b ^= c;
      a ^= d;
      c ^= t;
      d = (d << 11) | (d >>> 21);
      const i = u & (LAYERS - 1);
      const j = u >> 7;
      if ((j < 0 ? -j : j) < kn[i]) out[k] = j * wn[i];
      else {
        s[0] = a; s[1] = b; s[2] = c; s[3] = d;
        out[k] = zigguratSlow(s, j, i);
        a = s[0] | 0; b = s[1] | 0; c = s[2] | 0; d = s[3] | 0;
      }
    }
    s[0] = a; s[1] = b; s[2] = c; s[3] = d;
    return out;
  };
}
