/**
 * Separable smoothing filters over Float64Array images, with scipy.ndimage's default 'reflect'
 * boundary (half-sample symmetric: d c b a | a b c d | d c b a), because scikit-image's SSIM
 * smooths with scipy and our numbers must equal it.
 */

/** Index of position i (may be outside [0,n)) under half-sample symmetric reflection. */
export function reflectIndex(i: number, n: number): number {
  if (n === 1) return 0;
  const period = 2 * n;
  let j = i % period;
  if (j < 0) j += period;
  return j < n ? j : period - 1 - j;
}

/**
 * Mean over a size×size window centred on each pixel (size odd), as scipy.ndimage.uniform_filter.
 * Running sums along rows, then along columns: O(pixels) whatever the window.
 */
export function uniformFilter(src: Float64Array, width: number, height: number, size: number): Float64Array {
  if (size % 2 !== 1) throw new Error(`uniformFilter: window size ${size} must be odd`);
  const r = (size - 1) / 2;
  const tmp = new Float64Array(src.length);
  const out = new Float64Array(src.length);
  const line = new Float64Array(Math.max(width, height) + 2 * r);
  // rows
  for (let y = 0; y < height; y++) {
    const o = y * width;
    for (let k = -r; k < width + r; k++) line[k + r] = src[o + reflectIndex(k, width)];
    runningMean(line, width, size, tmp, o, 1);
  }
  // columns: a running sum of whole rows, so memory is read row by row (cache-friendly)
  const acc = new Float64Array(width);
  for (let k = -r; k <= r; k++) {
    const o = reflectIndex(k, height) * width;
    for (let x = 0; x < width; x++) acc[x] += tmp[o + x];
  }
  for (let y = 0; y < height; y++) {
    const o = y * width;
    for (let x = 0; x < width; x++) out[o + x] = acc[x] / size;
    if (y + 1 === height) break;
    const add = reflectIndex(y + r + 1, height) * width;
    const sub = reflectIndex(y - r, height) * width;
    for (let x = 0; x < width; x++) acc[x] += tmp[add + x] - tmp[sub + x];
  }
  return out;
}

/** out[o + i*stride] = mean(line[i .. i+size-1]) for i in [0, n). */
function runningMean(line: Float64Array, n: number, size: number, out: Float64Array, o: number, stride: number): void {
  let s = 0;
  for (let k = 0; k < size; k++) s += line[k];
  out[o] = s / size;
  for (let i = 1; i < n; i++) {
    s += line[i + size - 1] - line[i - 1];
    out[o + i * stride] = s / size;
  }
}

/** Normalised 1-D Gaussian weights as scipy.ndimage.gaussian_filter1d: radius = int(truncate·σ + 0.5). */
export function gaussianKernel(sigma: number, truncate = 4): Float64Array {
  const r = Math.floor(truncate * sigma + 0.5);
  const w = new Float64Array(2 * r + 1);
  let sum = 0;
  for (let k = -r; k <= r; k++) sum += w[k + r] = Math.exp((-0.5 * k * k) / (sigma * sigma));
  for (let k = 0; k < w.length; k++) w[k] /= sum;
  return w;
}

/** Correlate rows then columns with a symmetric odd-length kernel, 'reflect' boundary. */
export function separableFilter(src: Float64Array, width: number, height: number, kernel: Float64Array): Float64Array {
  const r = (kernel.length - 1) / 2;
  const tmp = new Float64Array(src.length);
  const out = new Float64Array(src.length);
  const line = new Float64Array(Math.max(width, height) + 2 * r);
  for (let y = 0; y < height; y++) {
    const o = y * width;
    for (let k = -r; k < width + r; k++) line[k + r] = src[o + reflectIndex(k, width)];
    for (let x = 0; x < width; x++) {
      let s = 0;
      for (let k = 0; k < kernel.length; k++) s += kernel[k] * line[x + k];
      tmp[o + x] = s;
    }
  }
  // columns: weighted sums of whole rows (cache-friendly)
  for (let y = 0; y < height; y++) {
    const o = y * width;
    for (let k = 0; k < kernel.length; k++) {
      const wk = kernel[k];
      const src = reflectIndex(y + k - r, height) * width;
      for (let x = 0; x < width; x++) out[o + x] += wk * tmp[src + x];
    }
  }
  return out;
}
