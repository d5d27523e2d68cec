/**
 * Seeded standard-normal noise: a small counter-free PRNG (xoshiro128**) seeded through splitmix32
 * from (run seed, site id), then Box–Muller. Same seed and site → the same noise on every machine.
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

/** Uniform floats in (0, 1), from xoshiro128** seeded by the given integers. */
export function uniformSource(...seed: number[]): () => number {
  let h = 0x6a09e667;
  for (const v of seed) h = splitmix32((h ^ (v >>> 0)) >>> 0)();
  const sm = splitmix32(h);
  let a = sm(), b = sm(), c = sm(), d = sm();
  if ((a | b | c | d) === 0) a = 1;
  return () => {
    const r = Math.imul(rotl(Math.imul(b, 5) >>> 0, 7), 9) >>> 0;
    const t = (b << 9) >>> 0;
    c ^= a;
    d ^= b;
    b ^= c;
    a ^= d;
    c ^= t;
    d = rotl(d, 11);
    // 32 random bits → (0,1): never exactly 0, so log() in Box–Muller stays finite
    return (r + 0.5) / 4294967296;
  };
}

const rotl = (x: number, k: number) => ((x << k) | (x >>> (32 - k))) >>> 0;

/** A noise source: each call returns n fresh N(0,1) samples (Box–Muller, both values used). */
export function gaussianSource(...seed: number[]): (n: number) => Float32Array {
  const u = uniformSource(...seed);
  return (n) => {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i += 2) {
      const r = Math.sqrt(-2 * Math.log(u()));
      const th = 2 * Math.PI * u();
      out[i] = r * Math.cos(th);
      if (i + 1 < n) out[i + 1] = r * Math.sin(th);
    }
    return out;
  };
}
