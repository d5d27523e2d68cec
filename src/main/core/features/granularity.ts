import { maxTree, reconstructUnder } from './maxTree';
import { newBlock, type FeatureBlock, type ObjectIndex } from './objects';

/**
 * CellProfiler 4.2 MeasureGranularity with JUMP_analysis_v3's settings: subsample 0.5,
 * background image sample 0.5, background removal by grey opening with a disk of radius 10 (then bilinear
 * upsampling and subtraction), 16 spectrum steps of erosion by disk(1) followed by
 * reconstruction by dilation under the background-free image. Per object, step k's value is the
 * drop of the object's mean (of the reconstruction upsampled to full size) between steps k−1
 * and k, in percent of the starting mean (the raw image's, at full size).
 */
export const GRANULARITY_STEPS = 16;
export const granularityNames = (channel: string) => Array.from({ length: GRANULARITY_STEPS }, (_, k) => `Granularity_${k + 1}_${channel}`);

export interface GranularitySpectrum {
  width: number;
  height: number;
  /** sampling factor from the original image to this grid */
  scale: number;
  fullWidth: number;
  fullHeight: number;
  /** background-subtracted subsampled image (step 0) */
  base: Float64Array;
  /** reconstruction after each step */
  steps: Float64Array[];
}

/** scipy's 'reflect' edge (d c b a | a b c d | d c b a), repeated for offsets beyond the image */
const mirror = (i: number, n: number) => {
  while (i < 0 || i >= n) i = i < 0 ? -i - 1 : 2 * n - i - 1;
  return i;
};

/** scipy.ndimage.map_coordinates(order=1) on the grid k/scale (coordinates never leave the image here). */
function resample(src: Float64Array, w: number, h: number, nw: number, nh: number, fy: (k: number) => number, fx: (k: number) => number): Float64Array {
  const out = new Float64Array(nw * nh);
  // the column weights are the same on every row
  const cx0 = new Int32Array(nw), cx1 = new Int32Array(nw), ctx = new Float64Array(nw);
  for (let c = 0; c < nw; c++) {
    const x = fx(c);
    const x0 = Math.min(w - 1, Math.floor(x));
    cx0[c] = x0;
    cx1[c] = Math.min(w - 1, x0 + 1);
    ctx[c] = x - x0;
  }
  for (let r = 0; r < nh; r++) {
    const y = fy(r);
    const y0 = Math.min(h - 1, Math.floor(y));
    const ty = y - y0;
    const o0 = y0 * w, o1 = Math.min(h - 1, y0 + 1) * w;
    for (let c = 0; c < nw; c++) {
      const x0 = cx0[c], x1 = cx1[c], tx = ctx[c];
      out[r * nw + c] = (1 - ty) * ((1 - tx) * src[o0 + x0] + tx * src[o0 + x1]) + ty * ((1 - tx) * src[o1 + x0] + tx * src[o1 + x1]);
    }
  }
  return out;
}

/** sliding-window max of width 2·hw + 1 along each row, reflect edges (van Herk / Gil–Werman: O(1) per pixel) */
function rowMax(src: Float64Array, w: number, h: number, hw: number, out: Float64Array): void {
  const k = 2 * hw + 1;
  const len = w + 2 * hw;
  const pad = new Float64Array(len), g = new Float64Array(len), hh = new Float64Array(len);
  for (let y = 0; y < h; y++) {
    const row = y * w;
    for (let t = 0; t < len; t++) pad[t] = src[row + mirror(t - hw, w)];
    for (let t = 0; t < len; t++) g[t] = t % k === 0 || pad[t] > g[t - 1] ? pad[t] : g[t - 1];
    for (let t = len - 1; t >= 0; t--) hh[t] = t === len - 1 || (t + 1) % k === 0 || pad[t] > hh[t + 1] ? pad[t] : hh[t + 1];
    for (let x = 0; x < w; x++) out[row + x] = hh[x] > g[x + k - 1] ? hh[x] : g[x + k - 1];
  }
}

/**
 * greyMorph with disk(r), decomposed into its rows: the disk is the union of horizontal chords
 * (half-width ⌊√(r² − dy²)⌋ at row offset dy), so the result is the min (max) over dy of a
 * sliding-window min (max) of that width on row y + dy. Same values as the direct footprint,
 * reflect edges included; the minimum is the maximum of the negated image (negation is exact).
 */
