import type { Gray } from '../io/tiff';
import type { ModelManifest } from '../../../shared/manifest';
import { statLabel, type DomainCheck, type DomainReason, type StatRange, type TrainingConditions } from '../../../shared/domain';
import { percentiles, normalizePlane } from './normalize';
import { resizeBilinear, resampledSize } from './resample';

/** channel → statistic → value, for one site (key "stack" for the cross-plane statistics) */
export type SiteStats = Record<string, Record<string, number>>;

/**
 * Statistics of one site's input planes, taken on what the model sees — each plane clipped at the
 * manifest's percentiles, scaled to [0, 1] and resampled to the model's pixel size — plus the raw
 * intensity level and contrast that normalisation hides. Focus (variance of the 4-neighbour
 * Laplacian) and texture (mean gradient magnitude) depend on the optics and the sampling; the
 * normalised quantiles on the histogram's shape (phase contrast: dark cells with bright halos;
 * brightfield: faint cells on a flat field).
 */
export function siteStats(inputs: Gray[], m: ModelManifest, pixelSizeUm: number | null | undefined, channels: readonly string[] = m.inputs): SiteStats {
  const { width, height } = inputs[0];
  const t = resampledSize(width, height, pixelSizeUm, m.pixelSizeUm);
  const out: SiteStats = {};
  const planes: Float32Array[] = [];
  inputs.forEach((g, c) => {
    const full = 2 ** g.bitDepth - 1;
    const [p0, p50, p100] = percentiles(g.data, [m.normalization.percentileLow, 50, m.normalization.percentileHigh]);
    const plane = resizeBilinear(normalizePlane(g.data, { low: p0, high: p100 }, [0, 1]) as Float32Array, width, height, t.width, t.height);
    planes.push(plane);
    const [q10, q50, q90] = percentiles(plane, [10, 50, 90]);
    out[channels[c]] = { intensity: p50 / full, contrast: p100 + p0 > 0 ? (p100 - p0) / (p100 + p0) : 0, q10, q50, q90, ...focusTexture(plane, t.width, t.height) };
  });
  // z-stack structure, by plane names (manifests order their inputs differently)
  if (planes.length > 1) {
    out.stack = {};
    for (let i = 0; i < planes.length; i++) for (let j = i + 1; j < planes.length; j++) out.stack[`r(${channels[i]},${channels[j]})`] = pearson(planes[i], planes[j]);
  }
  return out;
}

function focusTexture(p: Float32Array, w: number, h: number): { focus: number; texture: number } {
  let s = 0, s2 = 0, g = 0, n = 0;
  for (let y = 1; y < h - 1; y++)
    for (let x = 1; x < w - 1; x++) {
      const i = y * w + x;
      const v = p[i];
      const lap = p[i - 1] + p[i + 1] + p[i - w] + p[i + w] - 4 * v;
      s += lap;
      s2 += lap * lap;
      const dx = (p[i + 1] - p[i - 1]) / 2;
      const dy = (p[i + w] - p[i - w]) / 2;
      g += Math.sqrt(dx * dx + dy * dy);
      n++;
    }
  if (!n) return { focus: 0, texture: 0 };
  const mean = s / n;
  return { focus: s2 / n - mean * mean, texture: g / n };
}

function pearson(a: Float32Array, b: Float32Array): number {
  let sa = 0, sb = 0;
  for (let i = 0; i < a.length; i++) (sa += a[i]), (sb += b[i]);
  const ma = sa / a.length, mb = sb / b.length;
  let ab = 0, aa = 0, bb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] - ma, y = b[i] - mb;
    ab += x * y;
    aa += x * x;
    bb += y * y;
  }
  return aa > 0 && bb > 0 ? ab / Math.sqrt(aa * bb) : 0;
}

/** Ranges (min, max, mean, sd) of each statistic over sites, e.g. the training sites. */
export function statRanges(sites: SiteStats[]): Record<string, Record<string, StatRange>> {
  const out: Record<string, Record<string, StatRange>> = {};
  for (const ch of Object.keys(sites[0] ?? {}))
    for (const k of Object.keys(sites[0][ch])) {
      const v = sites.map((s) => s[ch]?.[k]).filter((x): x is number => Number.isFinite(x));
      if (!v.length) continue;
      const mean = v.reduce((a, b) => a + b, 0) / v.length;
      const sd = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, v.length - 1));
      (out[ch] ??= {})[k] = { lo: Math.min(...v), hi: Math.max(...v), mean, sd };
    }
  return out;
}

/** Per-statistic medians over the sampled sites. */
export function plateMedians(sites: SiteStats[]): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (const ch of Object.keys(sites[0] ?? {}))
    for (const k of Object.keys(sites[0][ch])) {
      const v = sites.map((s) => s[ch]?.[k]).filter((x): x is number => Number.isFinite(x)).sort((a, b) => a - b);
      if (v.length) (out[ch] ??= {})[k] = v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }
  return out;
}

/** Indices of up to n sites spread evenly over a plate (first and last included). */
export function sampleIndices(total: number, n: number): number[] {
  if (total <= n) return Array.from({ length: total }, (_, i) => i);
  return [...new Set(Array.from({ length: n }, (_, i) => Math.round((i * (total - 1)) / (n - 1))))];
}

/**
 * How far a value lies outside a training range, in units of the range's spread: the spread is
 * the larger of the range's width and 4 sd (a few training sites understate it) and a small
 * fraction of the value's scale, so a statistic that hardly varies in training is not over-strict.
 */
