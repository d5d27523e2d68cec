/**
 * Window helpers for SSIM, following scipy.ndimage (which scikit-image's SSIM smooths with).
 */

/** Index of position i (may be outside [0,n)) under scipy's 'reflect' rule (d c b a | a b c d | d c b a). */
export function reflectIndex(i: number, n: number): number {
  if (n === 1) return 0;
  const period = 2 * n;
  let j = i % period;
  if (j < 0) j += period;
  return j < n ? j : period - 1 - j;
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
