import type { Gray } from '../io/tiff';
import type { Labels } from '../segment/labels';
import { imageGranularity, type GranularityResult } from './granularity';
import { indexObjects, selectInPlace, type ObjectIndex } from './objects';
import { measureTexture } from './texture';
import { haralickCorrelations, powerLogLogSlope } from './quality';
import { otsuThreshold } from './threshold';
import { jumpThresholds } from './thresholdStep';
import { BUCKETS, rankValues, windowDeviations } from './rankSelect';
import { deviationRanks, GRID, grayGrid, levelRange, onGrid, type Grid } from './grid';
import type { Kernel } from '../wasm/instance';
import { qualityKernel, type QualityExports } from '../wasm/quality';

/**
 * Whole-image measurements of JUMP_analysis_v3 (names without the Image_ prefix; one value each):
 * MeasureGranularity's image spectrum, MeasureTexture on whole images, and MeasureImageIntensity
 * of each channel and of its background (the channel masked to the pixels outside every cell,
 * including cells on the border: MaskImage with CellsIncludingEdges, inverted), and the
 * Image_Threshold_* of JUMP's threshold steps (thresholdStep.ts).
 */
export interface ImageMeasurements {
  names: string[];
  values: number[];
}

/** JUMP's image names for the masked channels: AGP__BackgroundOnly and ER__BackgroundOnly have two underscores */
export const backgroundName = (channel: string) => `${channel}${channel === 'AGP' || channel === 'ER' ? '__' : '_'}BackgroundOnly`;

const INTENSITY = ['TotalIntensity', 'MeanIntensity', 'MedianIntensity', 'StdIntensity', 'MADIntensity', 'MaxIntensity', 'MinIntensity', 'TotalArea', 'PercentMaximal', 'LowerQuartileIntensity', 'UpperQuartileIntensity'];

/**
 * numpy.percentile (linear, position (n−1)·q) by selection: a is partially reordered; values
 * before `from` must already be ≤ the rest (increasing q can pass the previous index).
 */
function percentile(a: Float64Array, q: number, from = 0): { value: number; index: number } {
  const n = a.length;
  const pos = (n - 1) * q;
  const i = Math.floor(pos);
  const f = pos - i;
  selectInPlace(a, from, n - 1, i);
  if (f === 0 || i + 1 >= n) return { value: a[i], index: i };
  let next = Infinity;
  for (let t = i + 1; t < n; t++) if (a[t] < next) next = a[t];
  return { value: a[i] + (next - a[i]) * f, index: i };
}

/** the value at rank r (0-based) of the sorted sample described by counts */
function rankValue(c: Int32Array, r: number): number {
  for (let k = 0, seen = 0; k <= GRID; k++) {
    seen += c[k];
    if (seen > r) return k / GRID;
  }
  return NaN;
}

/** numpy.percentile (linear) from counts: same values as `percentile` on the sample */
function countsPercentile(c: Int32Array, n: number, q: number): number {
  const pos = (n - 1) * q;
  const i = Math.floor(pos);
  const f = pos - i;
  const a = rankValue(c, i);
  if (f === 0 || i + 1 >= n) return a;
  return a + (rankValue(c, i + 1) - a) * f;
}

/** numpy.percentile (linear) of |v − m| at q = 0.5 from counts: MeasureImageIntensity's MAD */
function countsMad(c: Int32Array, n: number, m: number): number {
  const pos = (n - 1) * 0.5;
  const i = Math.floor(pos);
  const f = pos - i;
  const got = deviationRanks(c, m, i, f === 0 || i + 1 >= n ? 1 : 2);
  return got.length === 1 ? got[0] : got[0] + (got[1] - got[0]) * f;
}

/** MeasureImageIntensity of one set of pixel values (0–1); grid: theirs (onGrid) when the caller has it */
export function imageIntensity(values: Float64Array, grid = onGrid(values)): number[] {
  return intensityMoments(values, grid ? grid.counts : null).stats;
}

/**
 * imageIntensity's values, with the sum of squared deviations from the mean and the count at the
 * minimum, which ImageQuality's FocusScore and PercentMinimal reuse (the same sums, computed once).
 * c: the values' level counts on the grid (the extremes, their counts and the order statistics
 * come from them), else null.
 */
