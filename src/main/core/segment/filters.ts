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
 * Running maximum of window 2r + 1 along one row of `len` values, edges clipped (as if padded
 * with −∞): van Herk / Gil–Werman, about 3 comparisons per value whatever r. `g` and `hh` hold
 * len + 2r values.
 */
function rowMax(src: Float32Array, dst: Float32Array, o: number, len: number, r: number, g: Float32Array, hh: Float32Array): void {
  const k = 2 * r + 1, m = len + 2 * r;
  g.fill(-Infinity, 0, m);
  g.set(src.subarray(o, o + len), r);
  hh.set(g.subarray(0, m));
  // padded index t ↔ value t − r; maxima from each block's start (g) and to its end (hh)
  for (let b = 0; b < m; b += k) {
    const e = Math.min(m, b + k);
    for (let t = b + 1; t < e; t++) if (g[t - 1] > g[t]) g[t] = g[t - 1];
    for (let t = e - 2; t >= b; t--) if (hh[t + 1] > hh[t]) hh[t] = hh[t + 1];
  }
  // window of value x is padded [x, x + 2r]
  for (let x = 0; x < len; x++) dst[o + x] = hh[x] > g[x + k - 1] ? hh[x] : g[x + k - 1];
}

/** Square maximum filter of half-width r (separable, edges clipped). */
export function maxFilter(src: Float32Array, width: number, height: number, r: number): Float32Array {
  const tmp = new Float32Array(src.length);
  const out = new Float32Array(src.length);
  const g = new Float32Array(width + 2 * r), hh = new Float32Array(width + 2 * r);
  for (let y = 0; y < height; y++) rowMax(src, tmp, y * width, width, r, g, hh);
  // columns, along whole rows: van Herk over blocks of k rows (running maxima from each
  // block's first row, g, and to its last, hh); a full window spans the end of one block and
  // the start of the next. Clipped windows (the r rows at either edge) take their rows directly.
  const k = 2 * r + 1;
  const gr = new Float32Array(src.length), hr = new Float32Array(src.length);
  for (let b = 0; b < height; b += k) {
    const e = Math.min(height, b + k);
    gr.set(tmp.subarray(b * width, (b + 1) * width), b * width);
    for (let t = b + 1; t < e; t++)
      for (let x = 0, o = t * width; x < width; x++, o++) {
        const v = tmp[o], u = gr[o - width];
        gr[o] = v > u ? v : u;
      }
    hr.set(tmp.subarray((e - 1) * width, e * width), (e - 1) * width);
    for (let t = e - 2; t >= b; t--)
      for (let x = 0, o = t * width; x < width; x++, o++) {
        const v = tmp[o], u = hr[o + width];
        hr[o] = v > u ? v : u;
      }
  }
  for (let y = 0; y < height; y++) {
    const o = y * width;
    if (y >= r && y + r < height) {
      const a = (y - r) * width, c = (y + r) * width;
      for (let x = 0; x < width; x++) out[o + x] = hr[a + x] > gr[c + x] ? hr[a + x] : gr[c + x];
      continue;
    }
    const lo = Math.max(0, y - r) * width, hi = Math.min(height - 1, y + r) * width;
    for (let x = 0; x < width; x++) {
      let m = tmp[lo + x];
      for (let q = lo + width + x; q <= hi + x; q += width) if (tmp[q] > m) m = tmp[q];
      out[o + x] = m;
    }
  }
  return out;
}
