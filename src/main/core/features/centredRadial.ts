import type { Labels } from '../segment/labels';
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
  /** per pixel: its sector around its centre, (i > ci) + 2·(j > cj) + 4·(|i − ci| > |j − cj|) */
  wedge: Int8Array;
}

/**
 * centrosome's heap order: distance without its last bit, then label, row, column. The distance
 * is ≥ 0, so dropping the bit and comparing as doubles orders as its high and low words do;
 * label·N + row·w + column orders as (label, row, column). The sifts make centrosome's moves, so
 * the pops match its own even from the seed layout, which is not a heap.
 */
class PropagateHeap {
  private dk = new Float64Array(1024);
  private lk = new Float64Array(1024);
  items = 0;
  private readonly f = new Float64Array(1);
  private readonly u = new Uint32Array(this.f.buffer);
  /** the popped key: label · N + pixel */
  top = 0;
  private grow() {
    const dk = new Float64Array(this.dk.length * 2), lk = new Float64Array(this.lk.length * 2);
    dk.set(this.dk);
    lk.set(this.lk);
    this.dk = dk;
    this.lk = lk;
  }
  /** the seeds in their given order, as heap_from_numpy2 takes them (not heapified: all keys 0·, label ascending) */
  seed(key: number) {
    if (this.items === this.dk.length) this.grow();
    this.dk[this.items] = 0;
    this.lk[this.items++] = key;
  }
  push(d: number, key: number) {
    if (this.items === this.dk.length) this.grow();
    this.f[0] = d;
    this.u[0] &= ~1;
    const dd = this.f[0];
    const dk = this.dk, lk = this.lk;
    let i = this.items++;
    while (i > 0) {
      const p = ((i + 1) >> 1) - 1;
      if (dk[p] < dd || (dk[p] === dd && lk[p] <= key)) break;
      dk[i] = dk[p];
      lk[i] = lk[p];
      i = p;
    }
    dk[i] = dd;
    lk[i] = key;
  }
  /** every key left, in no order, emptying the heap */
  drain(f: (d: number, key: number) => void) {
    for (let t = 0; t < this.items; t++) f(this.dk[t], this.lk[t]);
    this.items = 0;
  }
  pop(): void {
    const dk = this.dk, lk = this.lk;
    this.top = lk[0];
    const n = --this.items;
    if (n === 0) return;
    const d = dk[n], l = lk[n];
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      if (c + 1 < n && (dk[c + 1] < dk[c] || (dk[c + 1] === dk[c] && lk[c + 1] < lk[c]))) c++;
      if (d < dk[c] || (d === dk[c] && l <= lk[c])) break;
      dk[i] = dk[c];
      lk[i] = lk[c];
      i = c;
    }
    dk[i] = d;
    lk[i] = l;
  }
}

/**
 * Keys (distance without its last bit, label·N + pixel) in buckets of ⌊distance⌋, taken in
 * bucket order; take() returns the current bucket's keys in key order (distance, then key). A
 * key taken from bucket b has a distance ≥ b, and a step adds 1 or √2 (and dropping the last bit
 * never goes below an integer), so what it pushes lands in bucket b + 1 or b + 2: three buckets
 * in turn hold everything.
 */
