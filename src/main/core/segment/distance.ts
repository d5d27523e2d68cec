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
  const pass = (len: number) => {
    // With borderIsOutside the line gets a background sample at -1 and len, shifted by one.
    const off = borderIsOutside ? 1 : 0;
    const m = len + 2 * off;
    if (off) {
      f[0] = 0;
      f[m - 1] = 0;
    }
    let k = 0;
    v[0] = 0;
    z[0] = -Infinity;
    z[1] = Infinity;
    for (let q = 1; q < m; q++) {
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
    for (let q = 0; q < m; q++) {
      while (z[k + 1] < q) k++;
      const p = v[k];
      out[q] = (q - p) * (q - p) + f[p];
    }
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
  for (let x = 0; x < width; x++) {
    if (d[x] !== Infinity) continue;
    for (let y = 0; y < height; y++) f[y + off] = INF;
    pass(height);
    for (let y = 0; y < height; y++) d[y * width + x] = out[y + off];
  }
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) f[x + off] = d[row + x];
    pass(width);
    for (let x = 0; x < width; x++) d[row + x] = out[x + off];
  }
  return d;
}

/** Euclidean distance to the nearest 0 of `inside` (scipy.ndimage.distance_transform_edt semantics). */
export function distanceTransform(inside: Uint8Array, width: number, height: number, borderIsOutside = false): Float32Array {
  const sq = squaredDistanceTransform(inside, width, height, borderIsOutside);
  const out = new Float32Array(sq.length);
  for (let i = 0; i < sq.length; i++) out[i] = Math.sqrt(sq[i]);
  return out;
}
