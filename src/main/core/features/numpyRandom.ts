/**
 * numpy's legacy RandomState(seed).normal(): MT19937 seeded by init_genrand, 53-bit doubles from
 * two draws, and the polar Box–Muller pair (the second value kept for the next call). centrosome's
 * smooth_with_noise (Threshold's SumOfEntropies) draws its noise from RandomState(0).
 */
/** numpy's legacy MT19937 seeded with an integer (init_genrand): the next 32-bit output each call */
export function mt19937(seed: number): () => number {
  const mt = new Uint32Array(624);
  mt[0] = seed >>> 0;
  for (let i = 1; i < 624; i++) mt[i] = (Math.imul(1812433253, mt[i - 1] ^ (mt[i - 1] >>> 30)) + i) >>> 0;
  let idx = 624;
  return () => {
    if (idx >= 624) {
      for (let i = 0; i < 624; i++) {
        const y = (mt[i] & 0x80000000) | (mt[(i + 1) % 624] & 0x7fffffff);
        mt[i] = mt[(i + 397) % 624] ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
      }
      idx = 0;
    }
    let y = mt[idx++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  };
}

/**
 * numpy's legacy RandomState(seed).permutation(n): Fisher–Yates from the end, each index drawn
 * by masked rejection sampling (random_interval). centrosome's skeletonize breaks ties with it.
 */
export function numpyPermutation(seed: number, n: number): Int32Array {
  const next = mt19937(seed);
  const a = new Int32Array(n);
  for (let i = 0; i < n; i++) a[i] = i;
  for (let i = n - 1; i > 0; i--) {
    let mask = i;
    mask |= mask >>> 1;
    mask |= mask >>> 2;
    mask |= mask >>> 4;
    mask |= mask >>> 8;
    mask |= mask >>> 16;
    let j: number;
    do j = (next() & mask) >>> 0;
    while (j > i);
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
  return a;
}

export function numpyNormals(seed: number, count: number): Float64Array {
  const next = mt19937(seed);
  const double = () => ((next() >>> 5) * 67108864 + (next() >>> 6)) / 9007199254740992;
  const out = new Float64Array(count);
  for (let k = 0; k < count; k += 2) {
    let x1: number, x2: number, r2: number;
    do {
      x1 = 2 * double() - 1;
      x2 = 2 * double() - 1;
      r2 = x1 * x1 + x2 * x2;
    } while (r2 >= 1 || r2 === 0);
    const f = Math.sqrt((-2 * Math.log(r2)) / r2);
    out[k] = f * x2;
    if (k + 1 < count) out[k + 1] = f * x1;
  }
  return out;
}
