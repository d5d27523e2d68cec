import { gaussianKernel, reflectIndex } from '../metrics/filters';

/**
 * scipy.ndimage.gaussian_filter of a 2-D float image (truncate 4): one correlate1d along y, then
 * along x, each summing the centre weight then the symmetric pairs as scipy does. Mode 'reflect'
 * (d c b a | a b c d, scipy's default) or 'constant' (0 outside).
 */
export function gaussianFilter(img: Float64Array, w: number, h: number, sigma: number, mode: 'reflect' | 'constant'): Float64Array {
  const k = gaussianKernel(sigma);
  return alongX(alongY(img, w, h, k, mode), w, h, k, mode);
}

/**
 * The filter along y, a whole row at a time (rows are contiguous, columns are not); each output
 * still sums centre, then pair 1, 2, … in scipy's order, so the values are the same bits.
 */
function alongY(src: Float64Array, w: number, h: number, k: Float64Array, mode: 'reflect' | 'constant'): Float64Array {
  const r = (k.length - 1) >> 1;
  const out = new Float64Array(src.length);
  // a row of zeros stands for the rows outside the image in constant mode
  const zero = new Float64Array(w);
  const row = (i: number) => (i >= 0 && i < h ? src.subarray(i * w, i * w + w) : mode === 'constant' ? zero : src.subarray(reflectIndex(i, h) * w, reflectIndex(i, h) * w + w));
  for (let y = 0; y < h; y++) {
    const o = y * w;
    const c = k[r];
    for (let x = 0; x < w; x++) out[o + x] = src[o + x] * c;
    for (let j = 1; j <= r; j++) {
      const a = row(y - j), b = row(y + j), kj = k[r + j];
      for (let x = 0; x < w; x++) out[o + x] += (a[x] + b[x]) * kj;
    }
  }
  return out;
}

function alongX(src: Float64Array, w: number, h: number, k: Float64Array, mode: 'reflect' | 'constant'): Float64Array {
  const r = (k.length - 1) >> 1;
  const out = new Float64Array(src.length);
  const line = new Float64Array(w + 2 * r);
  for (let y = 0; y < h; y++) {
    const o = y * w;
    line.set(src.subarray(o, o + w), r);
    for (let i = 1; i <= r; i++) {
      line[r - i] = mode === 'constant' ? 0 : src[o + reflectIndex(-i, w)];
      line[r + w - 1 + i] = mode === 'constant' ? 0 : src[o + reflectIndex(w - 1 + i, w)];
    }
    for (let i = 0; i < w; i++) {
      let t = line[i + r] * k[r];
      for (let j = 1; j <= r; j++) t += (line[i + r - j] + line[i + r + j]) * k[r + j];
      out[o + i] = t;
    }
  }
  return out;
}

/**
 * gaussianFilter of an image of ones in constant mode (the weight that stays inside the image,
 * by which CellProfiler normalises its smoothing at the border), the same bits: the pass along y
 * gives one value per row, so each distinct row value is filtered along x once.
 */
export function gaussianOnes(w: number, h: number, sigma: number): Float64Array {
  const k = gaussianKernel(sigma);
  const col = alongY(new Float64Array(h).fill(1), 1, h, k, 'constant');
  const out = new Float64Array(w * h);
  const done = new Map<number, number>();
  for (let y = 0; y < h; y++) {
    const seen = done.get(col[y]);
    if (seen !== undefined) {
      out.copyWithin(y * w, seen * w, seen * w + w);
      continue;
    }
    out.set(alongX(new Float64Array(w).fill(col[y]), w, 1, k, 'constant'), y * w);
    done.set(col[y], y);
  }
  return out;
}