function intensityMoments(values: Float64Array, c: Int32Array | null): { stats: number[]; ss: number; atMin: number } {
  const n = values.length;
  if (!n) return { stats: INTENSITY.map(() => 0), ss: 0, atMin: 0 };
  const v = values;
  let sum = 0, min = Infinity, max = -Infinity, atMax = 0, atMin = 0;
  if (c) {
    for (let i = 0; i < n; i++) sum += v[i];
    const [lo, hi] = levelRange(c);
    min = lo / GRID;
    max = hi / GRID;
    atMin = c[lo];
    atMax = c[hi];
  } else
    for (let i = 0; i < n; i++) {
      sum += v[i];
      if (v[i] < min) min = v[i];
      if (v[i] > max) max = v[i];
    }
  const mean = sum / n;
  let ss = 0;
  if (c) for (let i = 0; i < n; i++) ss += (v[i] - mean) ** 2;
  else
    for (let i = 0; i < n; i++) {
      ss += (v[i] - mean) ** 2;
      if (v[i] === max) atMax++;
      if (v[i] === min) atMin++;
    }
  // no closure here: a variable an inner function reads lives in a heap context, and the sums
  // above would load and store it every pixel
  const [lq, median, uq, mad] = c ? countsQuartilesMad(c, n) : bucketQuartilesMad(v, sum, min, max);
  return { stats: [sum, mean, median, Math.sqrt(ss / n), mad, max, min, n, (100 * atMax) / n, lq, uq], ss, atMin };
}

/** lower quartile, median, upper quartile and MAD of the sample the counts describe */
function countsQuartilesMad(c: Int32Array, n: number): [number, number, number, number] {
  const median = countsPercentile(c, n, 0.5);
  return [countsPercentile(c, n, 0.25), median, countsPercentile(c, n, 0.75), countsMad(c, n, median)];
}

/** numpy.percentile (linear) at q from the values at its two ranks (rankValues) */
function percentileRanks(n: number, q: number): { ranks: number[]; f: number } {
  const pos = (n - 1) * q;
  const i = Math.floor(pos);
  const f = pos - i;
  return { ranks: f === 0 || i + 1 >= n ? [i] : [i, i + 1], f };
}

const interpolate = (got: number[], f: number) => (got.length === 1 ? got[0] : got[0] + (got[1] - got[0]) * f);

/**
 * quartilesMad's values by rankValues (sum, min and max: v's, as intensityMoments found them);
 * a NaN, ±∞ or −0 (whose place selection leaves open) takes quartilesMad itself.
 */
function bucketQuartilesMad(v: Float64Array, sum: number, min: number, max: number): [number, number, number, number] {
  if (!Number.isFinite(sum) || (min === 0 && hasNegativeZero(v))) return quartilesMad(v);
  const n = v.length;
  const qs = [0.25, 0.5, 0.75].map((q) => percentileRanks(n, q));
  const hist = new Int32Array(BUCKETS);
  const got = rankValues(v, min, max, qs.flatMap((q) => q.ranks), undefined, hist);
  const [lq, median, uq] = qs.map((q) => interpolate(got.splice(0, q.ranks.length), q.f));
  const m = percentileRanks(n, 0.5);
  // the deviations near the median's bucket, by one pass; all of them, bucketed, when that misses
  const devs = windowDeviations(v, min, max, hist, median, m.ranks) ?? rankValues(v, 0, Math.max(max - median, median - min), m.ranks, median);
  const mad = interpolate(devs, m.f);
  return [lq, median, uq, mad];
}

function hasNegativeZero(v: Float64Array): boolean {
  for (let i = 0; i < v.length; i++) if (v[i] === 0 && 1 / v[i] < 0) return true;
  return false;
}

/** lower quartile, median, upper quartile and MAD of v, by selection on a copy */
function quartilesMad(v: Float64Array): [number, number, number, number] {
  const w = Float64Array.from(v);
  const lq = percentile(w, 0.25);
  const median = percentile(w, 0.5, lq.index).value;
  const uq = percentile(w, 0.75, lq.index).value;
  for (let i = 0; i < w.length; i++) w[i] = Math.abs(w[i] - median);
  return [lq.value, median, uq, percentile(w, 0.5).value];
}

/** intensityMoments of the pixels at `outside` (ascending); on the grid their level counts are gathered in the same pass */
function backgroundMoments(u: Float64Array, grid: Grid | null, outside: Int32Array): ReturnType<typeof intensityMoments> {
  const bg = new Float64Array(outside.length);
  if (!grid) {
    for (let t = 0; t < outside.length; t++) bg[t] = u[outside[t]];
    return intensityMoments(bg, null);
  }
  const counts = new Int32Array(GRID + 1), levels = grid.levels;
  for (let t = 0; t < outside.length; t++) {
    const i = outside[t];
    bg[t] = u[i];
    counts[levels[i]]++;
  }
  return intensityMoments(bg, counts);
}

