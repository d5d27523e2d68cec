/**
 * Exact squared Euclidean distance transform (Felzenszwalb & Huttenlocher 2012): for every
 * pixel, the squared distance to the nearest pixel where `inside` is 0. Two 1-D passes of the
 * lower envelope of parabolas; O(n). Pixels outside the image count as inside (no border effect)
 * unless `borderIsOutside`, in which case the image is surrounded by background.
 */
export function squaredDistanceTransform(inside: Uint8Array, width: number, height: number, borderIsOutside = false): Float64Array {
  const INF = 1e20;
  const d = new Float64Array(width * height);
  const n = Math.max(width, height) + 2;
  const f = new Float64Array(n);
  const out = new Float64Array(n);
  const v = new Int32Array(n);
  const z = new Float64Array(n + 1);
  // Lower envelope of the parabolas at lo..hi (f's indices), evaluated at qa..qb into out.
  const envelope = (lo: number, hi: number, qa: number, qb: number) => {
    let k = 0;
    v[0] = lo;
    z[0] = -Infinity;
    z[1] = Infinity;
    for (let q = lo + 1; q <= hi; q++) {
      let s: number;
      for (;;) {
        const p = v[k];
        s = (f[q] + q * q - (f[p] + p * p)) / (2 * q - 2 * p);
        if (s <= z[k] && k > 0) k--;
        else break;
      }
      if (s <= z[k]) {
        // k === 0 and the new parabola dominates everywhere
        v[0] = q;
        z[0] = -Infinity;
        z[1] = Infinity;
        continue;
      }
      k++;
      v[k] = q;
      z[k] = s;
      z[k + 1] = Infinity;
    }
    k = 0;
    for (let q = qa; q <= qb; q++) {
      while (z[k + 1] < q) k++;
      const p = v[k];
      out[q] = (q - p) * (q - p) + f[p];
    }
  };
  // With borderIsOutside the line gets a background sample at -1 and len, shifted by one.
  const pass = (len: number) => {
    const m = len + 2 * (borderIsOutside ? 1 : 0);
    if (borderIsOutside) {
      f[0] = 0;
      f[m - 1] = 0;
    }
    envelope(0, m - 1, 0, m - 1);
  };
  const off = borderIsOutside ? 1 : 0;
  // Columns: with a 0 in the column (or the border counting as one) the envelope gives the
  // squared distance to the nearest 0 exactly (an integer), so it comes from a count down
  // and a count up along whole rows; a column with no 0 goes through the envelope.
  const edge = borderIsOutside ? 1 : Infinity;
  for (let x = 0; x < width; x++) d[x] = inside[x] ? edge : 0;
  for (let y = 1; y < height; y++)
    for (let x = 0, i = y * width; x < width; x++, i++) d[i] = inside[i] ? d[i - width] + 1 : 0;
  const below = new Float64Array(width);
  for (let y = height - 1; y >= 0; y--)
    for (let x = 0, i = y * width; x < width; x++, i++) {
      const b = inside[i] ? (y < height - 1 ? below[x] + 1 : edge) : 0;
      below[x] = b;
      const m = d[i] < b ? d[i] : b;
      d[i] = m * m;
    }
  let zeroInEveryColumn = true;
  for (let x = 0; x < width; x++) {
    if (d[x] !== Infinity) continue;
    zeroInEveryColumn = false;
    for (let y = 0; y < height; y++) f[y + off] = INF;
    pass(height);
    for (let y = 0; y < height; y++) d[y * width + x] = out[y + off];
  }
  // Rows. A 0 at p is nearer to every pixel beyond it than any sample behind it, so the runs
  // between 0s are independent: each gets the envelope of its own samples and the 0s around it,
  // and the 0s stay 0. That gives the values of one envelope a row when the column values are
  // integers < h² small enough for the envelope to be exact (distinct breakpoints then differ by
  // ≥ 1/(4(m+1)²), far above the rounding of s); a column without a 0 (INF) takes whole rows.
  const m = width + 2 * off;
  const byRuns = zeroInEveryColumn && (height + 1) ** 2 + m * m < 2 ** 50 / ((m + 1) * (m + 1));
  for (let y = 0; y < height; y++) {
    const row = y * width;
    if (!byRuns) {
      for (let x = 0; x < width; x++) f[x + off] = d[row + x];
      pass(width);
      for (let x = 0; x < width; x++) d[row + x] = out[x + off];
      continue;
    }
    for (let x = 0; x < width; x++) {
      if (d[row + x] === 0) continue;
      let b = x;
      while (b + 1 < width && d[row + b + 1] !== 0) b++;
      // f's indices: the run is x + off..b + off, with its 0s (or the border's) around it
      const lo = x + off > 0 ? x + off - 1 : 0, hi = b + off + 1 < m ? b + off + 1 : b + off;
      for (let p = lo; p <= hi; p++) f[p] = p - off >= 0 && p - off < width ? d[row + p - off] : 0;
      envelope(lo, hi, x + off, b + off);
      for (let q = x; q <= b; q++) d[row + q] = out[q + off];
      x = b;
    }
  }
  return d;
}

/** Euclidean distance to the nearest 0 of `inside` (scipy.ndimage.distance_transform_edt semantics). */
export function distanceTransform(inside: Uint8Array, width: number, height: number, borderIsOutside = false): Float32Array {
  const sq = squaredDistanceTransform(inside, width, height, borderIsOutside);
  const out = new Float32Array(sq.length);
  for (let i = 0; i < sq.length; i++) if (sq[i] !== 0) out[i] = Math.sqrt(sq[i]);
  return out;
}
