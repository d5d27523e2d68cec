import { gaussianKernel, reflectIndex } from './filters';

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
 * (skimage crops so border pixels whose window leaves the image do not count). Because of that crop,
 * the boundary rule only matters along rows; the column pass never leaves the image.
 */
export function ssim(a: FloatImage, b: FloatImage, opts: SsimOptions = {}): number {
  return ssimMap(a, b, checkSsim(a, b, opts)).mean;
}

function checkSsim(a: FloatImage, b: FloatImage, opts: SsimOptions) {
  sameShape(a, b, 'ssim');
  const gaussian = opts.window === 'gaussian';
  const winSize = gaussian ? 2 * Math.floor(3.5 * 1.5 + 0.5) + 1 : (opts.winSize ?? 7);
  if (!gaussian && winSize % 2 !== 1) throw new Error(`ssim: window size ${winSize} must be odd`);
  if (a.width < winSize || a.height < winSize) throw new Error(`ssim: image ${a.width}×${a.height} is smaller than the ${winSize}×${winSize} window`);
  return { ...opts, dataRange: opts.dataRange ?? 255, winSize, gaussian };
}

/**
 * SSIM with its map also averaged inside masks (e.g. nuclei, cells): `masked[k]` is the mean of
 * skimage's SSIM map (structural_similarity(full=True)) over the pixels of masks[k] within the
 * same crop skimage averages over; null when a mask has no pixel there.
 */
export function ssimMasked(a: FloatImage, b: FloatImage, masks: Uint8Array[], opts: SsimOptions = {}): { ssim: number; masked: Array<number | null> } {
  const r = ssimMap(a, b, checkSsim(a, b, opts), masks);
  return { ssim: r.mean, masked: r.sums.map((v, k) => (r.counts[k] ? v / r.counts[k] : null)) };
}

interface MapSums {
  mean: number;
  sums: number[];
  counts: number[];
}

/** Adds one SSIM map value at pixel i to the mask sums (the hot loops call it only when masks are given). */
function addMasked(masks: Uint8Array[], sums: number[], counts: number[], i: number, v: number) {
  for (let k = 0; k < masks.length; k++)
    if (masks[k][i]) {
      sums[k] += v;
      counts[k]++;
    }
}

function ssimMap(a: FloatImage, b: FloatImage, opt: SsimOptions & { dataRange: number; winSize: number; gaussian: boolean }, masks: Uint8Array[] = []): MapSums {
  const { width: w, height: h } = a;
  const { dataRange, winSize, gaussian } = opt;
  const sigma = 1.5;
  const truncate = 3.5;
  const r = (winSize - 1) / 2;
  if (!gaussian) return ssimBox(a, b, winSize, dataRange, masks);
  const sums = masks.map(() => 0);
  const counts = masks.map(() => 0);
  // normalised 1-D weights: the box (1/size each) or scipy's Gaussian
  const kernel = gaussian ? gaussianKernel(sigma, truncate) : new Float64Array(winSize).fill(1 / winSize);
  const x = a.data;
  const y = b.data;
  // Pass 1 — along rows, the five smoothed quantities x, y, x², y², xy ('reflect' boundary),
  // with the products formed on the fly instead of as images.
  const hx = new Float64Array(w * h);
  const hy = new Float64Array(w * h);
  const hxx = new Float64Array(w * h);
  const hyy = new Float64Array(w * h);
  const hxy = new Float64Array(w * h);
  const idx = new Int32Array(w + 2 * r);
  for (let k = -r; k < w + r; k++) idx[k + r] = reflectIndex(k, w);
  for (let row = 0; row < h; row++) {
    const o = row * w;
    for (let c = 0; c < w; c++) {
      let sx = 0;
      let sy = 0;
      let sxx = 0;
      let syy = 0;
      let sxy = 0;
      for (let k = 0; k < winSize; k++) {
        const i = o + idx[c + k];
        const wk = kernel[k];
        const xv = x[i];
        const yv = y[i];
        sx += wk * xv;
        sy += wk * yv;
        sxx += wk * xv * xv;
        syy += wk * yv * yv;
        sxy += wk * xv * yv;
      }
      hx[o + c] = sx;
      hy[o + c] = sy;
      hxx[o + c] = sxx;
      hyy[o + c] = syy;
      hxy[o + c] = sxy;
    }
  }
  // Pass 2 — along columns, only for the rows and columns skimage keeps after cropping, and the
  // SSIM map summed directly (never stored).
  const np = winSize * winSize;
  // skimage: sample covariance (N/(N−1)) for the uniform window, population for the Gaussian one
  const covNorm = gaussian ? 1 : np / (np - 1);
  const c1 = (0.01 * dataRange) ** 2;
  const c2 = (0.03 * dataRange) ** 2;
  let sum = 0;
  for (let row = r; row < h - r; row++) {
    for (let c = r; c < w - r; c++) {
      let mx = 0;
      let my = 0;
      let mxx = 0;
      let myy = 0;
      let mxy = 0;
      for (let k = 0; k < winSize; k++) {
        // rows row−r..row+r are inside the image here: the crop keeps reflection out of pass 2
        const i = (row + k - r) * w + c;
        const wk = kernel[k];
        mx += wk * hx[i];
        my += wk * hy[i];
        mxx += wk * hxx[i];
        myy += wk * hyy[i];
        mxy += wk * hxy[i];
      }
      const vx = covNorm * (mxx - mx * mx);
      const vy = covNorm * (myy - my * my);
      const vxy = covNorm * (mxy - mx * my);
      const v = ((2 * mx * my + c1) * (2 * vxy + c2)) / ((mx * mx + my * my + c1) * (vx + vy + c2));
      sum += v;
      if (masks.length) addMasked(masks, sums, counts, row * w + c, v);
    }
  }
  return { mean: sum / ((h - 2 * r) * (w - 2 * r)), sums, counts };
}

