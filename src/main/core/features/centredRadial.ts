import type { Labels } from '../segment/labels';
import { squaredDistanceTransform } from '../segment/distance';
import { newBlock, type FeatureBlock, type ObjectIndex } from './objects';

/**
 * MeasureObjectIntensityDistribution with "Centers of other objects", as CellProfiler 4.2.8's
 * do_measurements computes it (JUMP: mito_tubeness of Cells and Cytoplasm around the Nuclei).
 * Each centre object's centroid (+0.5, truncated) is a one-pixel seed; centrosome's propagate
 * grows the seeds over every measured pixel (all objects together, steps of 1 and √2, ties to the
 * smaller key of its heap: distance without its last bit, label, row, column); objects no seed
 * reaches take the seed nearest their centroid and the straight distance to it. Bins: scaled
 * d/(d + d_edge + 0.001), or d/maximum radius with an Overflow bin past it.
 */
export interface CentredGeometry {
  /** per pixel: distance from its centre (−1 outside the objects) */
  dist: Float64Array;
  /** per pixel: distance to the edge of its object */
  edge: Float64Array;
  /** per pixel: centre row and column */
  ci: Int32Array;
  cj: Int32Array;
}

/** centrosome's heap of keys (high word, low word >> 1 of the distance, label, i, j), compared in that order */
class PropagateHeap {
  private keys = new Int32Array(5 * 1024);
  private used = 0;
  private ptr = new Int32Array(1024);
  items = 0;
  private readonly f = new Float64Array(1);
  private readonly u = new Uint32Array(this.f.buffer);
  /** the popped key's label, i, j */
  label = 0;
  i = 0;
  j = 0;
  private add(d: number, label: number, i: number, j: number): number {
    if (this.used * 5 === this.keys.length) {
      const k = new Int32Array(this.keys.length * 2);
      k.set(this.keys);
      this.keys = k;
    }
    this.f[0] = d;
    const o = this.used * 5;
    this.keys[o] = this.u[1] & 0x7fffffff;
    this.keys[o + 1] = this.u[0] >>> 1;
    this.keys[o + 2] = label;
    this.keys[o + 3] = i;
    this.keys[o + 4] = j;
    if (this.items === this.ptr.length) {
      const p = new Int32Array(this.ptr.length * 2);
      p.set(this.ptr);
      this.ptr = p;
    }
    return this.used++;
  }
  private smaller(a: number, b: number): boolean {
    const x = this.ptr[a] * 5, y = this.ptr[b] * 5, k = this.keys;
    for (let t = 0; t < 5; t++) if (k[x + t] !== k[y + t]) return k[x + t] < k[y + t];
    return false;
  }
  private swap(a: number, b: number) {
    const t = this.ptr[a];
    this.ptr[a] = this.ptr[b];
    this.ptr[b] = t;
  }
  /** the seeds in their given order, as heap_from_numpy2 takes them (not heapified) */
  seed(label: number, i: number, j: number) {
    // add() may grow ptr: take the slot after it
    const slot = this.add(0, label, i, j);
    this.ptr[this.items++] = slot;
  }
  push(d: number, label: number, i: number, j: number) {
    let child = this.items;
    const slot = this.add(d, label, i, j);
    this.ptr[child] = slot;
    this.items++;
    while (child > 0) {
      const parent = ((child + 1) >> 1) - 1;
      if (!this.smaller(child, parent)) break;
      this.swap(parent, child);
      child = parent;
    }
  }
  pop(): void {
    const o = this.ptr[0] * 5;
    this.label = this.keys[o + 2];
    this.i = this.keys[o + 3];
    this.j = this.keys[o + 4];
    this.items--;
    if (this.items === 0) {
      this.used = 0;
      return;
    }
    this.swap(0, this.items);
    let i = 0, smallest = 0;
    for (;;) {
      const l = 2 * i + 1, r = l + 1;
      if (l >= this.items) break;
      if (this.smaller(l, i)) smallest = l;
      if (r < this.items && this.smaller(r, smallest)) smallest = r;
      if (smallest === i) break;
      this.swap(i, smallest);
      i = smallest;
    }
  }
}

