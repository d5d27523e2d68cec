import type { Distribution, SegSummary } from '../../../shared/contract/metrics';
import { matchReport, type SegMatch } from './matching';

const q = (sorted: Float64Array, p: number) => {
  // numpy 'linear' quantile
  const pos = p * (sorted.length - 1);
  const k = Math.floor(pos);
  const f = pos - k;
  return f > 0 && k + 1 < sorted.length ? sorted[k] + (sorted[k + 1] - sorted[k]) * f : sorted[k];
};
const fin = (v: number) => (Number.isFinite(v) ? v : null);

/** Quartiles etc. over the values; non-finite values (PSNR of identical images) are counted but make mean/sd null. */
export function distribution(values: number[]): Distribution {
  const n = values.length;
  if (!n) return { n, mean: null, sd: null, min: null, q1: null, median: null, q3: null, max: null };
  const s = Float64Array.from(values).sort();
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const sd = n > 1 ? Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : NaN;
  return { n, mean: fin(mean), sd: fin(sd), min: fin(s[0]), q1: fin(q(s, 0.25)), median: fin(q(s, 0.5)), q3: fin(q(s, 0.75)), max: fin(s[n - 1]) };
}

/**
 * StarDist's `matching_dataset(..., by_image=False)`: tp, fp, fn, object counts and the matched
 * IoU sum are added over images, then the ratios are formed once.
 */
export function poolMatches(ms: SegMatch[], thresh: number): Omit<SegSummary, 'objects' | 'truth' | 'method' | 'sites' | 'baseline'> {
  let tp = 0;
  let nTrue = 0;
  let nPred = 0;
  let sum = 0;
  for (const m of ms) {
    tp += m.tp;
    nTrue += m.n_true;
    nPred += m.n_pred;
    sum += m.mean_true_score * m.n_true;
  }
  const { criterion: _criterion, ...report } = matchReport(tp, nTrue, nPred, sum, thresh);
  return report;
}
