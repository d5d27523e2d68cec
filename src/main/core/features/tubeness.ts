import { gaussianFilter } from './gaussian';

/**
 * EnhanceOrSuppressFeatures (Enhance → Neurites → Tubeness, smoothing scale σ, rescaled) as
 * CellProfiler 4.2.8 computes it for JUMP's mito_tubeness: scipy's Gaussian (reflect), centrosome's
 * Hessian by finite differences (rows/columns on the border left 0 for the terms that need them),
 * the eigenvalue of larger magnitude where it is negative (bright ridges), times σ², then
 * scikit-image's rescale_intensity of the image's min..max to 0..1.
 */
export function tubeness(u: Float64Array, w: number, h: number, sigma = 1): Float64Array {
  const s = gaussianFilter(u, w, h, sigma, 'reflect');
  const out = new Float64Array(w * h);
  let min = Infinity, max = -Infinity;
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      const inY = y > 0 && y < h - 1, inX = x > 0 && x < w - 1;
      const A = inY ? s[i - w] - 2 * s[i] + s[i + w] : 0;
      const B = inY && inX ? (s[i + w + 1] + s[i - w - 1] - s[i + w - 1] - s[i - w + 1]) / 4 : 0;
      const C = inX ? s[i - 1] - 2 * s[i] + s[i + 1] : 0;
      const b = -(A + C), c = A * C - B * B;
      const root = Math.sqrt(b * b - 4 * c);
      const l0 = (-b + root) / 2, l1 = (-b - root) / 2;
      const l = Math.abs(l1) > Math.abs(l0) ? l1 : l0;
      const v = l < 0 ? -l * sigma * sigma : 0;
      out[i] = v;
      if (v < min) min = v;
      if (v > max) max = v;
    }
  if (max > min) for (let i = 0; i < out.length; i++) out[i] = (out[i] - min) / (max - min);
  else out.fill(Math.min(Math.max(min, 0), 1));
  return out;
}
