import { linearSumAssignment } from './hungarian';

/** A label image: 0 is background, every other value one object. */
export interface LabelImage {
  width: number;
  height: number;
  data: ArrayLike<number>;
}

/** StarDist's `matching` report (criterion 'iou'), field names as StarDist spells them. */
export interface SegMatch {
  criterion: 'iou';
  thresh: number;
  fp: number;
  tp: number;
  fn: number;
  precision: number;
  recall: number;
  accuracy: number;
  f1: number;
  n_true: number;
  n_pred: number;
  mean_true_score: number;
  mean_matched_score: number;
  panoptic_quality: number;
}

/** Dense 0..n relabelling of the distinct non-zero labels (in increasing label order). */
function relabel(img: LabelImage, what: string): { ids: Int32Array; n: number } {
  const d = img.data;
  let max = 0;
  for (let i = 0; i < d.length; i++) {
    const v = d[i];
    if (v < 0 || !Number.isInteger(v)) throw new Error(`${what}: label images hold non-negative integers (found ${v})`);
    if (v > max) max = v;
  }
  const ids = new Int32Array(d.length);
  if (max <= 1 << 24) {
    const map = new Int32Array(max + 1);
    for (let i = 0; i < d.length; i++) map[d[i]] = 1;
    map[0] = 0;
    let n = 0;
    for (let v = 1; v <= max; v++) if (map[v]) map[v] = ++n;
    for (let i = 0; i < d.length; i++) ids[i] = map[d[i]];
    return { ids, n };
  }
  const labels = [...new Set(Array.from(d))].filter((v) => v !== 0).sort((a, b) => a - b);
  const map = new Map(labels.map((v, k) => [v, k + 1]));
  for (let i = 0; i < d.length; i++) ids[i] = d[i] === 0 ? 0 : map.get(d[i])!;
  return { ids, n: labels.length };
}

const safeDivide = (x: number, y: number) => (Math.abs(y) > 1e-10 ? x / y : 0);

/** Pairs of overlapping objects (1-based dense ids) with their IoU. */
export interface Overlap {
  nTrue: number;
  nPred: number;
  t: Int32Array;
  p: Int32Array;
  iou: Float64Array;
}

/** IoU of every overlapping (true, pred) pair: overlap / (area_true + area_pred − overlap). */
export function overlapIoU(gt: LabelImage, pred: LabelImage): Overlap {
  if (gt.width !== pred.width || gt.height !== pred.height)
    throw new Error(`label images differ in size (${gt.width}×${gt.height} vs ${pred.width}×${pred.height})`);
  const a = relabel(gt, 'ground truth');
  const b = relabel(pred, 'prediction');
  const areaT = new Float64Array(a.n + 1);
  const areaP = new Float64Array(b.n + 1);
  const counts = new Map<number, number>();
  const stride = b.n + 1;
  // Neighbouring pixels mostly share their (true, pred) pair: count runs, touch the map once per run.
  let runKey = -1;
  let runLen = 0;
  for (let i = 0; i < a.ids.length; i++) {
    const x = a.ids[i];
    const y = b.ids[i];
    areaT[x]++;
    areaP[y]++;
    const k = x && y ? x * stride + y : -1;
    if (k === runKey) runLen++;
    else {
      if (runKey >= 0) counts.set(runKey, (counts.get(runKey) ?? 0) + runLen);
      runKey = k;
      runLen = 1;
    }
  }
  if (runKey >= 0) counts.set(runKey, (counts.get(runKey) ?? 0) + runLen);
  const keys = [...counts.keys()].sort((u, v) => u - v);
  const t = new Int32Array(keys.length);
  const p = new Int32Array(keys.length);
  const iou = new Float64Array(keys.length);
  keys.forEach((k, i) => {
    const x = Math.floor(k / stride);
    const y = k - x * stride;
    const o = counts.get(k)!;
    t[i] = x;
    p[i] = y;
    iou[i] = o / (areaT[x] + areaP[y] - o);
  });
  return { nTrue: a.n, nPred: b.n, t, p, iou };
}