export function rangeDistance(v: number, r: StatRange): number {
  const spread = Math.max(r.hi - r.lo, 4 * r.sd, 0.05 * Math.abs(r.mean), 1e-6);
  return Math.max(0, r.lo - v, v - r.hi) / spread;
}

/** Beyond this many spreads outside the training range a statistic is "out of range"; beyond SHIFTED, "shifted". */
export const OUT_OF_RANGE = 2;
export const SHIFTED = 0.5;
/** Raw intensity and contrast are normalised away before the model; they can only shift a verdict. */
const RAW = new Set(['intensity', 'contrast']);

const fmt = (v: number) => (Math.abs(v) >= 100 || Math.abs(v) < 0.01 ? v.toPrecision(3) : v.toFixed(3));

/**
 * Compare a plate (statistics of sampled sites and its metadata) with a model's training
 * conditions. A model without recorded conditions gets "shifted" with that reason: unchecked is
 * never shown as in range.
 */
export function compareDomain(tc: TrainingConditions | undefined, sites: SiteStats[], meta: { cellLine: string | null; pixelSizeUm: number | null; modelPixelSizeUm: number | null; magnification?: number | null }): DomainCheck {
  const plate = plateMedians(sites);
  const reasons: Array<DomainReason & { stat?: string; d?: number }> = [];
  const notes: string[] = [];
  if (!tc) {
    return { verdict: 'shifted', reasons: [{ severity: 'shifted', text: 'the model records no training conditions: the plate could not be compared' }], notes, sites: sites.length, plate };
  }
  const lines = tc.cellLines.join(', ') || 'unknown';
  if (meta.cellLine && tc.cellLines.length && !tc.cellLines.some((l) => l.toLowerCase() === meta.cellLine!.toLowerCase()))
    reasons.push({ severity: 'shifted', text: `cell line ${meta.cellLine} is not among the training cell lines (${lines})` });
  if (!meta.cellLine) notes.push(`cell line unknown (trained on ${lines})`);
  if (tc.pixelSizeUm) {
    if (!meta.pixelSizeUm) notes.push(`pixel size unknown: assumed the model's ${tc.pixelSizeUm} µm (give --pixel-size to resample)`);
    else if (Math.abs(meta.pixelSizeUm / tc.pixelSizeUm - 1) > 1e-6) notes.push(`resampled from ${meta.pixelSizeUm} µm to the model's ${tc.pixelSizeUm} µm`);
  }
  notes.push(`trained on ${tc.modality} (${tc.planes.join(', ')})${tc.magnification ? ` at ${tc.magnification}` : ''}`);
  // resampling matches the sampling, not the optics (NA, depth of field, phase rings): another objective is a shift
  const trainedMag = parseMagnification(tc.magnification);
  const plateMag = meta.magnification ?? null;
  if (trainedMag && plateMag && Math.abs(plateMag / trainedMag - 1) > 1e-6) reasons.push({ severity: 'shifted', text: `objective ${plateMag}× vs training ${trainedMag}×` });
  else if (plateMag && !trainedMag) notes.push(`imaged at ${plateMag}× (the model records no objective magnification)`);
  else if (trainedMag && !plateMag) notes.push(`objective magnification unknown (trained at ${trainedMag}×)`);
  for (const [ch, stats] of Object.entries(tc.stats))
    for (const [k, r] of Object.entries(stats)) {
      const v = plate[ch]?.[k];
      if (v === undefined) continue;
      const d = rangeDistance(v, r);
      // raw level and contrast are normalised away before the model: only a large gap is worth a word
      if (d <= (RAW.has(k) ? OUT_OF_RANGE : SHIFTED)) continue;
      const severity = d > OUT_OF_RANGE && !RAW.has(k) ? 'out of range' : 'shifted';
      reasons.push({ severity, stat: k, d, text: `${ch === 'stack' ? 'planes' : ch}: ${statLabel(k)} ${fmt(v)} vs training ${fmt(r.lo)} to ${fmt(r.hi)} (${d.toFixed(1)} spreads outside)` });
    }
  // many statistics off at once is no longer a shift: the images are of another kind
  const imageStats = Object.entries(tc.stats).reduce((n, [, st]) => n + Object.keys(st).filter((k) => !RAW.has(k)).length, 0);
  const off = reasons.filter((r) => r.stat && !RAW.has(r.stat)).length;
  if (imageStats && off > imageStats / 2 && !reasons.some((r) => r.severity === 'out of range'))
    reasons.push({ severity: 'out of range', text: `${off} of ${imageStats} image statistics lie outside the training range` });
  // worst first: out of range, then shifted image statistics by distance, raw level/contrast last
  const rank = (r: (typeof reasons)[number]) => (r.severity === 'out of range' ? 0 : r.stat && RAW.has(r.stat) ? 2 : 1);
  reasons.sort((a, b) => rank(a) - rank(b) || (b.d ?? Infinity) - (a.d ?? Infinity));
  const verdict = reasons.some((r) => r.severity === 'out of range') ? 'out of range' : reasons.length ? 'shifted' : 'in range';
  return { verdict, reasons: reasons.map(({ severity, text }) => ({ severity, text })), notes, sites: sites.length, plate };
}

/** "20x", "20×", "20X water" or a bare "20" → 20; anything else (e.g. "simulated") → null. */
export function parseMagnification(s: string | null | undefined): number | null {
  const m = s ? /^\s*(\d+(?:\.\d+)?)\s*(?:[x×X]|$)/.exec(s) : null;
  return m ? Number(m[1]) : null;
}