const DI = [-1, -1, -1, 0, 0, 1, 1, 1];
const DJ = [-1, 0, 1, -1, 1, -1, 0, 1];

/** centroids (row, column) of labels 1..max as scipy's center_of_mass; NaN for absent labels */
function centroids(data: Int32Array, w: number): { ci: Float64Array; cj: Float64Array; n: Float64Array } {
  let max = 0;
  for (let p = 0; p < data.length; p++) if (data[p] > max) max = data[p];
  const si = new Float64Array(max + 1), sj = new Float64Array(max + 1), n = new Float64Array(max + 1);
  for (let p = 0; p < data.length; p++) {
    const l = data[p];
    if (!l) continue;
    si[l] += (p / w) | 0;
    sj[l] += p % w;
    n[l]++;
  }
  return { ci: si.map((s, l) => s / n[l]), cj: sj.map((s, l) => s / n[l]), n };
}

export function centredGeometry(ix: ObjectIndex, centres: Labels): CentredGeometry {
  const { width: w, height: h, labels, ids, start, pixels, bbox } = ix;
  const N = w * h;
  // centre objects in label order (CellProfiler's 1..N keep Stainless' order)
  const c = centroids(centres.data, w);
  const seedI: number[] = [], seedJ: number[] = [], seedL: number[] = [];
  const seedAt = new Int32Array(N);
  for (let l = 1; l < c.n.length; l++) {
    if (!c.n[l]) continue;
    const i = Math.trunc(c.ci[l] + 0.5), j = Math.trunc(c.cj[l] + 0.5);
    seedI.push(i);
    seedJ.push(j);
    seedL.push(seedL.length + 1);
    seedAt[i * w + j] = seedL.length;
  }
  const dist = new Float64Array(N).fill(-1);
  const cl = new Int32Array(N);
  const heap = new PropagateHeap();
  for (let p = 0; p < N; p++) {
    if (!seedAt[p]) continue;
    dist[p] = 0;
    if (labels[p]) heap.seed(seedAt[p], (p / w) | 0, p % w);
  }
  while (heap.items > 0) {
    heap.pop();
    const i1 = heap.i, j1 = heap.j, p1 = i1 * w + j1, label = heap.label;
    if (cl[p1]) continue;
    cl[p1] = label;
    const d0 = dist[p1];
    for (let k = 0; k < 8; k++) {
      const i2 = i1 + DI[k], j2 = j1 + DJ[k];
      if (i2 < 0 || i2 >= h || j2 < 0 || j2 >= w) continue;
      const p2 = i2 * w + j2;
      if (cl[p2] > 0 || !labels[p2]) continue;
      const d = Math.sqrt(Math.abs(DI[k]) + Math.abs(DJ[k])) + d0;
      if (dist[p2] === -1 || dist[p2] > d) {
        dist[p2] = d;
        heap.push(d, label, i2, j2);
      }
    }
  }
  const ci = new Int32Array(N), cj = new Int32Array(N);
  const own = centroids(labels, w);
  const edge = new Float64Array(N);
  for (let k = 0; k < ids.length; k++) {
    // objects no seed reached: the seed nearest their centroid, straight distances
    let best = -1;
    for (let q = start[k]; q < start[k + 1] && best < 0; q++) if (!cl[pixels[q]]) best = 0;
    if (best === 0 && seedL.length) {
      const mi = own.ci[ids[k]], mj = own.cj[ids[k]];
      let bd = Infinity;
      for (let s = 0; s < seedL.length; s++) {
        const dd = (mi - seedI[s]) ** 2 + (mj - seedJ[s]) ** 2;
        if (dd < bd) {
          bd = dd;
          best = s;
        }
      }
      for (let q = start[k]; q < start[k + 1]; q++) {
        const p = pixels[q];
        if (cl[p]) continue;
        cl[p] = seedL[best];
        const di = ((p / w) | 0) - seedI[best], dj = (p % w) - seedJ[best];
        dist[p] = Math.sqrt(di * di + dj * dj);
      }
    }
    for (let q = start[k]; q < start[k + 1]; q++) {
      const p = pixels[q];
      if (cl[p]) {
        ci[p] = seedI[cl[p] - 1];
        cj[p] = seedJ[cl[p] - 1];
      } else dist[p] = -1;
    }
    // centrosome distance_to_edge: the nearest pixel outside the object; the image border bounds nothing
    const x0 = Math.max(0, bbox[4 * k] - 1), y0 = Math.max(0, bbox[4 * k + 1] - 1);
    const x1 = Math.min(w - 1, bbox[4 * k + 2] + 1), y1 = Math.min(h - 1, bbox[4 * k + 3] + 1);
    const bw = x1 - x0 + 1, bh = y1 - y0 + 1;
    const inside = new Uint8Array(bw * bh);
    for (let q = start[k]; q < start[k + 1]; q++) {
      const p = pixels[q];
      inside[(((p / w) | 0) - y0) * bw + (p % w) - x0] = 1;
    }
    const d2 = squaredDistanceTransform(inside, bw, bh);
    for (let q = start[k]; q < start[k + 1]; q++) {
      const p = pixels[q];
      edge[p] = Math.sqrt(d2[(((p / w) | 0) - y0) * bw + (p % w) - x0]);
    }
  }
  return { dist, edge, ci, cj };
}

