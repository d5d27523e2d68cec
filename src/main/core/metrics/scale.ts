import type { Gray } from '../io/tiff';
import type { FloatImage } from './pixel';

/**
 * How a 16-bit (or 8-bit) image is brought to the papers' 0–255 scale before MSE/PSNR/SSIM.
 * Each image is scaled on its own — acquired and synthetic alike, as CellResDM normalises its
 * inputs and targets: clip at its `low`/`high` percentiles (numpy's linear interpolation), map that
 * range linearly onto [0, 255], keep the result as float (no rounding). 'minmax' is the same with
 * the 0th/100th percentiles. An image whose clip range is empty becomes all zeros.
 */
export interface ScaleRule {
  mode: 'percentile' | 'minmax';
  low: number;
  high: number;
}

export const DEFAULT_SCALE: ScaleRule = { mode: 'percentile', low: 0.5, high: 99.5 };

export function describeScale(rule: ScaleRule): string {
  return rule.mode === 'minmax'
    ? 'each image min–max scaled to 0–255 (float, no rounding)'
    : `each image clipped at its own ${rule.low}th/${rule.high}th percentiles and scaled linearly to 0–255 (float, no rounding)`;
}

/** Percentiles of an integer image by counting (exact, numpy 'linear' definition). */
export function percentiles(img: Gray, qs: number[]): number[] {
  const bins = img.bitDepth === 16 ? 65536 : 256;
  const hist = new Uint32Array(bins);
  const d = img.data;
  for (let i = 0; i < d.length; i++) hist[d[i]]++;
  const n = d.length;
  // value of the k-th smallest (0-based) from the cumulative histogram
  const cum = new Float64Array(bins);
  let c = 0;
  for (let v = 0; v < bins; v++) cum[v] = c += hist[v];
  const kth = (k: number): number => {
    let lo = 0;
    let hi = bins - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cum[mid] > k) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
  return qs.map((q) => {
    if (!(q >= 0 && q <= 100)) throw new Error(`percentile ${q} is outside [0, 100]`);
    const pos = (q / 100) * (n - 1);
    const k = Math.floor(pos);
    const f = pos - k;
    const a = kth(k);
    return f > 0 && k + 1 < n ? a + (kth(k + 1) - a) * f : a;
  });
}

export function to255(img: Gray, rule: ScaleRule = DEFAULT_SCALE): FloatImage {
  const [lo, hi] = rule.mode === 'minmax' ? percentiles(img, [0, 100]) : percentiles(img, [rule.low, rule.high]);
  const out = new Float64Array(img.data.length);
  if (hi > lo) {
    const span = hi - lo;
    const d = img.data;
    for (let i = 0; i < d.length; i++) {
      const v = d[i] < lo ? lo : d[i] > hi ? hi : d[i];
      out[i] = ((v - lo) * 255) / span;
    }
  }
  return { width: img.width, height: img.height, data: out };
}

/** Use pixel values as they are (an 8-bit image is already on 0–255). */
export function asFloat(img: Gray): FloatImage {
  return { width: img.width, height: img.height, data: Float64Array.from(img.data) };
}