class RingBuckets {
  private d = [new Float64Array(1024), new Float64Array(1024), new Float64Array(1024)];
  private k = [new Float64Array(1024), new Float64Array(1024), new Float64Array(1024)];
  private size = new Int32Array(3);
  private out = new Float64Array(1024);
  private id = new Int32Array(1024);
  private sv = new Float64Array(64);
  private sid = new Int32Array(64);
  /** the bucket take() returns next */
  private b = 0;
  private readonly f = new Float64Array(1);
  private readonly u = new Uint32Array(this.f.buffer);
  empty() {
    return this.size[0] + this.size[1] + this.size[2] === 0;
  }
  push(d: number, key: number) {
    this.f[0] = d;
    this.u[0] &= ~1;
    const dd = this.f[0];
    const bb = Math.floor(dd);
    if (bb < this.b || bb > this.b + 2) throw new Error(`propagate: distance ${d} outside buckets ${this.b}..${this.b + 2}`);
    const r = bb % 3;
    let n = this.size[r];
    if (n === this.d[r].length) {
      const nd = new Float64Array(2 * n), nk = new Float64Array(2 * n);
      nd.set(this.d[r]);
      nk.set(this.k[r]);
      this.d[r] = nd;
      this.k[r] = nk;
    }
    this.d[r][n] = dd;
    this.k[r][n++] = key;
    this.size[r] = n;
  }
  /** the current bucket's keys in key order (valid until the next take), then the next bucket */
  take(): Float64Array {
    const r = this.b++ % 3, m = this.size[r], d = this.d[r], k = this.k[r];
    this.size[r] = 0;
    if (this.out.length < m) {
      this.out = new Float64Array(Math.max(m, 2 * this.out.length));
      this.id = new Int32Array(this.out.length);
    }
    // A bucket holds few distinct distances (sums of 1 and √2 in [b, b + 1)): each entry's is
    // looked up in a sorted list of them (value, and an id by first sight), then the keys are
    // laid out by distance and each distance's keys sorted.
    const id = this.id;
    let u = 0;
    for (let t = 0; t < m; t++) {
      const x = d[t];
      let lo = 0, hi = u;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (this.sv[mid] < x) lo = mid + 1;
        else hi = mid;
      }
      if (lo === u || this.sv[lo] !== x) {
        if (u === this.sv.length) this.widen();
        this.sv.copyWithin(lo + 1, lo, u);
        this.sid.copyWithin(lo + 1, lo, u);
        this.sv[lo] = x;
        this.sid[lo] = u++;
      }
      id[t] = this.sid[lo];
    }
    const cnt = new Int32Array(u);
    for (let t = 0; t < m; t++) cnt[id[t]]++;
    // where each distance's keys go (by id), and the bounds of each run in distance order
    const next = new Int32Array(u), bound = new Int32Array(u + 1);
    for (let q = 0; q < u; q++) {
      next[this.sid[q]] = bound[q];
      bound[q + 1] = bound[q] + cnt[this.sid[q]];
    }
    const out = this.out.subarray(0, m);
    for (let t = 0; t < m; t++) out[next[id[t]]++] = k[t];
    for (let q = 0; q < u; q++) out.subarray(bound[q], bound[q + 1]).sort();
    return out;
  }
  private widen() {
    const v = new Float64Array(2 * this.sv.length), i = new Int32Array(2 * this.sv.length);
    v.set(this.sv);
    i.set(this.sid);
    this.sv = v;
    this.sid = i;
  }
}

const DI = [-1, -1, -1, 0, 0, 1, 1, 1];
const DJ = [-1, 0, 1, -1, 1, -1, 0, 1];
const STEP = Float64Array.from(DI, (di, k) => Math.sqrt(Math.abs(di) + Math.abs(DJ[k])));

/** centroids (row, column) of labels 1..max as scipy's center_of_mass (sums of whole numbers: exact in any order); NaN for absent labels */
function centroids(data: Int32Array, w: number, h: number): { ci: Float64Array; cj: Float64Array; n: Float64Array } {
  let max = 0;
  for (let p = 0; p < data.length; p++) if (data[p] > max) max = data[p];
  const si = new Float64Array(max + 1), sj = new Float64Array(max + 1), n = new Float64Array(max + 1);
  for (let y = 0, p = 0; y < h; y++)
    for (let x = 0; x < w; x++, p++) {
      const l = data[p];
      if (!l) continue;
      si[l] += y;
      sj[l] += x;
      n[l]++;
    }
  return { ci: si.map((s, l) => s / n[l]), cj: sj.map((s, l) => s / n[l]), n };
}

