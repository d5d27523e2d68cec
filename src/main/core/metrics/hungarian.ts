/**
 * Minimum-cost assignment for a rectangular cost matrix (rows × cols, row-major), every row or
 * every column assigned, whichever is fewer — what scipy.optimize.linear_sum_assignment returns.
 * Shortest augmenting paths with dual potentials (Kuhn–Munkres in its O(n²·m) form): rows are added
 * one at a time and each is routed along the cheapest alternating path under reduced costs.
 * Returns for each row its column, or −1 for rows left out when rows > cols.
 */
export function linearSumAssignment(cost: Float64Array, rows: number, cols: number): Int32Array {
  if (cost.length !== rows * cols) throw new Error(`linearSumAssignment: ${cost.length} costs for ${rows}×${cols}`);
  const result = new Int32Array(rows).fill(-1);
  if (rows === 0 || cols === 0) return result;
  for (let i = 0; i < cost.length; i++) if (!Number.isFinite(cost[i])) throw new Error('linearSumAssignment: costs must be finite');
  // Work with n ≤ m by transposing when needed.
  const t = rows > cols;
  const n = t ? cols : rows;
  const m = t ? rows : cols;
  const c = (i: number, j: number) => (t ? cost[j * cols + i] : cost[i * cols + j]);
  const u = new Float64Array(n + 1);
  const v = new Float64Array(m + 1);
  const p = new Int32Array(m + 1); // p[j]: row (1-based) assigned to column j; p[0] the row being added
  const way = new Int32Array(m + 1);
  const minv = new Float64Array(m + 1);
  const used = new Uint8Array(m + 1);
  for (let i = 1; i <= n; i++) {
    p[0] = i;
    let j0 = 0;
    minv.fill(Infinity);
    used.fill(0);
    do {
      used[j0] = 1;
      const i0 = p[j0];
      let delta = Infinity;
      let j1 = 0;
      for (let j = 1; j <= m; j++) {
        if (used[j]) continue;
        const cur = c(i0 - 1, j - 1) - u[i0] - v[j];
        if (cur < minv[j]) {
          minv[j] = cur;
          way[j] = j0;
        }
        if (minv[j] < delta) {
          delta = minv[j];
          j1 = j;
        }
      }
      for (let j = 0; j <= m; j++) {
        if (used[j]) {
          u[p[j]] += delta;
          v[j] -= delta;
        } else minv[j] -= delta;
      }
      j0 = j1;
    } while (p[j0] !== 0);
    do {
      const j1 = way[j0];
      p[j0] = p[j1];
      j0 = j1;
    } while (j0 !== 0);
  }
  for (let j = 1; j <= m; j++) {
    if (p[j] === 0) continue;
    if (t) result[j - 1] = p[j] - 1;
    else result[p[j] - 1] = j - 1;
  }
  return result;
}