export function diskMorph(src: Float64Array, w: number, h: number, r: number, max: boolean): Float64Array {
  const widths = new Int32Array(2 * r + 1);
  for (let dy = -r; dy <= r; dy++) {
    let hw = 0;
    while ((hw + 1) * (hw + 1) + dy * dy <= r * r) hw++;
    widths[dy + r] = hw;
  }
  const img = max ? src : Float64Array.from(src, (v) => -v);
  const byWidth = new Map<number, Float64Array>();
  for (const hw of new Set(widths)) {
    const out = new Float64Array(w * h);
    rowMax(img, w, h, hw, out);
    byWidth.set(hw, out);
  }
  const rowsOf = Array.from(widths, (hw) => byWidth.get(hw)!);
  const res = new Float64Array(w * h).fill(-Infinity);
  for (let y = 0; y < h; y++) {
    const o = y * w;
    for (let dy = -r; dy <= r; dy++) {
      const rows = rowsOf[dy + r];
      const s = mirror(y + dy, h) * w;
      for (let x = 0; x < w; x++) {
        const v = rows[s + x];
        if (v > res[o + x]) res[o + x] = v;
      }
    }
  }
  if (!max) for (let i = 0; i < res.length; i++) res[i] = -res[i];
  return res;
}

/** 3×3 cross erosion (disk(1)) with reflect edges: the mirrored neighbour is the pixel itself */
function erodeCross(src: Float64Array, w: number, h: number, out: Float64Array): Float64Array {
  for (let y = 0; y < h; y++) {
    const o = y * w;
    // rows above and below, mirrored at the border (then the pixel's own row)
    const up = y > 0 ? -w : 0, dn = y < h - 1 ? w : 0;
    for (let x = 0; x < w; x++) {
      const i = o + x;
      let m = src[i];
      const l = x > 0 ? src[i - 1] : m, r = x < w - 1 ? src[i + 1] : m, u = src[i + up], d = src[i + dn];
      if (l < m) m = l;
      if (r < m) m = r;
      if (u < m) m = u;
      if (d < m) m = d;
      out[i] = m;
    }
  }
  return out;
}

export function granularitySpectrum(img: Float64Array, width: number, height: number, opts: { subsample?: number; imageSample?: number; elementSize?: number; steps?: number } = {}): GranularitySpectrum {
  const { subsample = 0.5, imageSample = 0.5, elementSize = 10, steps = GRANULARITY_STEPS } = opts;
  let w = width, h = height;
  let pixels: Float64Array = img;
  if (subsample < 1) {
    w = Math.ceil(width * subsample);
    h = Math.ceil(height * subsample);
    pixels = resample(img, width, height, w, h, (k) => k / subsample, (k) => k / subsample);
  }
  let bw = w, bh = h;
  let back: Float64Array = pixels;
  // CellProfiler keeps the shapes as floats (new_shape = shape·subsample): grids have ⌈shape⌉
  // points, and the upsampling scales use the float shapes
  const sw = subsample < 1 ? width * subsample : width, sh = subsample < 1 ? height * subsample : height;
  if (imageSample < 1) {
    bw = Math.ceil(sw * imageSample);
    bh = Math.ceil(sh * imageSample);
    back = resample(pixels, w, h, bw, bh, (k) => k / imageSample, (k) => k / imageSample);
  }
  back = diskMorph(diskMorph(back, bw, bh, elementSize, false), bw, bh, elementSize, true);
  if (imageSample < 1) {
    const qy = (sh * imageSample - 1) / (sh - 1), qx = (sw * imageSample - 1) / (sw - 1);
    back = resample(back, bw, bh, w, h, (k) => k * qy, (k) => k * qx);
  }
  const base = new Float64Array(w * h);
  for (let i = 0; i < base.length; i++) base[i] = Math.max(0, pixels[i] - back[i]);
  const out: Float64Array[] = [];
  // every step reconstructs under the same image, so its max-tree is built once
  const tree = maxTree(base, w, h);
  const scratch = new Float64Array(2 * w * h);
  let ero: Float64Array = base;
  let next: Float64Array = new Float64Array(w * h);
  for (let s = 0; s < steps; s++) {
    const e = erodeCross(ero, w, h, next);
    next = ero === base ? new Float64Array(w * h) : ero;
    ero = e;
    out.push(reconstructUnder(tree, ero, new Float64Array(w * h), scratch));
  }
  return { width: w, height: h, fullWidth: width, fullHeight: height, scale: subsample < 1 ? subsample : 1, base, steps: out };
}

/**
 * Per-object means of a subsampled image after CellProfiler's bilinear upsampling back to full
 * size (map_coordinates order 1 at y·(h_f − 1)/(H − 1)): linear in the image, so each object's
 * mean is a fixed weighted sum over grid cells, built once per compartment and reused for every
 * step and channel.
 */
