import { symmetricEigen, sqrtPsd, matMul } from './linalg';

/** Rows are observations (cells), columns features; row-major. */
export interface Matrix {
  rows: number;
  cols: number;
  data: Float64Array;
}

export function columnMeans(m: Matrix): Float64Array {
  const mu = new Float64Array(m.cols);
  for (let r = 0; r < m.rows; r++) for (let c = 0; c < m.cols; c++) mu[c] += m.data[r * m.cols + c];
  for (let c = 0; c < m.cols; c++) mu[c] /= m.rows;
  return mu;
}

/** Sample covariance (n − 1), as numpy.cov(rowvar=False). */
export function covariance(m: Matrix, mu = columnMeans(m)): Float64Array {
  const d = m.cols;
  if (m.rows < 2) throw new Error(`covariance needs at least 2 observations (got ${m.rows})`);
  const cov = new Float64Array(d * d);
  const x = new Float64Array(d);
  for (let r = 0; r < m.rows; r++) {
    for (let c = 0; c < d; c++) x[c] = m.data[r * d + c] - mu[c];
    for (let i = 0; i < d; i++) {
      const xi = x[i];
      for (let j = i; j < d; j++) cov[i * d + j] += xi * x[j];
    }
  }
  for (let i = 0; i < d; i++)
    for (let j = i; j < d; j++) {
      const v = cov[i * d + j] / (m.rows - 1);
      cov[i * d + j] = cov[j * d + i] = v;
    }
  return cov;
}

/**
 * Fréchet distance between two Gaussians fitted to the feature distributions (the FID formula):
 * ‖μ₁ − μ₂‖² + tr(Σ₁ + Σ₂ − 2(Σ₁Σ₂)^½). tr((Σ₁Σ₂)^½) is computed as tr((Σ₁^½Σ₂Σ₁^½)^½) — the
 * same eigenvalues, but a symmetric matrix, so a symmetric eigensolver suffices.
 * Returns the squared distance (what FID reports).
 */
export function frechetFromMoments(mu1: Float64Array, cov1: Float64Array, mu2: Float64Array, cov2: Float64Array): number {
  const d = mu1.length;
  if (mu2.length !== d || cov1.length !== d * d || cov2.length !== d * d) throw new Error('frechet: dimensions differ');
  let dm = 0;
  let tr = 0;
  for (let i = 0; i < d; i++) {
    dm += (mu1[i] - mu2[i]) ** 2;
    tr += cov1[i * d + i] + cov2[i * d + i];
  }
  const s1 = sqrtPsd(cov1, d);
  const m = matMul(matMul(s1, cov2, d), s1, d);
  for (let i = 0; i < d; i++)
    for (let j = i + 1; j < d; j++) {
      const v = (m[i * d + j] + m[j * d + i]) / 2;
      m[i * d + j] = m[j * d + i] = v;
    }
  const { values } = symmetricEigen(m, d);
  let trSqrt = 0;
  for (const v of values) trSqrt += Math.sqrt(Math.max(v, 0));
  return dm + tr - 2 * trSqrt;
}

/**
 * Fréchet distance between acquired (a) and synthetic (b) per-cell features. Each feature is first
 * z-scored with the mean and sd of both samples pooled, so no feature dominates by its unit and a
 * feature nearly constant in one sample cannot blow the distance up (each pooled variance is 1, so
 * the distance stays on the scale of the feature count); features constant in the pool are dropped.
 */
export function frechetDistance(a: Matrix, b: Matrix, opts: { standardise?: boolean } = {}): { fd: number; features: number } {
  if (a.cols !== b.cols) throw new Error(`frechet: ${a.cols} vs ${b.cols} features`);
  let A = a;
  let B = b;
  if (opts.standardise ?? true) {
    const d = a.cols;
    const n = a.rows + b.rows;
    const mu = new Float64Array(d);
    for (const m of [a, b]) for (let r = 0; r < m.rows; r++) for (let c = 0; c < d; c++) mu[c] += m.data[r * d + c] / n;
    const sd = new Float64Array(d);
    for (const m of [a, b]) for (let r = 0; r < m.rows; r++) for (let c = 0; c < d; c++) sd[c] += (m.data[r * d + c] - mu[c]) ** 2 / Math.max(1, n - 1);
    const keep: number[] = [];
    for (let c = 0; c < d; c++) {
      sd[c] = Math.sqrt(sd[c]);
      if (sd[c] > 0) keep.push(c);
    }
    const z = (m: Matrix): Matrix => {
      const out = new Float64Array(m.rows * keep.length);
      for (let r = 0; r < m.rows; r++) keep.forEach((c, k) => (out[r * keep.length + k] = (m.data[r * d + c] - mu[c]) / sd[c]));
      return { rows: m.rows, cols: keep.length, data: out };
    };
    A = z(a);
    B = z(b);
  }
  const mu1 = columnMeans(A);
  const mu2 = columnMeans(B);
  return { fd: frechetFromMoments(mu1, covariance(A, mu1), mu2, covariance(B, mu2)), features: A.cols };
}
