import { newBlock, type FeatureBlock, type ObjectIndex } from './objects';

/**
 * CellProfiler 4.2 MeasureObjectIntensityDistribution, 4 scaled bins, no centre objects: each
 * object's centre is its pixel farthest from the edge (first in raster order); a pixel's
 * normalised radius is d_centre / (d_centre + d_edge + 0.001), bin = ⌊4·radius⌋. FracAtD = share of
 * the object's intensity in the bin, MeanFrac = FracAtD / share of its pixels, RadialCV = CV of
 * the mean intensity over 8 angular wedges of the bin. Difference from CellProfiler: d_centre is
 * the straight-line distance, where CellProfiler propagates it inside the object (equal for convex
 * objects).
 */
export const RADIAL_BINS = 4;
export const radialNames = (channel: string, bins = RADIAL_BINS) =>
  ['FracAtD', 'MeanFrac', 'RadialCV'].flatMap((f) => Array.from({ length: bins }, (_, b) => `RadialDistribution_${f}_${channel}_${b + 1}of${bins}`));

export interface RadialGeometry {
  /** bin per pixel (−1 outside objects) */
  bin: Int8Array;
  /** wedge 0..7 per pixel */
  wedge: Int8Array;
}

export function radialGeometry(ix: ObjectIndex, edgeDist: Float32Array, bins = RADIAL_BINS): RadialGeometry {
  const { width: w, ids, start, pixels } = ix;
  const bin = new Int8Array(ix.labels.length).fill(-1);
  const wedge = new Int8Array(ix.labels.length);
  for (let k = 0; k < ids.length; k++) {
    let best = -1, bi = -1;
    for (let p = start[k]; p < start[k + 1]; p++) {
      const i = pixels[p];
      if (edgeDist[i] > best) {
        best = edgeDist[i];
        bi = i;
      }
    }
    const cy = (bi / w) | 0;
    const cx = bi - cy * w;
    for (let p = start[k]; p < start[k + 1]; p++) {
      const i = pixels[p];
      const y = (i / w) | 0;
      const x = i - y * w;
      const dc = Math.hypot(y - cy, x - cx);
      const r = dc / (dc + edgeDist[i] + 0.001);
      bin[i] = Math.min(bins - 1, Math.floor(r * bins));
      const angle = Math.atan2(y - cy, x - cx) + Math.PI;
      wedge[i] = Math.min(7, Math.floor((angle * 8) / (2 * Math.PI)));
    }
  }
  return { bin, wedge };
}

export function measureRadial(ix: ObjectIndex, geo: RadialGeometry, img: Float64Array, channel: string, bins = RADIAL_BINS): FeatureBlock {
  const { ids, start, pixels } = ix;
  const n = ids.length;
  const block = newBlock(radialNames(channel, bins), n);
  const sumB = new Float64Array(bins);
  const cntB = new Float64Array(bins);
  const wSum = new Float64Array(bins * 8);
  const wCnt = new Float64Array(bins * 8);
  for (let k = 0; k < n; k++) {
    sumB.fill(0);
    cntB.fill(0);
    wSum.fill(0);
    wCnt.fill(0);
    let tot = 0;
    const cnt = start[k + 1] - start[k];
    for (let p = start[k]; p < start[k + 1]; p++) {
      const i = pixels[p];
      const b = geo.bin[i];
      const v = img[i];
      sumB[b] += v;
      cntB[b]++;
      tot += v;
      wSum[b * 8 + geo.wedge[i]] += v;
      wCnt[b * 8 + geo.wedge[i]]++;
    }
    for (let b = 0; b < bins; b++) {
      const frac = sumB[b] / tot;
      block.values[b][k] = frac;
      block.values[bins + b][k] = frac / (cntB[b] / cnt + Number.EPSILON);
      let m = 0, m2 = 0, nw = 0;
      for (let s = 0; s < 8; s++) {
        const c = wCnt[b * 8 + s];
        if (!c) continue;
        const mean = wSum[b * 8 + s] / c;
        m += mean;
        m2 += mean * mean;
        nw++;
      }
      let cv = 0;
      if (nw) {
        m /= nw;
        cv = Math.sqrt(Math.max(0, m2 / nw - m * m)) / m;
      }
      block.values[2 * bins + b][k] = cv;
    }
  }
  return block;
}