export const centredRadialNames = (image: string, bins: number, overflow: boolean) =>
  ['FracAtD', 'MeanFrac', 'RadialCV'].flatMap((f) => [
    ...Array.from({ length: bins }, (_, b) => `RadialDistribution_${f}_${image}_${b + 1}of${bins}`),
    ...(overflow ? [`RadialDistribution_${f}_${image}_Overflow`] : []),
  ]);

/** FracAtD, MeanFrac, RadialCV per bin (and Overflow when unscaled) of `img` over each object */
export function measureCentredRadial(ix: ObjectIndex, geo: CentredGeometry, img: Float64Array, image: string, bins: number, scaled: boolean, maximumRadius: number): FeatureBlock {
  const { ids, start, pixels, width: w } = ix;
  const nb = bins + 1;
  const out = scaled ? bins : nb;
  const block = newBlock(centredRadialNames(image, bins, !scaled), ids.length);
  const sum = new Float64Array(nb), cnt = new Float64Array(nb);
  const ws = new Float64Array(nb * 8), wc = new Float64Array(nb * 8);
  for (let k = 0; k < ids.length; k++) {
    sum.fill(0);
    cnt.fill(0);
    ws.fill(0);
    wc.fill(0);
    for (let q = start[k]; q < start[k + 1]; q++) {
      const p = pixels[q];
      const d = geo.dist[p];
      if (d < 0) continue;
      const nd = scaled ? d / (d + geo.edge[p] + 0.001) : d / maximumRadius;
      const b = Math.min(bins, Math.trunc(nd * bins));
      const i = (p / w) | 0, j = p % w;
      const di = i - geo.ci[p], dj = j - geo.cj[p];
      const wedge = (di > 0 ? 1 : 0) + (dj > 0 ? 2 : 0) + (Math.abs(di) > Math.abs(dj) ? 4 : 0);
      sum[b] += img[p];
      cnt[b]++;
      ws[b * 8 + wedge] += img[p];
      wc[b * 8 + wedge]++;
    }
    let total = 0, n = 0;
    for (let b = 0; b < nb; b++) {
      total += sum[b];
      n += cnt[b];
    }
    for (let b = 0; b < out; b++) {
      const frac = sum[b] / total;
      block.values[b][k] = frac;
      block.values[out + b][k] = frac / (cnt[b] / n + Number.EPSILON);
      let m = 0, used = 0;
      for (let s = 0; s < 8; s++)
        if (wc[b * 8 + s]) {
          m += ws[b * 8 + s] / wc[b * 8 + s];
          used++;
        }
      let cv = 0;
      if (used) {
        m /= used;
        let v = 0;
        for (let s = 0; s < 8; s++) if (wc[b * 8 + s]) v += (ws[b * 8 + s] / wc[b * 8 + s] - m) ** 2;
        // numpy.ma masks a division by a zero mean and keeps the numerator (0 when every mean is 0)
        cv = m === 0 ? Math.sqrt(v / used) : Math.sqrt(v / used) / m;
      }
      block.values[2 * out + b][k] = cv;
    }
  }
  return block;
}
