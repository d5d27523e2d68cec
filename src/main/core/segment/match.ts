import type { Labels } from './labels';

/**
 * Object matching at an IoU threshold (StarDist's `matching` with IoU ≥ threshold; for thresholds ≥ 0.5
 * where a match is unique): true positives, precision, recall, F1. Overlaps counted in one pass.
 */
export function matchObjects(truth: Labels, pred: Labels, iouThreshold = 0.5) {
  const areaT = new Map<number, number>();
  const areaP = new Map<number, number>();
  const inter = new Map<number, number>();
  const K = 1 << 20;
  for (let i = 0; i < truth.data.length; i++) {
    const t = truth.data[i];
    const p = pred.data[i];
    if (t) areaT.set(t, (areaT.get(t) ?? 0) + 1);
    if (p) areaP.set(p, (areaP.get(p) ?? 0) + 1);
    if (t && p) inter.set(t * K + p, (inter.get(t * K + p) ?? 0) + 1);
  }
  let tp = 0;
  for (const [key, n] of inter) {
    const t = Math.floor(key / K);
    const p = key - t * K;
    const iou = n / (areaT.get(t)! + areaP.get(p)! - n);
    if (iou >= iouThreshold) tp++;
  }
  const nT = areaT.size;
  const nP = areaP.size;
  const precision = nP ? tp / nP : 0;
  const recall = nT ? tp / nT : 0;
  const f1 = nT + nP ? (2 * tp) / (nT + nP) : 0;
  return { tp, fp: nP - tp, fn: nT - tp, nTrue: nT, nPred: nP, precision, recall, f1 };
}
