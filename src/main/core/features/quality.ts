import { fft2 } from './fft';
import { selectInPlace } from './objects';

/**
 * MeasureImageQuality's Correlation at each scale, as CellProfiler 4.2.8 computes it: centrosome's
 * Haralick H3 of the whole image as one object, offset (0, scale) (pixel pairs `scale` columns
 * apart), after stretching the image's min..max to 0..1 and quantising to 8 levels (⌊8·v⌋,
 * the top value in level 7). Non-finite (a flat image, no pairs) is stored as 0. The quantised
 * image does not depend on the scale, so it is made once.
 */
export function haralickCorrelations(u: Float64Array, w: number, h: number, scales: number[]): number[] {
  let min = Infinity, max = -Infinity;
  for (let i = 0; i < u.length; i++) {
    if (u[i] < min) min = u[i];
    if (u[i] > max) max = u[i];
  }
  const div = max > min ? max - min : 1;
  const q = new Uint8Array(u.length);
  let levels = 1;
  for (let i = 0; i < u.length; i++) {
    const l = Math.min(7, Math.max(0, Math.floor((u[i] - min) / div / 0.125)));
    q[i] = l;
    if (l + 1 > levels) levels = l + 1;
  }
  return scales.map((scale) => correlationAt(q, levels, w, h, scale));
}

function correlationAt(q: Uint8Array, levels: number, w: number, h: number, scale: number): number {
  if (w <= scale) return 0;
  const counts = new Float64Array(levels * levels);
  let pairs = 0;
  for (let y = 0; y < h; y++)
    for (let x = 0; x + scale < w; x++) {
      counts[q[y * w + x] * levels + q[y * w + x + scale]]++;
      pairs++;
    }
  const P = counts.map((c) => c / pairs);
  const px = new Float64Array(levels), py = new Float64Array(levels);
  for (let a = 0; a < levels; a++)
    for (let b = 0; b < levels; b++) {
      px[a] += P[a * levels + b];
      py[b] += P[a * levels + b];
    }
  const sx = px.reduce((s, v) => s + v, 0), sy = py.reduce((s, v) => s + v, 0);
  let mux = 0, muy = 0;
  for (let l = 0; l < levels; l++) {
    px[l] /= sx;
    py[l] /= sy;
    mux += (l + 1) * px[l];
    muy += (l + 1) * py[l];
  }
  let vx = 0, vy = 0, sum = 0;
  for (let l = 0; l < levels; l++) {
    vx += (l + 1 - mux) ** 2 * px[l];
    vy += (l + 1 - muy) ** 2 * py[l];
  }
  for (let a = 0; a < levels; a++) for (let b = 0; b < levels; b++) sum += (a + 1) * (b + 1) * P[a * levels + b];
  const h3 = (sum - mux * muy) / (Math.sqrt(vx) * Math.sqrt(vy));
  return Number.isFinite(h3) ? h3 : 0;
}

/** numpy.median by selection (a is reordered) */
function median(a: Float64Array): number {
  const n = a.length;
  const k = (n - 1) >> 1;
  selectInPlace(a, 0, n - 1, k);
  if (n % 2) return a[k];
  let next = Infinity;
  for (let i = k + 1; i < n; i++) if (a[i] < next) next = a[i];
  return (a[k] + next) / 2;
}

/**
 * MeasureImageQuality's PowerLogLogSlope (CellProfiler 4.2.8 calculate_power_spectrum with
 * centrosome's radial_power_spectrum.rps): the image divided by its median absolute deviation
 * from the mean, minus its mean, Fourier transformed; |F| and |F|² summed over rings of radius
 * ⌊√r²⌋ + 1 = 2 … ⌊min(w, h)/8⌋ − 1, where r² = min(i², (h−1−i)²) + min(j², (w−1−j)²) (rps' own
 * folding of the spectrum); the slope of the least-squares line of log power on log radius over
 * the rings with magnitude > 0. 0 for a flat image or fewer than two rings.
 */
export function powerLogLogSlope(u: Float64Array, w: number, h: number): number {
  const n = u.length;
  let min = Infinity, max = -Infinity, sum = 0;
  for (let i = 0; i < n; i++) {
    if (u[i] < min) min = u[i];
    if (u[i] > max) max = u[i];
    sum += u[i];
  }
  const last = Math.floor(Math.min(w, h) / 8);
  if (!(max > min) || last <= 2) return 0;
  const mean = sum / n;
  const dev = new Float64Array(n);
  for (let i = 0; i < n; i++) dev[i] = Math.abs(u[i] - mean);
  const mad = median(dev);
  const img = new Float64Array(n);
  let s2 = 0;
  for (let i = 0; i < n; i++) s2 += img[i] = u[i] / mad;
  const m2 = s2 / n;
  for (let i = 0; i < n; i++) img[i] -= m2;
  // only the low frequencies of the folded rings are summed: the other columns need no transform
  const { re, im } = fft2(img, w, h, (x) => Math.min(x, w - 1 - x) < last);
  const mag = new Float64Array(last), pow = new Float64Array(last);
  for (let y = 0; y < h; y++) {
    const iy = Math.min(y * y, (h - 1 - y) ** 2);
    if (iy >= last * last) continue;
    // columns with min(x, w − 1 − x) ≥ last fall outside every ring: only the two ends are visited
    for (let x = 0; x < w; x = x + 1 === last && w - last > x + 1 ? w - last : x + 1) {
      const r = Math.floor(Math.sqrt(iy + Math.min(x * x, (w - 1 - x) ** 2))) + 1;
      if (r < 2 || r >= last) continue;
      const k = y * w + x;
      const p = re[k] * re[k] + im[k] * im[k];
      mag[r] += Math.sqrt(p);
      pow[r] += p;
    }
  }
  let total = 0;
  for (let r = 2; r < last; r++) total += mag[r];
  if (!(total > 0)) return 0;
  const xs: number[] = [], ys: number[] = [];
  for (let r = 2; r < last; r++) {
    if (!(mag[r] > 0)) continue;
    const lp = Math.log(pow[r]);
    if (!Number.isFinite(lp)) continue;
    xs.push(Math.log(r));
    ys.push(lp);
  }
  if (xs.length < 2) return 0;
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length, my = ys.reduce((a, b) => a + b, 0) / ys.length;
  let sxy = 0, sxx = 0;
  for (let k = 0; k < xs.length; k++) {
    sxy += (xs[k] - mx) * (ys[k] - my);
    sxx += (xs[k] - mx) ** 2;
  }
  return sxy / sxx;
}
