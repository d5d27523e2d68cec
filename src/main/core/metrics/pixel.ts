import { uniformFilter, separableFilter, gaussianKernel } from './filters';

/** A single-channel image as float values (already on the 0–255 scale for the papers' metrics). */
export interface FloatImage {
  width: number;
  height: number;
  data: Float64Array;
}

export interface SsimOptions {
  /** data range of the images (255 for the papers' 0–255 convention) */
  dataRange?: number;
  /** 'uniform': 7×7 box, sample covariance (skimage defaults); 'gaussian': σ 1.5, population covariance */
  window?: 'uniform' | 'gaussian';
  /** odd window side for the uniform window (default 7) */
  winSize?: number;
}

export interface PixelMetrics {
  mse: number;
  /** +Infinity when the images are identical (as skimage) */
  psnr: number;
  ssim: number;
}

function sameShape(a: FloatImage, b: FloatImage, what: string): void {
  if (a.width !== b.width || a.height !== b.height)
    throw new Error(`${what}: images differ in size (${a.width}×${a.height} vs ${b.width}×${b.height})`);
}

/** skimage.metrics.mean_squared_error */
export function mse(a: FloatImage, b: FloatImage): number {
  sameShape(a, b, 'mse');
  let s = 0;
  const x = a.data;
  const y = b.data;
  for (let i = 0; i < x.length; i++) {
    const d = x[i] - y[i];
    s += d * d;
  }
  return s / x.length;
}

/** skimage.metrics.peak_signal_noise_ratio with an explicit data_range. */
export function psnr(ref: FloatImage, pred: FloatImage, dataRange = 255): number {
  const e = mse(ref, pred);
  return 10 * Math.log10((dataRange * dataRange) / e);
}

/**
 * skimage.metrics.structural_similarity for 2-D grey images: local means, variances and covariance
 * from a sliding window, the SSIM map, then its mean over the map cropped by (win−1)/2 on each side
 * (skimage crops so border pixels whose window leaves the image do not count).
 */
export function ssim(a: FloatImage, b: FloatImage, opts: SsimOptions = {}): number {
  sameShape(a, b, 'ssim');
  const { width: w, height: h } = a;
  const dataRange = opts.dataRange ?? 255;
  const gaussian = opts.window === 'gaussian';
  const sigma = 1.5;
  const truncate = 3.5;
  const winSize = gaussian ? 2 * Math.floor(truncate * sigma + 0.5) + 1 : (opts.winSize ?? 7);
  if (!gaussian && winSize % 2 !== 1) throw new Error(`ssim: window size ${winSize} must be odd`);
  if (w < winSize || h < winSize) throw new Error(`ssim: image ${w}×${h} is smaller than the ${winSize}×${winSize} window`);
  const kernel = gaussian ? gaussianKernel(sigma, truncate) : null;
  const filt = (img: Float64Array) => (kernel ? separableFilter(img, w, h, kernel) : uniformFilter(img, w, h, winSize));
  const n = w * h;
  const x = a.data;
  const y = b.data;
  const xx = new Float64Array(n);
  const yy = new Float64Array(n);
  const xy = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    xx[i] = x[i] * x[i];
    yy[i] = y[i] * y[i];
    xy[i] = x[i] * y[i];
  }
  const ux = filt(x);
  const uy = filt(y);
  const uxx = filt(xx);
  const uyy = filt(yy);
  const uxy = filt(xy);
  // skimage: sample covariance (N/(N−1)) for the uniform window, population for the Gaussian one
  const np = winSize * winSize;
  const covNorm = gaussian ? 1 : np / (np - 1);
  const c1 = (0.01 * dataRange) ** 2;
  const c2 = (0.03 * dataRange) ** 2;
  const pad = (winSize - 1) / 2;
  let sum = 0;
  for (let r = pad; r < h - pad; r++) {
    for (let c = pad; c < w - pad; c++) {
      const i = r * w + c;
      const mx = ux[i];
      const my = uy[i];
      const vx = covNorm * (uxx[i] - mx * mx);
      const vy = covNorm * (uyy[i] - my * my);
      const vxy = covNorm * (uxy[i] - mx * my);
      const num = (2 * mx * my + c1) * (2 * vxy + c2);
      const den = (mx * mx + my * my + c1) * (vx + vy + c2);
      sum += num / den;
    }
  }
  return sum / ((h - 2 * pad) * (w - 2 * pad));
}

export function pixelMetrics(ref: FloatImage, pred: FloatImage, opts: SsimOptions = {}): PixelMetrics {
  const dataRange = opts.dataRange ?? 255;
  return { mse: mse(ref, pred), psnr: psnr(ref, pred, dataRange), ssim: ssim(ref, pred, opts) };
}
