import { newBlock, type FeatureBlock, type ObjectIndex } from './objects';


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
 * The propagation's queue: buckets of ⌊distance⌋. A step adds 1 or √2, so a pixel taken from
 * bucket b sends its neighbours to b + 1 or b + 2 (three buckets in turn suffice), and every
 * pixel in bucket b already has its final distance when b is reached (anything that could still
 * lower it lies ≥ 1 closer, in an earlier bucket). The distances are those of a heap's order.
 */
class RingBuckets {
  private items = [new Int32Array(256), new Int32Array(256), new Int32Array(256)];
  private size = new Int32Array(3);
  push(d: number, v: number) {
    const b = Math.floor(d) % 3;
    if (this.size[b] === this.items[b].length) {
      const g = new Int32Array(this.items[b].length * 2);
      g.set(this.items[b]);
      this.items[b] = g;
    }
    this.items[b][this.size[b]++] = v;
  }
  /** bucket b's nodes (valid until the next push into it) and empties it */
  take(b: number): { nodes: Int32Array; n: number } {
    const nodes = this.items[b % 3], n = this.size[b % 3];
    this.size[b % 3] = 0;
    return { nodes, n };
  }
  empty() {
    return this.size[0] + this.size[1] + this.size[2] === 0;
  }
}

const DY = [-1, -1, -1, 0, 0, 1, 1, 1];
const DX = [-1, 0, 1, -1, 1, -1, 0, 1];

/** `edge`: objectEdges' clipped distances to the edge (edgeDistance.ts) */
export function radialGeometry(ix: ObjectIndex, edge: Float64Array, bins = RADIAL_BINS): RadialGeometry {
  const { width: W, labels, ids, start, pixels, bbox } = ix;
  const bin = new Int8Array(labels.length).fill(-1);
  const wedge = new Int8Array(labels.length);
  const queue = new RingBuckets();
  // per-object crops, reused: the bounding box plus one pixel each side (past the image border
  // too), so every object pixel has all 8 neighbours in the crop
  // per crop pixel: 0 outside the object, 1 inside, 2 reached (its distance final)
  let state = new Uint8Array(0), dist = new Float64Array(0);
  // per object pixel: its place in the crop
  let at = new Int32Array(0);
  const off = new Int32Array(8), step = Float64Array.from(DY, (dy, e) => (dy && DX[e] ? Math.SQRT2 : 1));
  for (let k = 0; k < ids.length; k++) {
    const x0 = bbox[4 * k] - 1, y0 = bbox[4 * k + 1] - 1;
    const bw = bbox[4 * k + 2] + 1 - x0 + 1, bh = bbox[4 * k + 3] + 1 - y0 + 1;
    const area = bw * bh;
    if (state.length < area) {
      state = new Uint8Array(2 * area);
      dist = new Float64Array(2 * area);
    }
    state.fill(0, 0, area);
    dist.fill(-1, 0, area);
    for (let e = 0; e < 8; e++) off[e] = DY[e] * bw + DX[e];
    // the centre: the first pixel (raster order) farthest from the edge
    let best = -1, bc = -1;
    const p0 = start[k], np = start[k + 1] - p0;
    if (at.length < np) at = new Int32Array(2 * np);
    // pixels come in raster order: the row is tracked, not divided for
    for (let t = 0, y = (pixels[p0] / W) | 0, rowStart = y * W; t < np; t++) {
      const i = pixels[p0 + t];
      while (i >= rowStart + W) {
        y++;
        rowStart += W;
      }
      const q = (y - y0) * bw + (i - rowStart - x0);
      at[t] = q;
      state[q] = 1;
      if (edge[i] > best) {
        best = edge[i];
        bc = q;
      }
    }
    // propagate from the centre inside the object
    dist[bc] = 0;
    queue.push(0, bc);
    for (let b = 0; !queue.empty(); b++) {
      // nodes pushed while bucket b is worked on go to b + 1 or b + 2, never back into b
      const { nodes, n } = queue.take(b);
      for (let t = 0; t < n; t++) {
        const q = nodes[t];
        if (state[q] === 2) continue;
        state[q] = 2;
        const d0 = dist[q];
        for (let e = 0; e < 8; e++) {
          const r = q + off[e];
          if (state[r] !== 1) continue;
          const d = step[e] + d0;
          if (dist[r] === -1 || dist[r] > d) {
            dist[r] = d;
            queue.push(d, r);
          }
        }
      }
    }
    const cy = ((bc / bw) | 0) + y0, cx = (bc % bw) + x0;
    for (let t = 0, y = (pixels[p0] / W) | 0, rowStart = y * W; t < np; t++) {
      const i = pixels[p0 + t];
      while (i >= rowStart + W) {
        y++;
        rowStart += W;
      }
      const x = i - rowStart, q = at[t];
      if (state[q] !== 2) continue;
      const dc = dist[q];
      const r = dc / (dc + edge[i] + 0.001);
      bin[i] = Math.min(bins, Math.floor(r * bins));
      wedge[i] = (y > cy ? 1 : 0) + (x > cx ? 2 : 0) + (Math.abs(y - cy) > Math.abs(x - cx) ? 4 : 0);
    }
  }
  return { bin, wedge };
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
