import { segmentFiltersKernel } from '../wasm/segmentFilters';

/** Normalised Gaussian taps, float32-rounded then widened (the weights the sums use). */
function gaussianTaps(sigma: number): Float64Array {
  const r = Math.max(1, Math.ceil(3 * sigma));
  const k = new Float32Array(2 * r + 1);
  let s = 0;
  for (let i = -r; i <= r; i++) s += k[i + r] = Math.exp((-i * i) / (2 * sigma * sigma));
  for (let i = 0; i < k.length; i++) k[i] /= s;
  return Float64Array.from(k);
}

/**
 * Separable Gaussian blur (sigma in pixels, kernel ±3σ, edges mirrored). Each output pixel is
 * the sum of its taps in kernel order, in doubles, then rounded to float32, horizontally then
 * vertically: segmentFilters.c's gaussian_blur (WebAssembly), which keeps the horizontal rows in
 * a ring of the 2r + 1 an output row reads, so the intermediate image never leaves the cache.
 */
export function gaussianBlur(src: Float32Array, width: number, height: number, sigma: number): Float32Array {
  if (sigma <= 0) return Float32Array.from(src);
  const taps = gaussianTaps(sigma);
  const n = width * height;
  const k = segmentFiltersKernel();
  k.reset();
  const s = k.alloc(4 * n), t = k.put(taps), o = k.alloc(4 * n);
  new Float32Array(k.exports.memory.buffer, s, n).set(src.subarray(0, n));
  k.exports.gaussian_blur(s, width, height, t, (taps.length - 1) >> 1, o);
  return new Float32Array(k.exports.memory.buffer, o, n).slice();
}

/**
 * Square maximum filter of half-width r (separable, edges clipped): segmentFilters.c's max_filter
 * (WebAssembly). Rows by van Herk / Gil–Werman (about 3 comparisons per value whatever r); columns
 * along whole rows, by van Herk over blocks of 2r + 1 rows.
 */
export function maxFilter(src: Float32Array, width: number, height: number, r: number): Float32Array {
  const n = width * height;
  const k = segmentFiltersKernel();
  k.reset();
  const s = k.alloc(4 * n), o = k.alloc(4 * n);
  new Float32Array(k.exports.memory.buffer, s, n).set(src.subarray(0, n));
  k.exports.max_filter(s, width, height, r, o);
  return new Float32Array(k.exports.memory.buffer, o, n).slice();
}
