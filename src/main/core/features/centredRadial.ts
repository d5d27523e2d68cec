import type { Labels } from '../segment/labels';
import { newBlock, type FeatureBlock, type ObjectIndex } from './objects';
import { propagateKernel } from '../wasm/propagate';

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

const lastBit = new Float64Array(1);
const lastBitWords = new Uint32Array(lastBit.buffer);
/** the distance without its last bit, as centrosome's heap keys it (the low word comes first) */
function dropLastBit(d: number): number {
  lastBit[0] = d;
  lastBitWords[0] &= ~1;
  return lastBit[0];
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
    const dd = dropLastBit(d);
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

const DI = [-1, -1, -1, 0, 0, 1, 1, 1];
const DJ = [-1, 0, 1, -1, 1, -1, 0, 1];
const STEP = Float64Array.from(DI, (di, k) => Math.sqrt(Math.abs(di) + Math.abs(DJ[k])));

/**
 * The 8-connected component of each key's pixel among the pixels whose cl is ≥ 0, as the first
 * run (row segment) of that component: runs of adjacent rows that overlap or touch diagonally are
 * joined (union-find on runs), so only the keys' pixels are looked up, not the image labelled.
 */
function componentOfKeys(cl: Int32Array, w: number, h: number, keys: Float64Array, n: number): Int32Array {
  const N = w * h;
  let rs = new Int32Array(1024), re = new Int32Array(1024);
  const rowRuns = new Int32Array(h + 1);
  let nr = 0;
  for (let i = 0; i < h; i++) {
    rowRuns[i] = nr;
    for (let j = 0, p = i * w; j < w; ) {
      if (cl[p + j] < 0) {
        j++;
        continue;
      }
      const s0 = j;
      while (j < w && cl[p + j] >= 0) j++;
      if (nr === rs.length) {
        const a = new Int32Array(2 * nr), b = new Int32Array(2 * nr);
        a.set(rs);
        b.set(re);
        rs = a;
        re = b;
      }
      rs[nr] = s0;
      re[nr++] = j;
    }
  }
  rowRuns[h] = nr;
  const parent = Int32Array.from({ length: nr }, (_, r) => r);
  const find = (r: number) => {
    while (parent[r] !== r) r = parent[r] = parent[parent[r]];
    return r;
  };
  for (let i = 1; i < h; i++) {
    // runs [s, e) of this row and the one above touch when s ≤ e′ and s′ ≤ e
    let u = rowRuns[i - 1];
    const ue = rowRuns[i];
    for (let r = rowRuns[i]; r < rowRuns[i + 1]; r++) {
      while (u < ue && re[u] < rs[r]) u++;
      for (let v = u; v < ue && rs[v] <= re[r]; v++) {
        const a = find(r), b = find(v);
        if (a !== b) parent[Math.max(a, b)] = Math.min(a, b);
      }
    }
  }
  const out = new Int32Array(n);
  for (let t = 0; t < n; t++) {
    const label = Math.floor(keys[t] / N), p = keys[t] - label * N;
    const i = (p / w) | 0, j = p - i * w;
    let lo = rowRuns[i], hi = rowRuns[i + 1] - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (rs[mid] <= j) lo = mid;
      else hi = mid - 1;
    }
    out[t] = find(lo);
  }
  return out;
}

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
  const { width: w, height: h, ids, start, pixels } = ix;
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
  // dist and cl live in propagate.c's memory, for its bucket run (fresh views after each
  // allocation or call there, which may grow it)
  const kern = propagateKernel();
  kern.reset();
  const distAt = kern.alloc(8 * N), clAt = kern.alloc(4 * N);
  let dist = kern.f64(distAt, N).fill(-1);
  // per pixel: the number of the seed that took it, 0 while free, −1 off the measured objects
  // (one array answers both of the propagation's tests, so one cache line is read, not two)
  let cl = kern.i32(clAt, N).fill(-1);
  for (let q = 0; q < pixels.length; q++) cl[pixels[q]] = 0;
  const heap = new PropagateHeap();
  // the seeds enter the heap in raster order
  for (const p of [...seedAt.keys()].sort((x, y) => x - y)) {
    dist[p] = 0;
    if (cl[p] === 0) heap.seed(seedAt.get(p)! * N + p);
  }
  // centrosome pops every seed (key 0) before any other key; the seed layout is not a heap, so
  // that phase runs on the heap itself
  let seedsLeft = heap.items;
  const off = Int32Array.from(DI, (di, k) => di * w + DJ[k]);
  while (seedsLeft > 0) {
    heap.pop();
    seedsLeft--;
    const label = Math.floor(heap.top / N), p1 = heap.top - label * N;
    if (cl[p1]) continue;
    cl[p1] = label;
    // the seed offers its distance + a step to its free neighbours
    const i1 = (p1 / w) | 0, j1 = p1 - i1 * w;
    for (let k = 0; k < 8; k++) {
      const i2 = i1 + DI[k], j2 = j1 + DJ[k];
      if (i2 < 0 || i2 >= h || j2 < 0 || j2 >= w) continue;
      const p2 = p1 + off[k];
      if (cl[p2] !== 0) continue;
      const d = STEP[k] + dist[p1];
      if (dist[p2] === -1 || dist[p2] > d) {
        dist[p2] = d;
        heap.push(d, label * N + p2);
      }
    }
  }
  // Then the heap is a valid one (no later key sits above a seed, and sifting keeps the rest in
  // order), so pops would come in key order, whose outcome buckets of ⌊d⌋ reproduce (propagate.c's
  // centred_buckets, WebAssembly).
  // Pixels of different 8-connected components never offer to each other, so each component
  // propagates on its own: a bucket then spans one component's rings, not the image's, and stays
  // in cache until the next.
  const nk = heap.items;
  const kdAt = kern.alloc(8 * nk), kkAt = kern.alloc(8 * nk), gsAt = kern.alloc(4 * (nk + 1));
  dist = kern.f64(distAt, N);
  cl = kern.i32(clAt, N);
  const kd = new Float64Array(nk), kk = new Float64Array(nk);
  let t0 = 0;
  heap.drain((d, key) => {
    kd[t0] = d;
    kk[t0++] = key;
  });
  const kcomp = nk ? componentOfKeys(cl, w, h, kk, nk) : new Int32Array(0);
  // keys grouped by component (by first run), in their drained order within each
  const order = Int32Array.from({ length: nk }, (_, t) => t).sort((x, y) => kcomp[x] - kcomp[y] || x - y);
  const gkd = kern.f64(kdAt, nk), gkk = kern.f64(kkAt, nk), gs = kern.i32(gsAt, nk + 1);
  let groups = 0;
  for (let t = 0; t < nk; t++) {
    gkd[t] = kd[order[t]];
    gkk[t] = kk[order[t]];
    if (t === 0 || kcomp[order[t]] !== kcomp[order[t - 1]]) gs[groups++] = t;
  }
  gs[groups] = nk;
  if (!kern.exports.centred_buckets(clAt, distAt, w, h, kdAt, kkAt, gsAt, groups)) throw new Error('propagate: a distance outside its three buckets');
  // the run's outcome, out of the kernel's memory (dist is returned)
  dist = kern.f64(distAt, N).slice();
  cl = kern.i32(clAt, N);
  const wedge = new Int8Array(N);
  for (let k = 0; k < ids.length; k++) {
    if (start[k] === start[k + 1]) continue;
    // objects no seed reached: the seed nearest their centroid, straight distances. Pixels come
    // in raster order, so rows are tracked, not divided.
    let best = -1;
    for (let q = start[k]; q < start[k + 1] && best < 0; q++) if (!cl[pixels[q]]) best = 0;
    const y0 = (pixels[start[k]] / w) | 0;
    if (best === 0 && seedI.length) {
      // the object's own centroid, as center_of_mass of its label
      let si = 0, sj = 0;
      for (let q = start[k], y = y0, rowStart = y0 * w; q < start[k + 1]; q++) {
        const p = pixels[q];
        while (p >= rowStart + w) {
          y++;
          rowStart += w;
        }
        si += y;
        sj += p - rowStart;
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
    } else best = -1;
    for (let q = start[k], y = y0, rowStart = y0 * w; q < start[k + 1]; q++) {
      const p = pixels[q];
      while (p >= rowStart + w) {
        y++;
        rowStart += w;
      }
      let c = cl[p];
      if (!c) {
        if (best < 0) {
          dist[p] = -1;
          continue;
        }
        c = cl[p] = best + 1;
        const di = y - seedI[best], dj = p - rowStart - seedJ[best];
        dist[p] = Math.sqrt(di * di + dj * dj);
      }
      const di = y - seedI[c - 1], dj = p - rowStart - seedJ[c - 1];
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
  const { dist, edge, wedge } = geo;
  // per bin and sector: the sum and the pixel count (a bin's count is its sectors' sum)
  const sum = new Float64Array(nb), cnt = new Float64Array(nb);
  const ws = new Float64Array(nb * 8), wc = new Float64Array(nb * 8);
  for (let k = 0; k < ids.length; k++) {
    sum.fill(0);
    ws.fill(0);
    wc.fill(0);
    for (let q = start[k]; q < start[k + 1]; q++) {
      const p = pixels[q];
      const d = dist[p];
      if (d < 0) continue;
      const nd = scaled ? d / (d + edge[p] + 0.001) : d / maximumRadius;
      const b = Math.min(bins, Math.trunc(nd * bins));
      const v = img[p], bs = b * 8 + wedge[p];
      sum[b] += v;
      ws[bs] += v;
      wc[bs]++;
    }
    let total = 0, n = 0;
    for (let b = 0; b < nb; b++) {
      let c = 0;
      for (let s = 0; s < 8; s++) c += wc[b * 8 + s];
      cnt[b] = c;
      total += sum[b];
      n += c;
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
