import { newBlock, type FeatureBlock, type ObjectIndex } from './objects';
import { propagateKernel } from '../wasm/propagate';

/**
 * CellProfiler 4.2 MeasureObjectIntensityDistribution, 4 scaled bins, no centre objects, as its
 * code does it: d_edge = distance to the nearest pixel outside the object (centrosome
 * distance_to_edge: the image border bounds nothing); the centre is the first pixel (raster
 * order) farthest from the edge; d_centre = centrosome propagate's distance from it inside the
 * object (8-connected steps of 1 and √2; pixels it cannot reach are left out); normalised radius
 * d_centre / (d_centre + d_edge + 0.001), bin = ⌊4·radius⌋. FracAtD = share of the object's
 * intensity in the bin, MeanFrac = FracAtD / share of its pixels, RadialCV = CV of the mean
 * intensity over the 8 sectors (y > cy) + 2·(x > cx) + 4·(|y − cy| > |x − cx|) present in the bin.
 */
export const RADIAL_BINS = 4;
export const radialNames = (channel: string, bins = RADIAL_BINS) =>
  ['FracAtD', 'MeanFrac', 'RadialCV'].flatMap((f) => Array.from({ length: bins }, (_, b) => `RadialDistribution_${f}_${channel}_${b + 1}of${bins}`));

export interface RadialGeometry {
  /** bin per pixel (−1 outside objects or unreached) */
  bin: Int8Array;
  /** sector 0..7 per pixel */
  wedge: Int8Array;
}

/**
 * `edge`: objectEdges' clipped distances to the edge (edgeDistance.ts). The propagation is
 * propagate.c's radial_geometry (WebAssembly), per object on its bounding box plus one pixel each
 * side (so every object pixel has all 8 neighbours in the crop), with buckets of ⌊distance⌋ for
 * its queue: a step adds 1 or √2, so a pixel taken from bucket b sends its neighbours to b + 1 or
 * b + 2 (three buckets in turn suffice), and every pixel in bucket b already has its final
 * distance when b is reached (anything that could still lower it lies ≥ 1 closer, in an earlier
 * bucket). The distances are those of a heap's order.
 */
export function radialGeometry(ix: ObjectIndex, edge: Float64Array, bins = RADIAL_BINS): RadialGeometry {
  const { width: W, labels, ids, start, pixels, bbox } = ix;
  const n = labels.length, np = pixels.length;
  const k = propagateKernel();
  k.reset();
  const st = k.put(start), px = k.put(pixels), bb = k.put(bbox), ed = k.alloc(8 * np);
  const binAt = k.alloc(n), wedgeAt = k.alloc(n);
  const e = k.f64(ed, np);
  for (let q = 0; q < np; q++) e[q] = edge[pixels[q]];
  const mem = () => k.exports.memory.buffer;
  new Int8Array(mem(), binAt, n).fill(-1);
  new Int8Array(mem(), wedgeAt, n).fill(0);
  k.exports.radial_geometry(W, ids.length, st, px, bb, ed, bins, binAt, wedgeAt);
  return { bin: new Int8Array(mem(), binAt, n).slice(), wedge: new Int8Array(mem(), wedgeAt, n).slice() };
}

/** The radial columns of each channel: the pixels' bins and sectors are read once for all channels. */
export function measureRadial(ix: ObjectIndex, geo: RadialGeometry, imgs: Float64Array[], channels: string[], bins = RADIAL_BINS): FeatureBlock[] {
  const { ids, start, pixels } = ix;
  const n = ids.length;
  const blocks = channels.map((c) => newBlock(radialNames(c, bins), n));
  const cntB = new Float64Array(bins);
  const wCnt = new Float64Array(bins * 8);
  // per channel c: its bins' sums at c·bins, its sectors' at c·bins·8
  const nc = imgs.length;
  const sumB = new Float64Array(nc * bins);
  const wSum = new Float64Array(nc * bins * 8);
  const tot = new Float64Array(nc);
  // per pixel of the object: bin·8 + sector, −1 where unreached
  let slot = new Int32Array(0);
  for (let k = 0; k < n; k++) {
    const p0 = start[k], np = start[k + 1] - p0;
    if (slot.length < np) slot = new Int32Array(2 * np);
    cntB.fill(0);
    wCnt.fill(0);
    let cnt = 0;
    for (let t = 0; t < np; t++) {
      const i = pixels[p0 + t];
      const b = geo.bin[i];
      if (b < 0) {
        slot[t] = -1;
        continue;
      }
      cnt++;
      cntB[b]++;
      slot[t] = b * 8 + geo.wedge[i];
      wCnt[slot[t]]++;
    }
    // every channel's sums in one pass over the pixels (each channel's in pixel order, as before)
    sumB.fill(0);
    wSum.fill(0);
    tot.fill(0);
    for (let t = 0; t < np; t++) {
      const sl = slot[t];
      if (sl < 0) continue;
      const i = pixels[p0 + t], b = sl >> 3;
      for (let c = 0; c < nc; c++) {
        const v = imgs[c][i];
        sumB[c * bins + b] += v;
        tot[c] += v;
        wSum[c * bins * 8 + sl] += v;
      }
    }
    for (let c = 0; c < nc; c++) {
      const values = blocks[c].values, sb = c * bins, sw = c * bins * 8;
      for (let b = 0; b < bins; b++) {
        const frac = sumB[sb + b] / tot[c];
        values[b][k] = frac;
        values[bins + b][k] = frac / (cntB[b] / cnt + Number.EPSILON);
        let m = 0, nw = 0;
        for (let s = 0; s < 8; s++) {
          const cw = wCnt[b * 8 + s];
          if (!cw) continue;
          const mean = wSum[sw + b * 8 + s] / cw;
          m += mean;
          nw++;
        }
        let cv = 0;
        if (nw) {
          m /= nw;
          let v = 0;
          for (let s = 0; s < 8; s++) {
            const cw = wCnt[b * 8 + s];
            if (cw) v += (wSum[sw + b * 8 + s] / cw - m) ** 2;
          }
          cv = Math.sqrt(v / nw) / m;
        }
        values[2 * bins + b][k] = cv;
      }
    }
  }
  return blocks;
}
