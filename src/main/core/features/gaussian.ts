import { gaussianKernel, reflectIndex } from '../metrics/filters';

/**
 * scipy.ndimage.gaussian_filter of a 2-D float image (truncate 4): one correlate1d along y, then
 * along x, each summing the centre weight then the symmetric pairs as scipy does. Mode 'reflect'
 * (d c b a | a b c d, scipy's default) or 'constant' (0 outside).
 */
export function gaussianFilter(img: Float64Array, w: number, h: number, sigma: number, mode: 'reflect' | 'constant'): Float64Array {
  const k = gaussianKernel(sigma);
  const r = (k.length - 1) >> 1;
  const pass = (src: Float64Array, n: number, lines: number, at: (line: number, i: number) => number) => {
    const out = new Float64Array(src.length);
    const line = new Float64Array(n + 2 * r);
    for (let l = 0; l < lines; l++) {
      for (let i = -r; i < n + r; i++) line[i + r] = i >= 0 && i < n ? src[at(l, i)] : mode === 'constant' ? 0 : src[at(l, reflectIndex(i, n))];
      for (let i = 0; i < n; i++) {
        let t = line[i + r] * k[r];
        for (let j = 1; j <= r; j++) t += (line[i + r - j] + line[i + r + j]) * k[r + j];
        out[at(l, i)] = t;
      }
    }
    return out;
  };
  const alongY = pass(img, h, w, (x, y) => y * w + x);
  return pass(alongY, w, h, (y, x) => y * w + x);
}
