import { PixelHeap } from './heap';
import type { Labels } from './labels';

const NEIGH4 = [
  [-1, 0],
  [1, 0],
  [0, -1],
  [0, 1],
] as const;
const NEIGH8 = [...NEIGH4, [-1, -1], [-1, 1], [1, -1], [1, 1]] as const;
const DY = Int32Array.from(NEIGH8, ([dy]) => dy);
const DX = Int32Array.from(NEIGH8, ([, dx]) => dx);

/**
 * Seeded watershed by priority flooding (Meyer): markers grow into `mask` pixels in order of
 * `surface` value, each pixel taking the label of the neighbour that reached it first.
 * 8-connected, as skimage.segmentation.watershed with connectivity 2.
 */
export function seededWatershed(surface: Float32Array, markers: Labels, mask: Uint8Array | null): Labels {
  return (mask && watershedByRanks(surface, markers, mask)) || watershedOnHeap(surface, markers, mask);
}

/** A float32's bits as an unsigned key in value order (−0 as +0, equal priorities to the heap). */
function orderKey(u: number): number {
  const v = u === 0x80000000 ? 0 : u;
  return (v & 0x80000000 ? ~v : v | 0x80000000) >>> 0;
}

/**
 * watershedOnHeap's pops without the heap. A pushed priority is never below the level popped
 * (max(surface, level)), so the pops run through the priorities in increasing order, and among
 * equal ones in push order: one FIFO list per distinct surface value of the pixels that can be
 * queued (markers and mask), in value order, is the same queue. The values are ranked by a radix
 * sort of their float32 bits in value order. Null (the heap then) for a NaN.
 *
 * `link` holds a pixel's rank until it is queued, then the next pixel in its list. A pixel is
 * queued once it has a label (labels are > 0), so out says which are.
 */
function watershedByRanks(surface: Float32Array, markers: Labels, mask: Uint8Array): Labels | null {
  const { width: w, height: h } = markers;
  const n = w * h, mk = markers.data;
  const bits = new Uint32Array(surface.buffer, surface.byteOffset, n);
  const link = new Int32Array(n);
  // the pixels that can be queued, listed in link until it takes their ranks
  let m = 0;
  for (let i = 0; i < n; i++) {
    if (!mk[i] && !mask[i]) continue;
    if (surface[i] !== surface[i]) return null;
    link[m++] = i;
  }
  let px = link.slice(0, m), px2 = new Int32Array(m);
  const count = new Int32Array(1 << 16);
  for (let shift = 0; shift < 32; shift += 16) {
    count.fill(0);
    for (let k = 0; k < m; k++) count[(orderKey(bits[px[k]]) >>> shift) & 0xffff]++;
    for (let d = 0, at = 0; d < 1 << 16; d++) {
      const c = count[d];
      count[d] = at;
      at += c;
    }
    for (let k = 0; k < m; k++) px2[count[(orderKey(bits[px[k]]) >>> shift) & 0xffff]++] = px[k];
    [px, px2] = [px2, px];
  }
  let ranks = 0;
  for (let k = 0, prev = -1; k < m; k++) {
    const key = orderKey(bits[px[k]]);
    if (key !== prev) ranks++;
    prev = key;
    link[px[k]] = ranks - 1;
  }
  const head = new Int32Array(ranks).fill(-1), tail = new Int32Array(ranks);
  const out = Int32Array.from(mk);
  for (let i = 0; i < n; i++) {
    if (out[i] === 0) continue;
    const r = link[i];
    link[i] = -1;
    if (head[r] < 0) head[r] = i;
    else link[tail[r]] = i;
    tail[r] = i;
  }
  for (let cur = 0; cur < ranks; ) {
    const i = head[cur];
    if (i < 0) {
      cur++;
      continue;
    }
    head[cur] = link[i];
    const y = (i / w) | 0;
    const x = i - y * w;
    const lab = out[i];
    for (let e = 0; e < 8; e++) {
      const yy = y + DY[e];
      const xx = x + DX[e];
      if (yy < 0 || yy >= h || xx < 0 || xx >= w) continue;
      const j = yy * w + xx;
      if (out[j] || !mask[j]) continue;
      out[j] = lab;
      // never flood "downhill" faster than the current level: keeps basins ordered
      const r = link[j] > cur ? link[j] : cur;
      link[j] = -1;
      if (head[r] < 0) head[r] = j;
      else link[tail[r]] = j;
      tail[r] = j;
    }
  }
  return { width: w, height: h, data: out };
}

/**
 * seededWatershed on a PixelHeap ordered by (priority, push order): the order that defines its
 * labels. The path without a mask or with a NaN, and the reference watershedByRanks is tested against.
 */
export function watershedOnHeap(surface: Float32Array, markers: Labels, mask: Uint8Array | null): Labels {
  const { width: w, height: h } = markers;
  const out = Int32Array.from(markers.data);
  const heap = new PixelHeap(4096);
  const queued = new Uint8Array(w * h);
  for (let i = 0; i < out.length; i++) {
    if (out[i] === 0) continue;
    queued[i] = 1;
    heap.push(surface[i], i);
  }
  while (heap.size) {
    const i = heap.pop();
    const level = heap.lastPriority;
    const y = (i / w) | 0;
    const x = i - y * w;
    const lab = out[i];
    for (let e = 0; e < 8; e++) {
      const yy = y + DY[e];
      const xx = x + DX[e];
      if (yy < 0 || yy >= h || xx < 0 || xx >= w) continue;
      const j = yy * w + xx;
      if (queued[j] || (mask && !mask[j])) continue;
      queued[j] = 1;
      out[j] = lab;
      // never flood "downhill" faster than the current level: keeps basins ordered
      heap.push(surface[j] > level ? surface[j] : level, j);
    }
  }
  return { width: w, height: h, data: out };
}

export { NEIGH4, NEIGH8 };
