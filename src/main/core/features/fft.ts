import type { Kernel } from '../wasm/instance';
import { fftKernel, type FftExports } from '../wasm/fft';

/**
 * Complex DFTs of any length (radix-2 for powers of two, mixed radix for lengths made of 2, 3, 5
 * and 7 such as 1080, Bluestein's chirp-z otherwise) and the 2-D DFT of a real image, what
 * scipy.fftpack.fft2 gives, for MeasureImageQuality's power spectrum. The butterflies run in
 * WebAssembly (core/wasm/fft.c); the plans' twiddles are made here, with Math.cos and Math.sin,
 * and written into the kernel's memory in the layout fft.c reads.
 */

type K = Kernel<FftExports>;

/** an i32 record in the kernel's memory (plan headers hold pointers as i32 words) */
function record(k: K, words: number[]): number {
  const p = k.alloc(4 * words.length);
  k.i32(p, words.length).set(words);
  return p;
}

/**
 * Radix-2 plan: each stage's twiddles computed directly (not by repeated multiplication) to keep
 * round-off at 1 ulp; stage len's half at len/2 − 1.
 */
function radix2Plan(k: K, n: number, inverse: boolean): number {
  const tr = new Float64Array(Math.max(n - 1, 1)), ti = new Float64Array(Math.max(n - 1, 1));
  for (let len = 2; len <= n; len <<= 1) {
    const ang = ((inverse ? 2 : -2) * Math.PI) / len;
    const half = len >> 1;
    for (let j = 0; j < half; j++) {
      tr[half - 1 + j] = Math.cos(ang * j);
      ti[half - 1 + j] = Math.sin(ang * j);
    }
  }
  return record(k, [0, n, k.put(tr), k.put(ti)]);
}

/** smallest prime factor of n */
function factor(n: number): number {
  for (let p = 2; p * p <= n; p++) if (n % p === 0) return p;
  return n;
}

/**
 * Mixed-radix decimation in time for lengths whose prime factors are all ≤ 7: a radix-p pass per
 * factor, with direct twiddles (cos/sin of 2πk/n) so round-off stays near 1 ulp per pass.
 */
function mixedPlan(k: K, n: number): number {
  const factors: number[] = [];
  for (let m = n; m > 1; ) {
    const p = factor(m);
    factors.push(p);
    m /= p;
  }
  const cr = new Float64Array(n), ci = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    cr[j] = Math.cos((-2 * Math.PI * j) / n);
    ci[j] = Math.sin((-2 * Math.PI * j) / n);
  }
  // digit-reversed order of the input for the factor sequence
  const perm = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let x = i, r = 0, span = n;
    for (const p of factors) {
      span /= p;
      r += (x % p) * span;
      x = Math.floor(x / p);
    }
    perm[r] = i;
  }
  // each pass's factor, size, stride and butterfly weights w_p^(o·q) (as indexes into the n-point
  // twiddles, and their values)
  const pass: number[] = [];
  for (let f = factors.length - 1, len = 1; f >= 0; f--) {
    const p = factors[f];
    const size = len * p;
    const wq = new Int32Array(p * p);
    for (let o = 0; o < p; o++) for (let q = 0; q < p; q++) wq[o * p + q] = ((o * q) % p) * (n / p);
    pass.push(p, size, n / size, k.put(wq), k.put(Float64Array.from(wq, (t) => cr[t])), k.put(Float64Array.from(wq, (t) => ci[t])));
    len = size;
  }
  return record(k, [1, n, factors.length, k.put(perm), k.put(cr), k.put(ci), record(k, pass.length ? pass : [0])]);
}

/** Bluestein's chirp-z for other lengths: chirp w_k = exp(−iπk²/n), k² mod 2n keeping the angle exact for large k */
function bluesteinPlan(k: K, n: number): number {
  let m = 1;
  while (m < 2 * n - 1) m <<= 1;
  const cr = new Float64Array(n), ci = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    const a = (Math.PI * ((j * j) % (2 * n))) / n;
    cr[j] = Math.cos(a);
    ci[j] = -Math.sin(a);
  }
  const br = new Float64Array(m), bi = new Float64Array(m);
  br[0] = cr[0];
  bi[0] = -ci[0];
  for (let j = 1; j < n; j++) {
    br[j] = br[m - j] = cr[j];
    bi[j] = bi[m - j] = -ci[j];
  }
  const forward = radix2Plan(k, m, false), inverse = radix2Plan(k, m, true);
  const pbr = k.put(br), pbi = k.put(bi);
  k.exports.dft1(forward, pbr, pbi);
  return record(k, [2, n, m, k.put(cr), k.put(ci), pbr, pbi, forward, inverse]);
}

/** a forward DFT plan of length n in the kernel's memory */
function dftPlan(k: K, n: number): number {
  if ((n & (n - 1)) === 0) return radix2Plan(k, n, false);
  let big = n;
  for (const p of [2, 3, 5, 7]) while (big % p === 0) big /= p;
  return big === 1 ? mixedPlan(k, n) : bluesteinPlan(k, n);
}

/**
 * The 2-D DFT of the real h×w image u/scale − shift at the columns `cols` only (two real rows per
 * complex row transform, then each column; the values are the full transform's), and the sums of
 * |F| (mag) and |F|² (pow) over the rings 2 … last − 1 of radius ⌊√r²⌋ + 1, where r² =
 * min(y², (h−1−y)²) + min(x², (w−1−x)²): rps' folded spectrum, each ring summed in raster order.
 */
export function ringSpectrum(u: Float64Array, w: number, h: number, scale: number, shift: number, cols: Int32Array, last: number): { mag: Float64Array; pow: Float64Array } {
  const k = fftKernel();
  k.reset();
  const rows = dftPlan(k, w), columns = dftPlan(k, h);
  const pu = k.put(u), pc = k.put(cols), pm = k.alloc(8 * last), pp = k.alloc(8 * last);
  k.exports.ring_spectrum(pu, w, h, scale, shift, rows, columns, pc, cols.length, last, pm, pp);
  return { mag: k.f64(pm, last).slice(), pow: k.f64(pp, last).slice() };
}
