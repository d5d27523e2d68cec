import { nanMedian } from '../../../shared/stats';

/**
 * Per-well profiles as pycytominer builds them: the median of the per-cell rows of a well
 * (aggregate(operation="median")), NaN-skipping. Robust z against DMSO is `robustZ` in shared/stats.
 */
export function columnMedians(rows: Float64Array[], nFeatures: number): Float64Array {
  const out = new Float64Array(nFeatures);
  const col = new Float64Array(rows.length);
  for (let j = 0; j < nFeatures; j++) {
    for (let r = 0; r < rows.length; r++) col[r] = rows[r][j];
    out[j] = nanMedian(col);
  }
  return out;
}