/** MeasureImageQuality's blur scales in JUMP_analysis_v3 */
export const QUALITY_SCALES = [5, 10, 20, 50];

/**
 * LocalFocusScore at each scale: the normalised variance of each of a grid of ⌈h/scale⌉×⌈w/scale⌉
 * tiles (tile of pixel (y, x) = ⌊y·m/h⌋, ⌊x·n/w⌋), then their variance over their median. Tiles
 * are runs of whole rows and columns, so each row adds to its tiles run by run, in raster order
 * as a per-pixel loop would (the same sums; in WebAssembly, core/wasm/quality.c tile_moments).
 */
export function localFocusScores(u: Float64Array, w: number, h: number, scales: number[]): number[] {
  const q = qualityKernel();
  q.reset();
  const pu = q.put(u);
  return scales.map((scale) => localFocusScore(q, pu, w, h, scale));
}

/** localFocusScores at one scale, u at pu in the kernel's memory */
function localFocusScore(q: Kernel<QualityExports>, pu: number, w: number, h: number, scale: number): number {
  const m = Math.floor((h + scale - 1) / scale), nn = Math.floor((w + scale - 1) / scale);
  const rowOf = new Int32Array(h);
  for (let y = 0; y < h; y++) rowOf[y] = Math.floor((y * m) / h);
  // column runs: tile column j holds x = from[j] .. from[j + 1] − 1
  const from = new Int32Array(nn + 1).fill(w);
  for (let x = w - 1; x >= 0; x--) from[Math.floor((x * nn) / w)] = x;
  const rowsIn = new Float64Array(m);
  for (let y = 0; y < h; y++) rowsIn[rowOf[y]]++;
  const tiles = m * nn;
  const cnt = new Float64Array(tiles);
  for (let r = 0, g = 0; r < m; r++) for (let j = 0; j < nn; j++, g++) cnt[g] = rowsIn[r] * (from[j + 1] - from[j]);
  // the tile means and squared deviations in WebAssembly (core/wasm/quality.c)
  const pr = q.put(rowOf), pf = q.put(from), pc = q.put(cnt), plm = q.alloc(8 * tiles), psq = q.alloc(8 * tiles);
  q.exports.tile_moments(pu, w, h, pr, pf, nn, tiles, pc, plm, psq);
  const lm = q.f64(plm, tiles).slice(), sq = q.f64(psq, tiles).slice();
  const nv = new Float64Array(tiles);
  let k = 0;
  for (let g = 0; g < tiles; g++) if (lm[g] !== 0 && !Number.isNaN(lm[g])) nv[k++] = sq[g] / (cnt[g] * lm[g]);
  if (!k) return 0;
  // selection gives the sorted sample's order statistics (a zero's sign aside, which the test below ignores)
  const med = percentile(nv.slice(0, k), 0.5).value;
  if (!(Number.isFinite(med) && med > 0)) return 0;
  let total = 0;
  for (let t = 0; t < k; t++) total += nv[t];
  const mu = total / k;
  let ss = 0;
  for (let t = 0; t < k; t++) ss += (nv[t] - mu) ** 2;
  return ss / k / med;
}

/**
 * MeasureImageQuality of one image as JUMP_analysis_v3 runs it on the original channels (names
 * …_Orig<channel>): Scaling (the bit depth's maximum), intensity metrics, saturation (percent of
 * pixels at the maximum and at the minimum), FocusScore (normalised variance) and LocalFocusScore
 * per scale (variance over the median of the normalised variances of a grid of ⌈size/scale⌉ tiles),
 * Correlation per scale (quality.ts), PowerLogLogSlope, and JUMP's two Otsu thresholds (threshold.ts).
 */
