/**
 * Otsu's threshold over a 256-bin histogram between the data's min and max (what
 * skimage.filters.threshold_otsu does with nbins=256): returns the threshold in data units.
 */
export function otsuThreshold(values: ArrayLike<number>, mask?: Uint8Array): number {
  let lo = Infinity;
  let hi = -Infinity;
  // the unmasked loops apart: no mask test per value
  if (mask)
    for (let i = 0; i < values.length; i++) {
      if (!mask[i]) continue;
      const v = values[i];
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  else
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  if (!(hi > lo)) return lo;
  const bins = 256;
  const hist = new Float64Array(bins);
  const scale = bins / (hi - lo);
  // min(bins − 1, floor(b)) for b ≥ 0; a NaN fails b >= 0 and, as before, is counted nowhere
  if (mask)
    for (let i = 0; i < values.length; i++) {
      if (!mask[i]) continue;
      const b = (values[i] - lo) * scale;
      if (b >= 0) hist[b < bins - 1 ? b | 0 : bins - 1]++;
    }
  else {
    // four counts by i mod 4: neighbours of a smooth image share bins, and one count would wait on
    // its own last increment (integer counts, so their sum is the same)
    const part = new Int32Array(4 * bins);
    const n = values.length;
    let i = 0;
    for (; i + 3 < n; i += 4) {
      const b0 = (values[i] - lo) * scale, b1 = (values[i + 1] - lo) * scale;
      const b2 = (values[i + 2] - lo) * scale, b3 = (values[i + 3] - lo) * scale;
      if (b0 >= 0) part[b0 < bins - 1 ? b0 | 0 : bins - 1]++;
      if (b1 >= 0) part[bins + (b1 < bins - 1 ? b1 | 0 : bins - 1)]++;
      if (b2 >= 0) part[2 * bins + (b2 < bins - 1 ? b2 | 0 : bins - 1)]++;
      if (b3 >= 0) part[3 * bins + (b3 < bins - 1 ? b3 | 0 : bins - 1)]++;
    }
    for (; i < n; i++) {
      const b = (values[i] - lo) * scale;
      if (b >= 0) part[b < bins - 1 ? b | 0 : bins - 1]++;
    }
    for (let k = 0; k < bins; k++) hist[k] = part[k] + part[bins + k] + part[2 * bins + k] + part[3 * bins + k];
  }
  const centre = (k: number) => lo + (k + 0.5) / scale;
  let total = 0;
  let sumAll = 0;
  for (let k = 0; k < bins; k++) {
    total += hist[k];
    sumAll += hist[k] * centre(k);
  }
  let w0 = 0;
  let s0 = 0;
  let best = -1;
  let bestK = 0;
  for (let k = 0; k < bins - 1; k++) {
    w0 += hist[k];
    s0 += hist[k] * centre(k);
    const w1 = total - w0;
    if (w0 === 0 || w1 === 0) continue;
    const m0 = s0 / w0;
    const m1 = (sumAll - s0) / w1;
    const between = w0 * w1 * (m0 - m1) ** 2;
    if (between > best) {
      best = between;
      bestK = k;
    }
  }
  return centre(bestK);
}

/**
 * A lower foreground threshold for dim cell bodies: bg + alpha·(otsu − bg), bg being the mean of
 * the values at or below Otsu's threshold (the background class).
 */
export function bodyThreshold(values: ArrayLike<number>, alpha = 0.1): number {
  const otsu = otsuThreshold(values);
  let bs = 0;
  let bn = 0;
  // selects instead of a branch: about half the values fall either side, unpredictably at edges
  // (adding 0 leaves bs as it is: it starts at +0, so it is never −0)
  for (let i = 0; i < values.length; i++) {
    const v = values[i], below = v <= otsu;
    bs += below ? v : 0;
    bn += below ? 1 : 0;
  }
  const bg = bn ? bs / bn : otsu;
  return bg + alpha * (otsu - bg);
}
