/**
 * Per-well profiles as pycytominer builds them: the median of the per-cell rows of a well
 * (aggregate(operation="median")), and robust z normalisation against the negative-control
 * wells: (x − median) / (MAD·1.4826 + ε), ε = 1e-18 (pycytominer normalize(method="mad_robustize")).
 */
export function median(values: Float64Array): number {
  const v = values.filter((x) => Number.isFinite(x)).sort();
  const n = v.length;
  if (!n) return NaN;
  return n % 2 ? v[(n - 1) / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/** Column medians of rows (row-major: rows × nFeatures), NaN-skipping. */
export function columnMedians(rows: Float64Array[], nFeatures: number): Float64Array {
  const out = new Float64Array(nFeatures);
  const col = new Float64Array(rows.length);
  for (let j = 0; j < nFeatures; j++) {
    for (let r = 0; r < rows.length; r++) col[r] = rows[r][j];
    out[j] = median(col);
  }
  return out;
}

export const MAD_SCALE = 1.4826;
export const ROBUSTZ_EPSILON = 1e-18;

/** Robust z of one feature's per-well values against the wells flagged in `reference`. */
export function robustZ(values: Float64Array, reference: Uint8Array): Float64Array {
  const ref = values.filter((_, i) => reference[i] === 1);
  const med = median(ref);
  const dev = ref.map((x) => Math.abs(x - med));
  const mad = median(dev) * MAD_SCALE;
  return values.map((x) => (x - med) / (mad + ROBUSTZ_EPSILON));
}