function imageQuality(u: Float64Array, grid: Grid | null, w: number, h: number, bitDepth: number, channel: string, moments: ReturnType<typeof intensityMoments>): ImageMeasurements {
  const names: string[] = [];
  const values: number[] = [];
  const put = (n: string, v: number) => {
    names.push(`ImageQuality_${n}_Orig${channel}`);
    values.push(v);
  };
  const n = u.length;
  put('Scaling', bitDepth === 16 ? 65535 : 255);
  const { stats: it, ss, atMin } = moments;
  // imageIntensity: Total, Mean, Median, Std, MAD, Max, Min, TotalArea, PercentMaximal, …
  put('TotalArea', it[7]);
  put('TotalIntensity', it[0]);
  put('MeanIntensity', it[1]);
  put('MedianIntensity', it[2]);
  put('StdIntensity', it[3]);
  put('MADIntensity', it[4]);
  put('MaxIntensity', it[5]);
  put('MinIntensity', it[6]);
  put('PercentMaximal', it[8]);
  put('PercentMinimal', (100 * atMin) / n);
  const mean = it[1];
  put('FocusScore', mean > 0 ? ss / (n * mean) : 0);
  localFocusScores(u, w, h, QUALITY_SCALES).forEach((v, k) => {
    names.push(`ImageQuality_LocalFocusScore_Orig${channel}_${QUALITY_SCALES[k]}`);
    values.push(v);
  });
  haralickCorrelations(u, w, h, QUALITY_SCALES, grid).forEach((v, k) => {
    names.push(`ImageQuality_Correlation_Orig${channel}_${QUALITY_SCALES[k]}`);
    values.push(v);
  });
  put('PowerLogLogSlope', powerLogLogSlope(u, w, h, grid));
  // JUMP_analysis_v3 thresholds OrigDNA with two classes (2W) and OrigRNA with three, middle to the foreground (3FW)
  if (channel === 'DNA') {
    names.push('ImageQuality_ThresholdOtsu_OrigDNA_2W');
    values.push(otsuThreshold(u, 2, true, grid));
  }
  if (channel === 'RNA') {
    names.push('ImageQuality_ThresholdOtsu_OrigRNA_3FW');
    values.push(otsuThreshold(u, 3, true, grid));
  }
  return { names, values };
}

// the whole image as one object (MeasureTexture's image measurements), indexed once per image
// size: the index is only read
let wholeIndex: ObjectIndex | null = null;
function wholeImage(width: number, height: number): ObjectIndex {
  if (wholeIndex?.width !== width || wholeIndex.height !== height) wholeIndex = indexObjects({ width, height, data: new Int32Array(width * height).fill(1) });
  return wholeIndex;
}

/** The Image_ measurements of a site; orig: each channel's unitImage(images[c]), unit: what the other modules measure */
export function measureImage(
  images: Record<string, Gray>,
  channels: string[],
  unit: Map<string, Float64Array>,
  orig: Map<string, Float64Array>,
  grey: Map<string, Uint16Array>,
  spectra: Map<string, GranularityResult>,
  cells: Labels | undefined,
  textureScales: number[],
  greyLevels: number,
  tube?: Float64Array,
): ImageMeasurements {
  const names: string[] = [];
  const values: number[] = [];
  const { width, height } = images[channels[0]];
  const whole = wholeImage(width, height);
  const grids = new Map<string, Grid | null>();
  // the pixels outside every cell, found once for all channels' background sets (in WebAssembly,
  // core/wasm/quality.c)
  let outside: Int32Array | null = null;
  if (cells) {
    const q = qualityKernel();
    q.reset();
    const n = cells.data.length, pl = q.put(cells.data), po = q.alloc(4 * n);
    outside = q.i32(po, q.exports.unlabelled(pl, n, po)).slice();
  }
  for (const c of channels) {
    imageGranularity(spectra.get(c)!).forEach((v, k) => {
      names.push(`Granularity_${k + 1}_${c}`);
      values.push(v);
    });
    for (const b of measureTexture(whole, grey.get(c)!, c, textureScales, greyLevels, false)) {
      b.names.forEach((n, j) => {
        names.push(n);
        values.push(b.values[j][0]);
      });
    }
    const u = unit.get(c)!;
    const o = orig.get(c)!;
    // the channel's 16-bit levels and their counts, found once for all its measurements (null
    // off the grid); the Orig image's are its file's values
    const og = grayGrid(images[c]) ?? onGrid(o);
    const g = o === u ? og : onGrid(u);
    grids.set(c, g);
    const moments = intensityMoments(u, g ? g.counts : null);
    const sets: Array<[string, number[]]> = [[c, moments.stats]];
    if (outside) sets.push([backgroundName(c), backgroundMoments(u, g, outside).stats]);
    for (const [name, stats] of sets)
      stats.forEach((v, k) => {
        names.push(`Intensity_${INTENSITY[k]}_${name}`);
        values.push(v);
      });
    // JUMP's MeasureImageQuality reads the "Orig" images: the acquired channel (its own file's
    // scale), not the illumination-corrected one the other modules measure
    const q = imageQuality(o, og, width, height, images[c].bitDepth, c, o === u ? moments : intensityMoments(o, og ? og.counts : null));
    names.push(...q.names);
    values.push(...q.values);
  }
  // JUMP's threshold steps, computed on the site's channels whatever made its objects
  const t = jumpThresholds(unit, width, height, tube, grids);
  names.push(...t.names);
  values.push(...t.values);
  return { names, values };
}
