import { ringSpectrum } from './fft';
import { qualityKernel } from '../wasm/quality';
import { selectInPlace } from './objects';
import { deviationRanks, extremes, GRID, onGrid, type Grid } from './grid';

/**
 * MeasureImageQuality's Correlation at each scale, as CellProfiler 4.2.8 computes it: centrosome's
 * Haralick H3 of the whole image as one object, offset (0, scale) (pixel pairs `scale` columns
 * apart), after stretching the image's min..max to 0..1 and quantising to 8 levels (⌊8·v⌋,
 * the top value in level 7). Non-finite (a flat image, no pairs) is stored as 0. The quantised
 * image does not depend on the scale, so it is made once. grid: u's (onGrid) when the caller has it.
 */
export function haralickCorrelations(u: Float64Array, w: number, h: number, scales: number[], grid = onGrid(u)): number[] {
  const [min, max] = extremes(u, grid);
  const div = max > min ? max - min : 1;
  const n = u.length;
  const k = qualityKernel();
  k.reset();
  // quantised in WebAssembly (core/wasm/quality.c): on the grid each 16-bit level's from a table
  let pu = 0, pl = 0, pt = 0;
  if (grid) {
    const table = new Uint8Array(GRID + 1);
    for (let t = 0; t <= GRID; t++) table[t] = Math.min(7, Math.max(0, Math.floor((t / GRID - min) / div / 0.125)));
    pl = k.alloc(2 * n);
    new Uint16Array(k.exports.memory.buffer, pl, n).set(grid.levels);
    pt = k.alloc(GRID + 1);
    new Uint8Array(k.exports.memory.buffer, pt, GRID + 1).set(table);
  } else pu = k.put(u);
  const q = k.alloc(n), pc = k.alloc(4 * 64);
  const levelsUsed = k.exports.quantize8(pu, pl, pt, n, min, div, q);
  return scales.map((scale) => {
    if (w <= scale) return 0;
    k.exports.pair_counts(q, w, h, scale, pc);
    return correlationAt(k.i32(pc, 64), levelsUsed, w, h, scale);
  });
}

/** H3 from the pair counts c[a·8 + b] (pair_counts) */
function correlationAt(c: Int32Array, levels: number, w: number, h: number, scale: number): number {
  const span = w - scale;
  const counts = new Float64Array(levels * levels);
  for (let a = 0; a < levels; a++) for (let b = 0; b < levels; b++) counts[a * levels + b] = c[a * 8 + b];
  const pairs = h * span;
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

/**
 * numpy.median of |u − m|: from the 16-bit counts on the grid (the same order statistics),
 * else by selection.
 */
function medianDeviation(u: Float64Array, m: number, grid: Grid | null): number {
  const n = u.length;
  const k = (n - 1) >> 1;
  if (grid) {
    const d = deviationRanks(grid.counts, m, k, n % 2 ? 1 : 2);
    return n % 2 ? d[0] : (d[0] + d[1]) / 2;
  }
  const a = new Float64Array(n);
  for (let i = 0; i < n; i++) a[i] = Math.abs(u[i] - m);
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
 * the rings with magnitude > 0. 0 for a flat image or fewer than two rings. grid: u's (onGrid)
 * when the caller has it.
 */
export function powerLogLogSlope(u: Float64Array, w: number, h: number, grid = onGrid(u)): number {
  const n = u.length;
  const [min, max] = extremes(u, grid);
  let sum = 0;
  for (let i = 0; i < n; i++) sum += u[i];
  const last = Math.floor(Math.min(w, h) / 8);
  if (!(max > min) || last <= 2) return 0;
  const mean = sum / n;
  const mad = medianDeviation(u, mean, grid);
  // on the grid u[i] is the level's k/65535 itself: u/mad directly is the quotient a table of
  // the levels would hold, and quicker than its lookups
  let s2 = 0;
  for (let i = 0; i < n; i++) s2 += u[i] / mad;
  const m2 = s2 / n;
  // only the low frequencies of the folded rings are summed: the columns with min(x, w − 1 − x)
  // ≥ last fall outside every ring and are not transformed
  const cols: number[] = [];
  for (let x = 0; x < w; x++) if (Math.min(x, w - 1 - x) < last) cols.push(x);
  // the image over its MAD, minus its mean, transformed and summed over the rings (fft.ts)
  const { mag, pow } = ringSpectrum(u, w, h, mad, m2, Int32Array.from(cols), last);
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
