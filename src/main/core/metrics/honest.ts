import type { FloatImage, SsimOptions } from './pixel';
import { mse, ssimMasked } from './pixel';
import { pearson } from '../../../shared/stats';

/**
 * Honest pixel metrics (DESIGN.md §7): whole-image SSIM on sparse stains is mostly background,
 * so every score sits beside the same score of a baseline that knows nothing of the site — a
 * constant image at the channel's median level over the plate's other sites — with a skill score
 * against it, and SSIM / Pearson r are also taken inside nuclei and inside cells.
 */

/** Skill of a score over a baseline: 1 = perfect, 0 = no better than the baseline, < 0 worse. */
export function skillScore(score: number, baseline: number, perfect: number): number | null {
  if (!Number.isFinite(score) || !Number.isFinite(baseline) || baseline === perfect) return null;
  return (score - baseline) / (perfect - baseline);
}

/** Median of a float image's values (the per-site level the baseline is built from). */
export function imageMedian(img: FloatImage): number {
  const v = Float64Array.from(img.data).sort();
  const n = v.length;
  return n % 2 ? v[(n - 1) / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/** Leave-one-out levels: for each site, the median of the other sites' medians (null with one site). */
export function leaveOneOutLevels(medians: number[]): Array<number | null> {
  return medians.map((_, i) => {
    const others = medians.filter((_, j) => j !== i).sort((a, b) => a - b);
    const n = others.length;
    if (!n) return null;
    return n % 2 ? others[(n - 1) / 2] : (others[n / 2 - 1] + others[n / 2]) / 2;
  });
}

export const constantImage = (width: number, height: number, level: number): FloatImage => ({ width, height, data: new Float64Array(width * height).fill(level) });

/** Pearson r over the pixels of a mask (NaN with fewer than 2 pixels or no variance). */
export function pearsonMasked(a: FloatImage, b: FloatImage, mask: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < mask.length; i++) if (mask[i]) n++;
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  for (let i = 0, k = 0; i < mask.length; i++)
    if (mask[i]) {
      x[k] = a.data[i];
      y[k++] = b.data[i];
    }
  return pearson(x, y);
}

export interface ObjectMasks {
  nuclei: Uint8Array;
  cells: Uint8Array;
}

export interface HonestSite {
  mse: number;
  ssim: number;
  r: number;
  baselineMse: number | null;
  baselineSsim: number | null;
  /** inside nuclei / cells (null without masks) */
  ssimNuclei: number | null;
  ssimCells: number | null;
  rNuclei: number | null;
  rCells: number | null;
  baselineSsimNuclei: number | null;
  baselineSsimCells: number | null;
}

const orNull = (v: number | null | undefined) => (v === null || v === undefined || !Number.isFinite(v) ? null : v);

/** One site and channel: prediction and baseline against the reference, whole image and inside objects. */
export function honestSite(ref: FloatImage, pred: FloatImage, level: number | null, masks: ObjectMasks | null, opts: SsimOptions): HonestSite {
  const m = masks ? [masks.nuclei, masks.cells] : [];
  const p = ssimMasked(ref, pred, m, opts);
  const base = level === null ? null : constantImage(ref.width, ref.height, level);
  const b = base ? ssimMasked(ref, base, m, opts) : null;
  return {
    mse: mse(ref, pred),
    ssim: p.ssim,
    r: pearson(ref.data, pred.data),
    baselineMse: base ? mse(ref, base) : null,
    baselineSsim: b ? b.ssim : null,
    ssimNuclei: masks ? orNull(p.masked[0]) : null,
    ssimCells: masks ? orNull(p.masked[1]) : null,
    rNuclei: masks ? orNull(pearsonMasked(ref, pred, masks.nuclei)) : null,
    rCells: masks ? orNull(pearsonMasked(ref, pred, masks.cells)) : null,
    baselineSsimNuclei: b && masks ? orNull(b.masked[0]) : null,
    baselineSsimCells: b && masks ? orNull(b.masked[1]) : null,
  };
}
