/**
 * Image filters over Float32Array planes (row-major, w×h). Box blurs are O(1) per pixel
 * whatever the radius; three passes approximate a Gaussian, which is all the simulator needs
 * for point-spread functions, band-limited noise and defocus.
 */

/**
 * One horizontal + vertical box blur of radius r (window 2r+1), edges clamped; src may equal dst.
 * The vertical pass walks rows with a running sum per column, so memory is read in order.
 */
function boxBlurOnce(src: Float32Array, dst: Float32Array, tmp: Float32Array, w: number, h: number, r: number): void {
  const norm = 1 / (2 * r + 1);
  for (let y = 0; y < h; y++) {
    const row = y * w;
    let acc = 0;
    for (let k = -r; k <= r; k++) acc += src[row + (k < 0 ? 0 : k >= w ? w - 1 : k)];
    const last = row + w - 1;
    for (let x = 0; x < w; x++) {
      tmp[row + x] = acc * norm;
      const a = row + x + r + 1;
      const b = row + x - r;
      acc += src[a > last ? last : a] - src[b < row ? row : b];
    }
  }
  const colAcc = new Float32Array(w);
  for (let k = -r; k <= r; k++) {
    const yy = k < 0 ? 0 : k >= h ? h - 1 : k;
    const o = yy * w;
    for (let x = 0; x < w; x++) colAcc[x] += tmp[o + x];
  }
  for (let y = 0; y < h; y++) {
    const o = y * w;
    const ya = y + r + 1;
    const yb = y - r;
    const oa = (ya >= h ? h - 1 : ya) * w;
    const ob = (yb < 0 ? 0 : yb) * w;
    for (let x = 0; x < w; x++) {
      dst[o + x] = colAcc[x] * norm;
      colAcc[x] += tmp[oa + x] - tmp[ob + x];
    }
  }
}

/**
 * Approximate Gaussian blur of standard deviation sigma (three box passes with a radius chosen
 * so the variance matches). Returns a new plane; sigma < 0.3 returns a copy.
 */
export function gaussBlur(src: Float32Array, w: number, h: number, sigma: number): Float32Array {
  const out = new Float32Array(src);
  if (sigma < 0.3) return out;
  // variance of a box of width 2r+1 is ((2r+1)^2 - 1) / 12; three passes add up.
  const r = Math.max(1, Math.round((Math.sqrt(4 * sigma * sigma + 1) - 1) / 2));
  const tmp = new Float32Array(src.length);
  for (let pass = 0; pass < 3; pass++) boxBlurOnce(out, out, tmp, w, h, r);
  return out;
}

/** Normalise in place to zero mean and unit standard deviation. */
export function standardise(a: Float32Array): Float32Array {
  let s = 0;
  let s2 = 0;
  for (let i = 0; i < a.length; i++) {
    s += a[i];
    s2 += a[i] * a[i];
  }
  const m = s / a.length;
  const sd = Math.sqrt(Math.max(1e-12, s2 / a.length - m * m));
  const inv = 1 / sd;
  for (let i = 0; i < a.length; i++) a[i] = (a[i] - m) * inv;
  return a;
}

/**
 * Separable [1 2 1]/4 binomial filter (σ ≈ 0.71 px per application), edges clamped. Much cheaper
 * than a box cascade for the small blurs of a point-spread function.
 */
export function binomial(src: Float32Array, w: number, h: number, times = 1): Float32Array {
  let a = new Float32Array(src);
  const tmp = new Float32Array(src.length);
  for (let t = 0; t < times; t++) {
    for (let y = 0; y < h; y++) {
      const o = y * w;
      tmp[o] = 0.75 * a[o] + 0.25 * a[o + 1];
      for (let x = 1; x < w - 1; x++) tmp[o + x] = 0.25 * (a[o + x - 1] + a[o + x + 1]) + 0.5 * a[o + x];
      tmp[o + w - 1] = 0.75 * a[o + w - 1] + 0.25 * a[o + w - 2];
    }
    const out = new Float32Array(src.length);
    for (let y = 0; y < h; y++) {
      const o = y * w;
      const up = (y > 0 ? y - 1 : 0) * w;
      const dn = (y < h - 1 ? y + 1 : h - 1) * w;
      for (let x = 0; x < w; x++) out[o + x] = 0.25 * (tmp[up + x] + tmp[dn + x]) + 0.5 * tmp[o + x];
    }
    a = out;
  }
  return a;
}