/** `edge`: objectEdges' clipped distances to the edge (centrosome distance_to_edge; the image border bounds nothing) */
export function centredGeometry(ix: ObjectIndex, centres: Labels, edge: Float64Array): CentredGeometry {
  const { width: w, height: h, labels, ids, start, pixels } = ix;
  const N = w * h;
  // centre objects in label order (CellProfiler's 1..N keep Stainless' order); a pixel two
  // centroids round to seeds the later one
  const c = centroids(centres.data, w, h);
  const seedI: number[] = [], seedJ: number[] = [];
  const seedAt = new Map<number, number>();
  for (let l = 1; l < c.n.length; l++) {
    if (!c.n[l]) continue;
    const i = Math.trunc(c.ci[l] + 0.5), j = Math.trunc(c.cj[l] + 0.5);
    seedI.push(i);
    seedJ.push(j);
    seedAt.set(i * w + j, seedI.length);
  }
  const dist = new Float64Array(N).fill(-1);
  const cl = new Int32Array(N);
  const heap = new PropagateHeap();
  // the seeds enter the heap in raster order
  for (const p of [...seedAt.keys()].sort((x, y) => x - y)) {
    dist[p] = 0;
    if (labels[p]) heap.seed(seedAt.get(p)! * N + p);
  }
  // centrosome pops every seed (key 0) before any other key; the seed layout is not a heap, so
  // that phase runs on the heap itself
  let seedsLeft = heap.items;
  const queue = new RingBuckets();
  const off = Int32Array.from(DI, (di, k) => di * w + DJ[k]);
  // pixel p1 takes `label` and offers its distance + a step to its free neighbours: into the
  // heap while seeds are left, then into the buckets
  const grow = (p1: number, label: number, toHeap: boolean) => {
    const i1 = (p1 / w) | 0, j1 = p1 - i1 * w;
    const d0 = dist[p1];
    const inner = i1 > 0 && i1 < h - 1 && j1 > 0 && j1 < w - 1;
    for (let k = 0; k < 8; k++) {
      if (!inner) {
        const i2 = i1 + DI[k], j2 = j1 + DJ[k];
        if (i2 < 0 || i2 >= h || j2 < 0 || j2 >= w) continue;
      }
      const p2 = p1 + off[k];
      if (cl[p2] > 0 || !labels[p2]) continue;
      const d = STEP[k] + d0;
      if (dist[p2] === -1 || dist[p2] > d) {
        dist[p2] = d;
        if (toHeap) heap.push(d, label * N + p2);
        else queue.push(d, label * N + p2);
      }
    }
  };
  while (seedsLeft > 0) {
    heap.pop();
    seedsLeft--;
    const label = Math.floor(heap.top / N), p1 = heap.top - label * N;
    if (cl[p1]) continue;
    cl[p1] = label;
    grow(p1, label, true);
  }
  // Then the heap is a valid one (no later key sits above a seed, and sifting keeps the rest in
  // order), so pops come in key order, which buckets reproduce: a step adds ≥ 1, so what
  // bucket ⌊d⌋ pushes lands in later buckets, and each bucket is sorted once when reached.
  heap.drain((d, key) => queue.push(d, key));
  while (!queue.empty()) {
    const keys = queue.take();
    for (let t = 0; t < keys.length; t++) {
      const label = Math.floor(keys[t] / N), p1 = keys[t] - label * N;
      if (cl[p1]) continue;
      cl[p1] = label;
      grow(p1, label, false);
    }
  }
  const wedge = new Int8Array(N);
  for (let k = 0; k < ids.length; k++) {
    // objects no seed reached: the seed nearest their centroid, straight distances
    let best = -1;
    for (let q = start[k]; q < start[k + 1] && best < 0; q++) if (!cl[pixels[q]]) best = 0;
    if (best === 0 && seedI.length) {
      // the object's own centroid, as center_of_mass of its label
      let si = 0, sj = 0;
      for (let q = start[k]; q < start[k + 1]; q++) {
        const y = (pixels[q] / w) | 0;
        si += y;
        sj += pixels[q] - y * w;
      }
      const cnt = start[k + 1] - start[k];
      const mi = si / cnt, mj = sj / cnt;
      let bd = Infinity;
      for (let s = 0; s < seedI.length; s++) {
        const dd = (mi - seedI[s]) ** 2 + (mj - seedJ[s]) ** 2;
        if (dd < bd) {
          bd = dd;
          best = s;
        }
      }
      for (let q = start[k]; q < start[k + 1]; q++) {
        const p = pixels[q];
        if (cl[p]) continue;
        cl[p] = best + 1;
        const di = ((p / w) | 0) - seedI[best], dj = (p % w) - seedJ[best];
        dist[p] = Math.sqrt(di * di + dj * dj);
      }
    }
    for (let q = start[k]; q < start[k + 1]; q++) {
      const p = pixels[q];
      if (!cl[p]) {
        dist[p] = -1;
        continue;
      }
      const i = (p / w) | 0;
      const di = i - seedI[cl[p] - 1], dj = p - i * w - seedJ[cl[p] - 1];
      wedge[p] = (di > 0 ? 1 : 0) + (dj > 0 ? 2 : 0) + (Math.abs(di) > Math.abs(dj) ? 4 : 0);
    }
  }
  return { dist, edge, wedge };
}

export const centredRadialNames = (image: string, bins: number, overflow: boolean) =>
  ['FracAtD', 'MeanFrac', 'RadialCV'].flatMap((f) => [
    ...Array.from({ length: bins }, (_, b) => `RadialDistribution_${f}_${image}_${b + 1}of${bins}`),
    ...(overflow ? [`RadialDistribution_${f}_${image}_Overflow`] : []),
  ]);

/** FracAtD, MeanFrac, RadialCV per bin (and Overflow when unscaled) of `img` over each object */
export function measureCentredRadial(ix: ObjectIndex, geo: CentredGeometry, img: Float64Array, image: string, bins: number, scaled: boolean, maximumRadius: number): FeatureBlock {
  const { ids, start, pixels } = ix;
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
      const wedge = geo.wedge[p];
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
