import { newBlock, type FeatureBlock } from './objects';

/**
 * CellProfiler 4.2 MeasureGranularity with its defaults: subsample 0.25, background image
 * sample 0.25, background removal by grey opening with a disk of radius 10 (then bilinear
 * upsampling and subtraction), 16 spectrum steps of erosion by disk(1) followed by
 * reconstruction by dilation under the background-free image. Per object, step k's value is the
 * drop of the object's mean between steps k−1 and k, in percent of the starting mean.
 */
export const GRANULARITY_STEPS = 16;
export const granularityNames = (channel: string) => Array.from({ length: GRANULARITY_STEPS }, (_, k) => `Granularity_${k + 1}_${channel}`);

export interface GranularitySpectrum {
  width: number;
  height: number;
  /** sampling factor from the original image to this grid */
  scale: number;
  /** background-subtracted subsampled image (step 0) */
  base: Float64Array;
  /** reconstruction after each step */
  steps: Float64Array[];
}

const mirror = (i: number, n: number) => (i < 0 ? -i - 1 : i >= n ? 2 * n - i - 1 : i);

/** scipy.ndimage.map_coordinates(order=1) on the grid k/scale (coordinates never leave the image here). */
function resample(src: Float64Array, w: number, h: number, nw: number, nh: number, fy: (k: number) => number, fx: (k: number) => number): Float64Array {
  const out = new Float64Array(nw * nh);
  for (let r = 0; r < nh; r++) {
    const y = fy(r);
    const y0 = Math.min(h - 1, Math.floor(y));
    const ty = y - y0;
    const y1 = Math.min(h - 1, y0 + 1);
    for (let c = 0; c < nw; c++) {
      const x = fx(c);
      const x0 = Math.min(w - 1, Math.floor(x));
      const tx = x - x0;
      const x1 = Math.min(w - 1, x0 + 1);
      out[r * nw + c] =
        (1 - ty) * ((1 - tx) * src[y0 * w + x0] + tx * src[y0 * w + x1]) + ty * ((1 - tx) * src[y1 * w + x0] + tx * src[y1 * w + x1]);
    }
  }
  return out;
}

/** skimage.morphology.disk(r) as (dy, dx) offsets */
function disk(r: number): Int32Array {
  const o: number[] = [];
  for (let dy = -r; dy <= r; dy++) for (let dx = -r; dx <= r; dx++) if (dy * dy + dx * dx <= r * r) o.push(dy, dx);
  return Int32Array.from(o);
}

/** grey erosion (min) or dilation (max) with a footprint, scipy's default 'reflect' edges */
function greyMorph(src: Float64Array, w: number, h: number, fp: Int32Array, max: boolean): Float64Array {
  const out = new Float64Array(src.length);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let m = max ? -Infinity : Infinity;
      for (let k = 0; k < fp.length; k += 2) {
        const v = src[mirror(y + fp[k], h) * w + mirror(x + fp[k + 1], w)];
        if (max ? v > m : v < m) m = v;
      }
      out[y * w + x] = m;
    }
  }
  return out;
}

/** 3×3 cross erosion (disk(1)) with reflect edges: the mirrored neighbour is the pixel itself */
function erodeCross(src: Float64Array, w: number, h: number): Float64Array {
  const out = new Float64Array(src.length);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      let m = src[i];
      if (x > 0 && src[i - 1] < m) m = src[i - 1];
      if (x < w - 1 && src[i + 1] < m) m = src[i + 1];
      if (y > 0 && src[i - w] < m) m = src[i - w];
      if (y < h - 1 && src[i + w] < m) m = src[i + w];
      out[i] = m;
    }
  }
  return out;
}

/**
 * Grey reconstruction by dilation of `seed` under `mask`, 4-connected (skimage.morphology
 * .reconstruction with footprint disk(1)); Vincent's hybrid raster + queue algorithm.
 */
