/**
 * Otsu's threshold over a 256-bin histogram between the data's min and max (what
 * skimage.filters.threshold_otsu does with nbins=256): returns the threshold in data units.
 */
export function otsuThreshold(values: ArrayLike<number>, mask?: Uint8Array): number {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    if (mask && !mask[i]) continue;
    const v = values[i];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (!(hi > lo)) return lo;
  const bins = 256;
  const hist = new Float64Array(bins);
  const scale = bins / (hi - lo);
  for (let i = 0; i < values.length; i++) {
    if (mask && !mask[i]) continue;
    hist[Math.min(bins - 1, Math.floor((values[i] - lo) * scale))]++;
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
