import type { Kernel } from '../wasm/instance';
import { granularityKernel, type GranularityExports } from '../wasm/granularity';
import { shapeKernel } from '../wasm/shape';
import { residentTree } from './maxTree';
import { newBlock, type FeatureBlock, type ObjectIndex } from './objects';

/**
 * CellProfiler 4.2 MeasureGranularity with JUMP_analysis_v3's settings: subsample 0.5,
 * background image sample 0.5, background removal by grey opening with a disk of radius 10 (then bilinear
 * upsampling and subtraction), 16 spectrum steps of erosion by disk(1) followed by
 * reconstruction by dilation under the background-free image. Per object, step k's value is the
 * drop of the object's mean (of the reconstruction upsampled to full size) between steps k−1
 * and k, in percent of the starting mean (the raw image's, at full size); the image's value is
 * the same drop of the subsampled image's mean.
 *
 * No reconstruction is kept: the 16 steps run side by side (each pixel's 16 values together in
 * memory, so the tree passes read one place per pixel, not 16), and each step is reduced at once
 * to its image sum and its per-object sums through the fixed upsampling weights.
 */
export const GRANULARITY_STEPS = 16;
export const granularityNames = (channel: string, steps = GRANULARITY_STEPS) => Array.from({ length: steps }, (_, k) => `Granularity_${k + 1}_${channel}`);

/**
 * The subsampled grid the spectrum is computed on. CellProfiler keeps the shapes as floats
 * (new_shape = shape·subsample): the grid has ⌈shape⌉ points, and the upsampling back to full
 * size scales by the float shapes.
 */
export interface GranularityGrid {
  width: number;
  height: number;
  /** sampling factor from the original image to this grid */
  scale: number;
  fullWidth: number;
  fullHeight: number;
}

export function granularityGrid(fullWidth: number, fullHeight: number, subsample = 0.5): GranularityGrid {
  if (subsample >= 1) return { width: fullWidth, height: fullHeight, scale: 1, fullWidth, fullHeight };
  return { width: Math.ceil(fullWidth * subsample), height: Math.ceil(fullHeight * subsample), scale: subsample, fullWidth, fullHeight };
}

/**
 * scipy.ndimage.map_coordinates(order=1) of the w×h image at `src` (in the kernel's memory) on the
 * grid (fy(r), fx(c)), nw×nh (coordinates never leave the image here): the row and column tables
 * are made here, the interpolation in the kernel. Returns the output's pointer.
 */
function resample(k: Kernel<GranularityExports>, src: number, w: number, h: number, nw: number, nh: number, fy: (k: number) => number, fx: (k: number) => number): number {
  const x0 = new Int32Array(nw), x1 = new Int32Array(nw), tx = new Float64Array(nw);
  for (let c = 0; c < nw; c++) {
    const x = fx(c);
    x0[c] = Math.min(w - 1, Math.floor(x));
    x1[c] = Math.min(w - 1, x0[c] + 1);
    tx[c] = x - x0[c];
  }
  const y0 = new Int32Array(nh), y1 = new Int32Array(nh), ty = new Float64Array(nh);
  for (let r = 0; r < nh; r++) {
    const y = fy(r);
    y0[r] = Math.min(h - 1, Math.floor(y));
    y1[r] = Math.min(h - 1, y0[r] + 1);
    ty[r] = y - y0[r];
  }
  const out = k.alloc(8 * nw * nh);
  k.exports.resample(src, w, nw, nh, k.put(y0), k.put(y1), k.put(ty), k.put(x0), k.put(x1), k.put(tx), out);
  return out;
}

/**
 * Per-object means of a subsampled image after CellProfiler's bilinear upsampling back to full
 * size (map_coordinates order 1 at y·(h_f − 1)/(H − 1)): linear in the image, so each object's
 * mean is a fixed weighted sum over grid cells, built once per compartment and reused for every
 * step and channel.
 */