/**
 * StarDist's `matching(y_true, y_pred, thresh, criterion='iou')`: optimal one-to-one matching
 * minimising Σ −[iou ≥ thresh] − iou/(2·n_matched) (so the number of matches at the threshold is
 * maximised first, then their total IoU), a pair counting as a true positive when iou ≥ thresh.
 * Objects that overlap nothing cannot change the optimum, so the assignment is solved separately on
 * each connected group of overlapping objects — the same optimum as one dense problem, much faster.
 */
export function matchLabels(gt: LabelImage, pred: LabelImage, thresh = 0.5): SegMatch {
  if (!(thresh >= 0 && thresh <= 1)) throw new Error(`IoU threshold ${thresh} is outside [0, 1]`);
  const ov = overlapIoU(gt, pred);
  const { nTrue, nPred } = ov;
  const nMatched = Math.min(nTrue, nPred);
  let tp = 0;
  let sumMatched = 0;
  if (nMatched > 0) {
    const pairs = solveComponents(ov, thresh, nMatched);
    for (const s of pairs) {
      if (s >= thresh) {
        tp++;
        sumMatched += s;
      }
    }
    // At threshold 0 StarDist also counts the zero-IoU pairs the full assignment is forced to make.
    if (thresh <= 0) tp = nMatched;
  }
  return matchReport(tp, nTrue, nPred, sumMatched, thresh);
}

/**
 * StarDist's report from the counts and the summed IoU of the true positives; shared by one image
 * and by images pooled as `matching_dataset(by_image=False)` does.
 */
export function matchReport(tp: number, nTrue: number, nPred: number, sumMatched: number, thresh: number): SegMatch {
  const fp = nPred - tp;
  const fn = nTrue - tp;
  return {
    criterion: 'iou',
    thresh,
    fp,
    tp,
    fn,
    precision: safeDivide(tp, tp + fp),
    recall: safeDivide(tp, tp + fn),
    accuracy: safeDivide(tp, tp + fp + fn),
    f1: safeDivide(2 * tp, 2 * tp + fp + fn),
    n_true: nTrue,
    n_pred: nPred,
    mean_true_score: safeDivide(sumMatched, nTrue),
    mean_matched_score: safeDivide(sumMatched, tp),
    panoptic_quality: safeDivide(sumMatched, tp + fp / 2 + fn / 2),
  };
}

/** IoU of each assigned pair, over all connected groups of overlapping objects. */
function solveComponents(ov: Overlap, thresh: number, nMatched: number): number[] {
  const { nTrue, nPred, t, p, iou } = ov;
  // union–find over true nodes 0..nTrue−1 and pred nodes nTrue..nTrue+nPred−1
  const parent = new Int32Array(nTrue + nPred).map((_, i) => i);
  const find = (x: number): number => {
    while (parent[x] !== x) x = parent[x] = parent[parent[x]];
    return x;
  };
  for (let k = 0; k < t.length; k++) {
    const a = find(t[k] - 1);
    const b = find(nTrue + p[k] - 1);
    if (a !== b) parent[a] = b;
  }
  const groups = new Map<number, number[]>(); // root → pair indices
  for (let k = 0; k < t.length; k++) {
    const r = find(t[k] - 1);
    let g = groups.get(r);
    if (!g) groups.set(r, (g = []));
    g.push(k);
  }
  const out: number[] = [];
  for (const ks of groups.values()) {
    const rows = [...new Set(ks.map((k) => t[k]))];
    const cols = [...new Set(ks.map((k) => p[k]))];
    const ri = new Map(rows.map((v, i) => [v, i]));
    const ci = new Map(cols.map((v, i) => [v, i]));
    const score = new Float64Array(rows.length * cols.length);
    for (const k of ks) score[ri.get(t[k])! * cols.length + ci.get(p[k])!] = iou[k];
    const cost = score.map((s) => -(s >= thresh ? 1 : 0) - s / (2 * nMatched));
    const asg = linearSumAssignment(cost, rows.length, cols.length);
    for (let r = 0; r < rows.length; r++) if (asg[r] >= 0) out.push(score[r * cols.length + asg[r]]);
  }
  return out;
}