export function reconstructByDilation(seed: Float64Array, mask: Float64Array, w: number, h: number, scratchQueue?: Int32Array): Float64Array {
  const J = new Float64Array(seed.length);
  for (let i = 0; i < J.length; i++) J[i] = Math.min(seed[i], mask[i]);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      let v = J[i];
      if (x > 0 && J[i - 1] > v) v = J[i - 1];
      if (y > 0 && J[i - w] > v) v = J[i - w];
      J[i] = Math.min(v, mask[i]);
    }
  }
  const queue = scratchQueue && scratchQueue.length >= J.length * 4 + 16 ? scratchQueue : new Int32Array(J.length * 4 + 16);
  let qh = 0, qt = 0;
  for (let y = h - 1; y >= 0; y--) {
    for (let x = w - 1; x >= 0; x--) {
      const i = y * w + x;
      let v = J[i];
      if (x < w - 1 && J[i + 1] > v) v = J[i + 1];
      if (y < h - 1 && J[i + w] > v) v = J[i + w];
      v = Math.min(v, mask[i]);
      J[i] = v;
      if ((x < w - 1 && J[i + 1] < v && J[i + 1] < mask[i + 1]) || (y < h - 1 && J[i + w] < v && J[i + w] < mask[i + w])) queue[qt++] = i;
    }
  }
  const size = queue.length;
  while (qh !== qt) {
    const i = queue[qh];
    qh = (qh + 1) % size;
    const y = (i / w) | 0;
    const x = i - y * w;
    const v = J[i];
    for (let e = 0; e < 4; e++) {
      let j: number;
      if (e === 0) { if (x === 0) continue; j = i - 1; }
      else if (e === 1) { if (x === w - 1) continue; j = i + 1; }
      else if (e === 2) { if (y === 0) continue; j = i - w; }
      else { if (y === h - 1) continue; j = i + w; }
      if (J[j] < v && mask[j] !== J[j]) {
        J[j] = Math.min(v, mask[j]);
        queue[qt] = j;
        qt = (qt + 1) % size;
      }
    }
  }
  return J;
}

export function granularitySpectrum(img: Float64Array, width: number, height: number, opts: { subsample?: number; imageSample?: number; elementSize?: number; steps?: number } = {}): GranularitySpectrum {
  const { subsample = 0.25, imageSample = 0.25, elementSize = 10, steps = GRANULARITY_STEPS } = opts;
  let w = width, h = height;
  let pixels: Float64Array = img;
  if (subsample < 1) {
    w = Math.ceil(width * subsample);
    h = Math.ceil(height * subsample);
    pixels = resample(img, width, height, w, h, (k) => k / subsample, (k) => k / subsample);
  }
  let bw = w, bh = h;
  let back: Float64Array = pixels;
  if (imageSample < 1) {
    bw = Math.ceil(w * imageSample);
    bh = Math.ceil(h * imageSample);
    back = resample(pixels, w, h, bw, bh, (k) => k / imageSample, (k) => k / imageSample);
  }
  const fp = disk(elementSize);
  back = greyMorph(greyMorph(back, bw, bh, fp, false), bw, bh, fp, true);
  if (imageSample < 1) back = resample(back, bw, bh, w, h, (k) => (k * (bh - 1)) / (h - 1), (k) => (k * (bw - 1)) / (w - 1));
  const base = new Float64Array(w * h);
  for (let i = 0; i < base.length; i++) base[i] = Math.max(0, pixels[i] - back[i]);
  const out: Float64Array[] = [];
  let ero: Float64Array = base;
  const queue = new Int32Array(w * h * 4 + 16);
  for (let s = 0; s < steps; s++) {
    ero = erodeCross(ero, w, h);
    out.push(reconstructByDilation(ero, base, w, h, queue));
  }
  return { width: w, height: h, scale: subsample, base, steps: out };
}

/** Per-object spectrum on the subsampled grid (labels sampled by nearest neighbour, as CellProfiler does). */
export function measureGranularity(spec: GranularitySpectrum, labels: Int32Array, width: number, ids: Int32Array, slot: Int32Array, channel: string): FeatureBlock {
  const n = ids.length;
  const block = newBlock(granularityNames(channel), n);
  const { width: w, height: h, scale } = spec;
  const sub = new Int32Array(w * h);
  const height = labels.length / width;
  for (let r = 0; r < h; r++) {
    const y = Math.min(height - 1, Math.round(r / scale));
    for (let c = 0; c < w; c++) sub[r * w + c] = labels[y * width + Math.min(width - 1, Math.round(c / scale))];
  }
  const count = new Float64Array(n);
  const sum = new Float64Array(n);
  for (let i = 0; i < sub.length; i++) {
    const v = sub[i];
    if (!v) continue;
    const k = slot[v];
    if (k < 0) continue;
    count[k]++;
    sum[k] += spec.base[i];
  }
  const cur = new Float64Array(n);
  const startMean = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    cur[k] = count[k] ? sum[k] / count[k] : NaN;
    startMean[k] = Math.max(cur[k], Number.EPSILON);
  }
  for (let s = 0; s < spec.steps.length; s++) {
    sum.fill(0);
    const rec = spec.steps[s];
    for (let i = 0; i < sub.length; i++) {
      const v = sub[i];
      if (!v) continue;
      const k = slot[v];
      if (k >= 0) sum[k] += rec[i];
    }
    const col = block.values[s];
    for (let k = 0; k < n; k++) {
      const m = count[k] ? sum[k] / count[k] : NaN;
      col[k] = ((cur[k] - m) * 100) / startMean[k];
      cur[k] = m;
    }
  }
  return block;
}
