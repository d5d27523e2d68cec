/**
 * How well per-well (or per-cell) features separate classes (treatment vs DMSO, MoA groups):
 * 5-fold cross-validated macro F1 of a k-nearest-neighbour classifier (k = 5, Euclidean distance on
 * features standardised with the training fold's mean and sd, majority vote, ties to the class of
 * the nearest neighbour among the tied classes). kNN has no training randomness, and the folds are
 * deterministic: within each class the samples, in input order, go to folds 0,1,2,3,4,0,… so every
 * fold keeps the class proportions. Predictions from all five folds are pooled, then scored.
 */
export interface ClassifyInput {
  /** samples × features, row-major */
  data: Float64Array;
  features: number;
  labels: string[];
}

export interface SeparationResult {
  f1: number;
  accuracy: number;
  perClass: Array<{ label: string; n: number; f1: number }>;
  samples: number;
  classes: number;
  folds: number;
  k: number;
}

export function stratifiedFolds(labels: string[], folds: number): Int32Array {
  const seen = new Map<string, number>();
  const out = new Int32Array(labels.length);
  labels.forEach((l, i) => {
    const c = seen.get(l) ?? 0;
    out[i] = c % folds;
    seen.set(l, c + 1);
  });
  return out;
}

/** Macro F1: the unweighted mean over classes of 2·tp/(2·tp + fp + fn) (0 for a class never seen or predicted). */
export function macroF1(truth: string[], pred: string[]): { f1: number; perClass: Array<{ label: string; n: number; f1: number }> } {
  const classes = [...new Set(truth)].sort();
  const perClass = classes.map((c) => {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    truth.forEach((t, i) => {
      if (pred[i] === c && t === c) tp++;
      else if (pred[i] === c) fp++;
      else if (t === c) fn++;
    });
    return { label: c, n: tp + fn, f1: 2 * tp + fp + fn > 0 ? (2 * tp) / (2 * tp + fp + fn) : 0 };
  });
  return { f1: perClass.reduce((a, c) => a + c.f1, 0) / Math.max(1, perClass.length), perClass };
}

function knnPredict(train: Float64Array, trainLabels: string[], test: Float64Array, d: number, k: number): string[] {
  const nTrain = trainLabels.length;
  const nTest = test.length / d;
  const out: string[] = [];
  const dist = new Float64Array(nTrain);
  const idx = Array.from({ length: nTrain }, (_, i) => i);
  for (let q = 0; q < nTest; q++) {
    for (let i = 0; i < nTrain; i++) {
      let s = 0;
      for (let f = 0; f < d; f++) s += (test[q * d + f] - train[i * d + f]) ** 2;
      dist[i] = s;
    }
    idx.sort((a, b) => dist[a] - dist[b] || a - b);
    const votes = new Map<string, number>();
    const kk = Math.min(k, nTrain);
    for (let j = 0; j < kk; j++) votes.set(trainLabels[idx[j]], (votes.get(trainLabels[idx[j]]) ?? 0) + 1);
    const best = Math.max(...votes.values());
    // tie: the tied class whose member comes first in distance order
    const winner = idx.slice(0, kk).map((i) => trainLabels[i]).find((l) => votes.get(l) === best)!;
    out.push(winner);
  }
  return out;
}

export function crossValidatedF1(input: ClassifyInput, opts: { folds?: number; k?: number } = {}): SeparationResult {
  const folds = opts.folds ?? 5;
  const k = opts.k ?? 5;
  const { data, features: d, labels } = input;
  const n = labels.length;
  if (data.length !== n * d) throw new Error(`crossValidatedF1: ${data.length} values for ${n} samples × ${d} features`);
  const classes = new Set(labels);
  if (classes.size < 2) throw new Error(`separation needs at least 2 classes (got ${classes.size})`);
  if (n < folds) throw new Error(`separation needs at least ${folds} samples for ${folds}-fold CV (got ${n})`);
  const fold = stratifiedFolds(labels, folds);
  const pred = new Array<string>(n);
  for (let f = 0; f < folds; f++) {
    const tr = [...Array(n).keys()].filter((i) => fold[i] !== f);
    const te = [...Array(n).keys()].filter((i) => fold[i] === f);
    if (!te.length) continue;
    // standardise with the training fold only (no test information leaks into the scaling)
    const mu = new Float64Array(d);
    const sdv = new Float64Array(d);
    for (const i of tr) for (let c = 0; c < d; c++) mu[c] += data[i * d + c] / tr.length;
    for (const i of tr) for (let c = 0; c < d; c++) sdv[c] += (data[i * d + c] - mu[c]) ** 2 / Math.max(1, tr.length - 1);
    for (let c = 0; c < d; c++) sdv[c] = Math.sqrt(sdv[c]) || 1;
    const z = (rows: number[]) => {
      const out = new Float64Array(rows.length * d);
      rows.forEach((i, r) => {
        for (let c = 0; c < d; c++) out[r * d + c] = (data[i * d + c] - mu[c]) / sdv[c];
      });
      return out;
    };
    const p = knnPredict(z(tr), tr.map((i) => labels[i]), z(te), d, k);
    te.forEach((i, j) => (pred[i] = p[j]));
  }
  const { f1, perClass } = macroF1(labels, pred);
  const accuracy = labels.filter((l, i) => pred[i] === l).length / n;
  return { f1, accuracy, perClass, samples: n, classes: classes.size, folds, k };
}