export interface UpsampleMeans {
  /** the grid's size */
  width: number;
  height: number;
  start: Int32Array;
  cell: Int32Array;
  weight: Float64Array;
  count: Float64Array;
}

export function upsampleMeans(ix: ObjectIndex, spec: GranularityGrid): UpsampleMeans {
  const { width: W, ids, start, pixels, bbox } = ix;
  const { width: w, height: h, fullWidth, fullHeight, scale } = spec;
  const n = ids.length;
  const qy = fullHeight > 1 ? (fullHeight * scale - 1) / (fullHeight - 1) : 0;
  const qx = fullWidth > 1 ? (fullWidth * scale - 1) / (fullWidth - 1) : 0;
  // room for every object's cells: at most 4 a pixel, at most its footprint in the grid
  let room = 0;
  for (let k = 0; k < n; k++) {
    const gx0 = Math.floor(bbox[4 * k] * qx), gy0 = Math.floor(bbox[4 * k + 1] * qy);
    const gx1 = Math.min(w - 1, Math.floor(bbox[4 * k + 2] * qx) + 1), gy1 = Math.min(h - 1, Math.floor(bbox[4 * k + 3] * qy) + 1);
    room += Math.min(4 * (start[k + 1] - start[k]), (gx1 - gx0 + 1) * (gy1 - gy0 + 1));
  }
  // the weights are summed in the kernel (core/wasm/shape.c upsample_means)
  const kk = shapeKernel();
  kk.reset();
  const pStart = kk.put(start), pPixels = kk.put(pixels), pBox = kk.put(bbox);
  const pOffs = kk.alloc(4 * (n + 1)), pCount = kk.alloc(8 * n), pCell = kk.alloc(4 * room), pWeight = kk.alloc(8 * room);
  const total = kk.exports.upsample_means(pStart, pPixels, pBox, n, W, w, h, qy, qx, pOffs, pCount, pCell, pWeight);
  return {
    width: w,
    height: h,
    start: kk.i32(pOffs, n + 1).slice(),
    cell: kk.i32(pCell, total).slice(),
    weight: kk.f64(pWeight, total).slice(),
    count: kk.f64(pCount, n).slice(),
  };
}

/** An object set to measure, with its upsampling weights (`upsampleMeans` on the same grid). */
export interface GranularityObjects {
  ix: ObjectIndex;
  op: UpsampleMeans;
}

export interface GranularityResult {
  /** MeasureGranularity's image measurement, one value per step */
  image: number[];
  /** per object set given, its 16 columns */
  objects: FeatureBlock[];
}

/**
 * MeasureGranularity of one channel: the image's spectrum, and each object set's (the running
 * mean starts from the raw image's mean over the object at full size; each step's
 * reconstruction counts at its bilinear upsampling back to full size). Sums run in the same order
 * as a per-step computation on stored images would, so the values are the same bits.
 */