/**
 * The uniform-window case with running sums (O(1) per pixel whatever the window): same numbers
 * as the weighted form to rounding. Only the columns and rows kept by skimage's crop are filtered,
 * so no window ever crosses the image border.
 */
function ssimBox(a: FloatImage, b: FloatImage, size: number, dataRange: number, masks: Uint8Array[]): MapSums {
  const sums = masks.map(() => 0);
  const counts = masks.map(() => 0);
  const { width: w, height: h } = a;
  const r = (size - 1) / 2;
  const x = a.data;
  const y = b.data;
  const n = w * h;
  const hx = new Float64Array(n);
  const hy = new Float64Array(n);
  const hxx = new Float64Array(n);
  const hyy = new Float64Array(n);
  const hxy = new Float64Array(n);
  for (let row = 0; row < h; row++) {
    const o = row * w;
    let sx = 0;
    let sy = 0;
    let sxx = 0;
    let syy = 0;
    let sxy = 0;
    for (let k = 0; k < size; k++) {
      const xv = x[o + k];
      const yv = y[o + k];
      sx += xv;
      sy += yv;
      sxx += xv * xv;
      syy += yv * yv;
      sxy += xv * yv;
    }
    for (let c = r; c < w - r; c++) {
      hx[o + c] = sx;
      hy[o + c] = sy;
      hxx[o + c] = sxx;
      hyy[o + c] = syy;
      hxy[o + c] = sxy;
      if (c + r + 1 >= w) break;
      const ia = o + c + r + 1;
      const ib = o + c - r;
      const xa = x[ia];
      const ya = y[ia];
      const xb = x[ib];
      const yb = y[ib];
      sx += xa - xb;
      sy += ya - yb;
      sxx += xa * xa - xb * xb;
      syy += ya * ya - yb * yb;
      sxy += xa * ya - xb * yb;
    }
  }
  const ax = new Float64Array(w);
  const ay = new Float64Array(w);
  const axx = new Float64Array(w);
  const ayy = new Float64Array(w);
  const axy = new Float64Array(w);
  for (let k = 0; k < size; k++) {
    const o = k * w;
    for (let c = r; c < w - r; c++) {
      ax[c] += hx[o + c];
      ay[c] += hy[o + c];
      axx[c] += hxx[o + c];
      ayy[c] += hyy[o + c];
      axy[c] += hxy[o + c];
    }
  }
  const np = size * size;
  const covNorm = np / (np - 1);
  const c1 = (0.01 * dataRange) ** 2;
  const c2 = (0.03 * dataRange) ** 2;
  let sum = 0;
  for (let row = r; row < h - r; row++) {
    for (let c = r; c < w - r; c++) {
      const mx = ax[c] / np;
      const my = ay[c] / np;
      const vx = covNorm * (axx[c] / np - mx * mx);
      const vy = covNorm * (ayy[c] / np - my * my);
      const vxy = covNorm * (axy[c] / np - mx * my);
      const v = ((2 * mx * my + c1) * (2 * vxy + c2)) / ((mx * mx + my * my + c1) * (vx + vy + c2));
      sum += v;
      if (masks.length) addMasked(masks, sums, counts, row * w + c, v);
    }
    if (row + r + 1 >= h) break;
    const oa = (row + r + 1) * w;
    const ob = (row - r) * w;
    for (let c = r; c < w - r; c++) {
      ax[c] += hx[oa + c] - hx[ob + c];
      ay[c] += hy[oa + c] - hy[ob + c];
      axx[c] += hxx[oa + c] - hxx[ob + c];
      ayy[c] += hyy[oa + c] - hyy[ob + c];
      axy[c] += hxy[oa + c] - hxy[ob + c];
    }
  }
  return { mean: sum / ((h - 2 * r) * (w - 2 * r)), sums, counts };
}

export function pixelMetrics(ref: FloatImage, pred: FloatImage, opts: SsimOptions = {}): PixelMetrics {
  const dataRange = opts.dataRange ?? 255;
  return { mse: mse(ref, pred), psnr: psnr(ref, pred, dataRange), ssim: ssim(ref, pred, opts) };
}