export interface UpsampleMeans {
  start: Int32Array;
  cell: Int32Array;
  weight: Float64Array;
  count: Float64Array;
}

export function upsampleMeans(ix: ObjectIndex, spec: { width: number; height: number; fullWidth: number; fullHeight: number; scale: number }): UpsampleMeans {
  const { width: W, ids, start, pixels, bbox } = ix;
  const { width: w, height: h, fullWidth, fullHeight, scale } = spec;
  const n = ids.length;
  const qy = fullHeight > 1 ? (fullHeight * scale - 1) / (fullHeight - 1) : 0;
  const qx = fullWidth > 1 ? (fullWidth * scale - 1) / (fullWidth - 1) : 0;
  const parts: Array<{ cell: Int32Array; weight: Float64Array }> = [];
  const count = new Float64Array(n);
  const offs = new Int32Array(n + 1);
  for (let k = 0; k < n; k++) {
    // weights accumulate on the object's footprint in the grid, then only non-zero cells are kept
    const gx0 = Math.floor(bbox[4 * k] * qx), gy0 = Math.floor(bbox[4 * k + 1] * qy);
    const gx1 = Math.min(w - 1, Math.floor(bbox[4 * k + 2] * qx) + 1), gy1 = Math.min(h - 1, Math.floor(bbox[4 * k + 3] * qy) + 1);
    const gw = gx1 - gx0 + 1;
    const acc = new Float64Array(gw * (gy1 - gy0 + 1));
    for (let p = start[k]; p < start[k + 1]; p++) {
      const i = pixels[p];
      const y = (i / W) | 0;
      const x = i - y * W;
      const fy = y * qy, fx = x * qx;
      const y0 = Math.min(h - 1, Math.floor(fy)), x0 = Math.min(w - 1, Math.floor(fx));
      const ty = fy - y0, tx = fx - x0;
      const y1 = Math.min(h - 1, y0 + 1), x1 = Math.min(w - 1, x0 + 1);
      const r0 = (y0 - gy0) * gw, r1 = (y1 - gy0) * gw;
      acc[r0 + x0 - gx0] += (1 - ty) * (1 - tx);
      acc[r0 + x1 - gx0] += (1 - ty) * tx;
      acc[r1 + x0 - gx0] += ty * (1 - tx);
      acc[r1 + x1 - gx0] += ty * tx;
    }
    let nz = 0;
    for (let q = 0; q < acc.length; q++) if (acc[q] !== 0) nz++;
    const cell = new Int32Array(nz), weight = new Float64Array(nz);
    for (let q = 0, t = 0; q < acc.length; q++)
      if (acc[q] !== 0) {
        cell[t] = (gy0 + Math.floor(q / gw)) * w + gx0 + (q % gw);
        weight[t++] = acc[q];
      }
    parts.push({ cell, weight });
    count[k] = start[k + 1] - start[k];
    offs[k + 1] = offs[k] + nz;
  }
  const cell = new Int32Array(offs[n]), weight = new Float64Array(offs[n]);
  parts.forEach((pt, k) => {
    cell.set(pt.cell, offs[k]);
    weight.set(pt.weight, offs[k]);
  });
  return { start: offs, cell, weight, count };
}

/**
 * Per-object spectrum as CellProfiler computes it: the running mean starts from the raw
 * image's mean over the object at full size, and each step's reconstruction is upsampled back
 * to full size before its per-object mean.
 */
export function measureGranularity(spec: GranularitySpectrum, ix: ObjectIndex, raw: Float64Array, op: UpsampleMeans, channel: string): FeatureBlock {
  const { ids, start, pixels } = ix;
  const n = ids.length;
  const block = newBlock(granularityNames(channel), n);
  const cur = new Float64Array(n);
  const startMean = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    let s = 0;
    for (let p = start[k]; p < start[k + 1]; p++) s += raw[pixels[p]];
    cur[k] = s / op.count[k];
    startMean[k] = Math.max(cur[k], Number.EPSILON);
  }
  for (let s = 0; s < spec.steps.length; s++) {
    const rec = spec.steps[s];
    const col = block.values[s];
    for (let k = 0; k < n; k++) {
      let sum = 0;
      for (let t = op.start[k]; t < op.start[k + 1]; t++) sum += op.weight[t] * rec[op.cell[t]];
      const m = sum / op.count[k];
      col[k] = ((cur[k] - m) * 100) / startMean[k];
      cur[k] = m;
    }
  }
  return block;
}
