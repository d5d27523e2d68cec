/**
 * Periodic noise textures, made once per process and shared by every site. A site reads them at
 * its own seeded offsets (wrapping), which costs a lookup per pixel instead of several blurs per
 * site, and keeps output deterministic because the tables themselves are fixed.
 */
import { Rng } from './prng';
import { standardise } from './filters';

export const TEX_SIZE = 1024;
const MASK = TEX_SIZE - 1;

/** Box blur with wrap-around edges (periodic), in place. */
function boxWrap(a: Float32Array, n: number, r: number): void {
  const tmp = new Float32Array(n * n);
  const norm = 1 / (2 * r + 1);
  for (let pass = 0; pass < 2; pass++) {
    for (let y = 0; y < n; y++) {
      const row = y * n;
      let acc = 0;
      for (let k = -r; k <= r; k++) acc += a[row + ((k + n) & MASK)];
      for (let x = 0; x < n; x++) {
        tmp[row + x] = acc * norm;
        acc += a[row + ((x + r + 1) & MASK)] - a[row + ((x - r + n) & MASK)];
      }
    }
    // transpose back while blurring columns
    for (let x = 0; x < n; x++) {
      let acc = 0;
      for (let k = -r; k <= r; k++) acc += tmp[((k + n) & MASK) * n + x];
      for (let y = 0; y < n; y++) {
        a[y * n + x] = acc * norm;
        acc += tmp[((y + r + 1) & MASK) * n + x] - tmp[((y - r + n) & MASK) * n + x];
      }
    }
  }
}

function gaussWrap(white: Float32Array, sigma: number): Float32Array {
  const a = new Float32Array(white);
  if (sigma < 0.3) return a;
  const r = Math.max(1, Math.round((Math.sqrt(4 * sigma * sigma + 1) - 1) / 2));
  // two passes of `boxWrap` (each already two box passes) ≈ Gaussian
  boxWrap(a, TEX_SIZE, r);
  return a;
}

function band(seed: number, fine: number, coarse: number): Float32Array {
  const r = new Rng(seed);
  const white = new Float32Array(TEX_SIZE * TEX_SIZE);
  for (let i = 0; i < white.length; i++) white[i] = r.next() - 0.5;
  const a = gaussWrap(white, fine);
  if (coarse > 0) {
    const b = gaussWrap(white, coarse);
    for (let i = 0; i < a.length; i++) a[i] -= b[i];
  }
  return standardise(a);
}

export interface Textures {
  /** band-pass ≈ 1–3 px: chromatin, mitochondria, granules */
  bandFine: Float32Array;
  /** band-pass ≈ 1.5–4 px: ER reticulum */
  bandMid: Float32Array;
  /** low-pass ≈ 1 px: per-pixel variation */
  fine: Float32Array;
  /** low-pass ≈ 3 px: masks breaking filaments into segments */
  smooth3: Float32Array;
  /** low-pass ≈ 5 px: wobble of stress fibres */
  smooth5: Float32Array;
}

let cached: Textures | null = null;

export function textures(): Textures {
  cached ??= {
    bandFine: band(101, 0.8, 2.4),
    bandMid: band(202, 1.2, 3.2),
    fine: band(303, 0.8, 0),
    smooth3: band(404, 2.6, 0),
    smooth5: band(505, 4.5, 0),
  };
  return cached;
}
