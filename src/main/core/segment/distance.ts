import { segmentDistanceKernel } from '../wasm/segmentDistance';

/** the mask in a reset kernel's memory */
function maskIn(inside: Uint8Array): number {
  const k = segmentDistanceKernel();
  k.reset();
  const p = k.alloc(inside.length);
  new Uint8Array(k.exports.memory.buffer, p, inside.length).set(inside);
  return p;
}

/**
 * Exact squared Euclidean distance transform (Felzenszwalb & Huttenlocher 2012): for every
 * pixel, the squared distance to the nearest pixel where `inside` is 0. Two 1-D passes of the
 * lower envelope of parabolas; O(n). Pixels outside the image count as inside (no border effect)
 * unless `borderIsOutside`, in which case the image is surrounded by background.
 *
 * The loops are segmentDistance.c's (WebAssembly). Columns with a 0 (or the border counting as
 * one) get the squared distance to the nearest 0 exactly (an integer) from a count down and a
 * count up along whole rows; a column with no 0 goes through the envelope. In the rows, a 0 at p
 * is nearer to every pixel beyond it than any sample behind it, so the runs between 0s are
 * independent: each gets the envelope of its own samples and the 0s around it, and the 0s stay 0.
 * That gives the values of one envelope a row when the column values are integers < h² small
 * enough for the envelope to be exact (distinct breakpoints then differ by ≥ 1/(4(m+1)²), far
 * above the rounding of s); a column without a 0 (INF) makes it take whole rows.
 */
export function squaredDistanceTransform(inside: Uint8Array, width: number, height: number, borderIsOutside = false): Float64Array {
  const k = segmentDistanceKernel();
  const m = maskIn(inside.subarray(0, width * height));
  const d = k.alloc(8 * width * height);
  k.exports.squared_distance(m, width, height, borderIsOutside ? 1 : 0, d);
  return k.f64(d, width * height).slice();
}

/** Euclidean distance to the nearest 0 of `inside` (scipy.ndimage.distance_transform_edt semantics). */
export function distanceTransform(inside: Uint8Array, width: number, height: number, borderIsOutside = false): Float32Array {
  const k = segmentDistanceKernel();
  const n = width * height;
  const m = maskIn(inside.subarray(0, n));
  const o = k.alloc(4 * n);
  k.exports.distance_f32(m, width, height, borderIsOutside ? 1 : 0, o);
  return new Float32Array(k.exports.memory.buffer, o, n).slice();
}