export function measureGranularity(
  img: Float64Array,
  grid: GranularityGrid,
  channel: string,
  sets: GranularityObjects[],
  opts: { imageSample?: number; elementSize?: number; steps?: number } = {},
): GranularityResult {
  const { imageSample = 0.5, elementSize = 10, steps: S = GRANULARITY_STEPS } = opts;
  const { width: w, height: h, scale: subsample, fullWidth: width, fullHeight: height } = grid;
  const n = w * h;
  // from here on the images live in the kernel's memory (core/wasm/granularity.c)
  const k = granularityKernel();
  k.reset();
  let pixels = k.put(img);
  if (subsample < 1) pixels = resample(k, pixels, width, height, w, h, (i) => i / subsample, (i) => i / subsample);
  let bw = w, bh = h;
  let back = pixels;
  const sw = subsample < 1 ? width * subsample : width, sh = subsample < 1 ? height * subsample : height;
  if (imageSample < 1) {
    bw = Math.ceil(sw * imageSample);
    bh = Math.ceil(sh * imageSample);
    back = resample(k, pixels, w, h, bw, bh, (i) => i / imageSample, (i) => i / imageSample);
  }
  // background: grey opening by disk(elementSize)
  const eroded = k.alloc(8 * bw * bh), opened = k.alloc(8 * bw * bh);
  k.exports.disk_morph(back, bw, bh, elementSize, 0, eroded);
  k.exports.disk_morph(eroded, bw, bh, elementSize, 1, opened);
  back = opened;
  if (imageSample < 1) {
    const qy = (sh * imageSample - 1) / (sh - 1), qx = (sw * imageSample - 1) / (sw - 1);
    back = resample(k, back, bw, bh, w, h, (i) => i * qy, (i) => i * qx);
  }
  const pBase = k.alloc(8 * n), pStats = k.alloc(16);
  const nan = k.exports.background_free(pixels, back, n, pBase, pStats);
  if (nan >= 0) throw new Error(`granularity: channel ${channel} has a NaN at grid pixel ${nan}`);
  const [top, baseSum] = k.f64(pStats, 2);
  // every step reconstructs under the same image, so its max-tree is built once; the steps run
  // on the ranks of its values
  const tree = residentTree(k, pBase, w, h);
  const node = k.alloc(4 * n * S), rec = k.alloc(4 * n * S), pSums = k.alloc(8 * S);
  k.exports.erode_steps(tree.rank, w, h, S, tree.nodeOf, node);
  k.exports.reconstruct_under(n, tree.order, tree.parent, tree.level, S, node, rec);
  k.exports.step_sums(rec, tree.values, n, S, pSums);
  const sums = k.f64(pSums, S);
  const image = new Array<number>(S).fill(0);
  // nothing left after background removal (a flat image): only round-off remains, whose
  // ratio to the ε floor is noise; the spectrum is 0
  if (!(top < 1e-12)) {
    let prev = baseSum / n;
    const startMean = Math.max(prev, Number.EPSILON);
    for (let s = 0; s < S; s++) {
      const cur = sums[s] / n;
      image[s] = ((prev - cur) * 100) / startMean;
      prev = cur;
    }
  }
  const objects = sets.map(({ ix, op }) => {
    if (op.width !== w || op.height !== h) throw new Error(`granularity: upsampling weights are for a ${op.width}×${op.height} grid, the spectrum's is ${w}×${h}`);
    const nobj = ix.ids.length;
    const acc = k.alloc(8 * nobj * S);
    k.exports.object_sums(rec, tree.values, S, nobj, k.put(op.start), k.put(op.cell), k.put(op.weight), acc);
    return objectSpectrum(ix, img, op, k.f64(acc, nobj * S), S, channel);
  });
  return { image, objects };
}

/**
 * One object set's columns: the running mean starts from the raw image's mean over the object;
 * acc[k·S + s] is step s's weighted sum over object k's grid cells (the kernel's object_sums).
 */
function objectSpectrum(ix: ObjectIndex, raw: Float64Array, op: UpsampleMeans, acc: Float64Array, S: number, channel: string): FeatureBlock {
  const { ids, start, pixels } = ix;
  const n = ids.length;
  const block = newBlock(granularityNames(channel, S), n);
  for (let k = 0; k < n; k++) {
    let s0 = 0;
    for (let p = start[k]; p < start[k + 1]; p++) s0 += raw[pixels[p]];
    let cur = s0 / op.count[k];
    const startMean = Math.max(cur, Number.EPSILON);
    for (let s = 0; s < S; s++) {
      const m = acc[k * S + s] / op.count[k];
      block.values[s][k] = ((cur - m) * 100) / startMean;
      cur = m;
    }
  }
  return block;
}

/** MeasureGranularity's image measurement (Image_Granularity_k_<channel>) */
export const imageGranularity = (r: GranularityResult): number[] => r.image;
