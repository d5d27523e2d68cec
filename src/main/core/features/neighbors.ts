import { shapeKernel } from '../wasm/shape';
import { newBlock, type FeatureBlock, type ObjectIndex } from './objects';

/**
 * CellProfiler 4.2 MeasureObjectNeighbors of a set with itself, method Adjacent (distance 1) or
 * Within D pixels: neighbours are the other objects met by dilating the object with
 * strel_disk(D); PercentTouching = outline pixels (centrosome.outline) covered by the other
 * objects dilated with strel_disk(D + 0.5) (3×3 for Adjacent), over all outline pixels; closest
 * objects and their distances by centroid (the object itself excluded); angle between the
 * vectors to the first and second closest, in degrees. With one object everything is 0, with two
 * the second closest is 0, as CellProfiler leaves them.
 */
const FEATURES = [
  'NumberOfNeighbors', 'PercentTouching', 'FirstClosestObjectNumber', 'FirstClosestDistance', 'SecondClosestObjectNumber',
  'SecondClosestDistance', 'AngleBetweenNeighbors',
];
/** scale suffix: "Adjacent" for distance 1 by adjacency, else the distance in pixels */
export const neighborNames = (scale: string) => FEATURES.map((n) => `Neighbors_${n}_${scale}`);

/** centrosome strel_disk(r) as (dy, dx) offsets: |offset|² ≤ r² within ±⌊r⌋ */
function strelDisk(r: number): Int32Array {
  const ir = Math.floor(r);
  const o: number[] = [];
  for (let dy = -ir; dy <= ir; dy++) for (let dx = -ir; dx <= ir; dx++) if (dy * dy + dx * dx <= r * r && (dy || dx)) o.push(dy, dx);
  return Int32Array.from(o);
}

/**
 * boundary: the objects' 4-connected inner boundary (objects.outlineAndEdge's edge) when known — the
 * nearest object pixel to anything outside is on it, so only those pixels need the disk.
 */
export function measureNeighbors(ix: ObjectIndex, outline: Uint8Array, cx: Float64Array, cy: Float64Array, distance = 1, scale = 'Adjacent', boundary?: Uint8Array): FeatureBlock {
  const { width: w, height: h, labels, ids, start, pixels } = ix;
  const n = ids.length;
  const block = newBlock(neighborNames(scale), n);
  const [NN, PT, F1, FD, S1, SD, ANG] = block.values;
  if (n <= 1) return block;
  const reach = strelDisk(distance);
  const touch = strelDisk(distance + 0.5);
  const ir = Math.floor(distance), it = Math.floor(distance + 0.5);
  const linear = (d: Int32Array) => Int32Array.from({ length: d.length / 2 }, (_, e) => d[2 * e] * w + d[2 * e + 1]);
  const reachAt = linear(reach), touchAt = linear(touch);
  // the disk's right rim: per row dy its last offset. A pixel whose left neighbour had its disk
  // scanned adds only these (its disk less that one's, but for its own pixel): the labels met,
  // a set, are the same
  const rim: number[] = [];
  for (let e = 0; e < reach.length; e += 2) if (e + 2 >= reach.length || reach[e + 2] !== reach[e]) rim.push(reach[e], reach[e + 1]);
  const rimAt = linear(Int32Array.from(rim));
  // per row dy of each disk, its half-width (the kernel reads the rows whole)
  const halfWidths = (d: Int32Array, r: number) => {
    const span = new Int32Array(2 * r + 1);
    for (let e = 0; e < d.length; e += 2) span[d[e] + r] = Math.max(span[d[e] + r], Math.abs(d[e + 1]));
    return span;
  };
  // the pixel loops run in the kernel (core/wasm/shape.c neighbor_counts)
  const kk = shapeKernel();
  kk.reset();
  const u8 = (a: Uint8Array) => {
    const p = kk.alloc(a.length);
    new Uint8Array(kk.exports.memory.buffer, p, a.length).set(a);
    return p;
  };
  const pLabels = kk.put(labels), pOutline = u8(outline), pBoundary = boundary ? u8(boundary) : 0;
  const pSeen = kk.alloc(4 * (ids[n - 1] + 1)), pNN = kk.alloc(4 * n), pPer = kk.alloc(4 * n), pTouching = kk.alloc(4 * n);
  kk.exports.neighbor_counts(
    pLabels, w, h, pOutline, pBoundary, kk.put(start), kk.put(pixels), kk.put(ids), n,
    kk.put(reach), reach.length / 2, kk.put(reachAt), kk.put(rimAt), rimAt.length, kk.put(touch), touch.length / 2, kk.put(touchAt), ir, it, kk.put(halfWidths(reach, ir)), kk.put(halfWidths(touch, it)),
    pSeen, pNN, pPer, pTouching,
  );
  const nns = kk.i32(pNN, n).slice(), pers = kk.i32(pPer, n).slice(), touchings = kk.i32(pTouching, n).slice();
  for (let k = 0; k < n; k++) {
    const nn = nns[k], per = pers[k], touching = touchings[k];
    NN[k] = nn;
    PT[k] = per ? (touching * 100) / per : 0;
    let b1 = -1, b2 = -1, d1 = Infinity, d2 = Infinity;
    // the squared distance (within a few ulps of hypot²) skips objects that cannot be among
    // the two closest; the others are compared by Math.hypot exactly as before
    let cut = Infinity;
    for (let j = 0; j < n; j++) {
      if (j === k) continue;
      const ex = cx[j] - cx[k], ey = cy[j] - cy[k];
      if (ex * ex + ey * ey > cut) continue;
      const d = Math.hypot(ex, ey);
      if (d < d1) {
        d2 = d1;
        b2 = b1;
        d1 = d;
        b1 = j;
      } else if (d < d2) {
        d2 = d;
        b2 = j;
      }
      cut = d2 * d2 * (1 + 1e-9);
    }
    F1[k] = ids[b1];
    FD[k] = d1;
    if (b2 >= 0) {
      S1[k] = ids[b2];
      SD[k] = d2;
      const ax = cx[b1] - cx[k], ay = cy[b1] - cy[k], bx = cx[b2] - cx[k], by = cy[b2] - cy[k];
      const c = (ax * bx + ay * by) / (Math.hypot(ax, ay) * Math.hypot(bx, by));
      ANG[k] = (Math.acos(Math.max(-1, Math.min(1, c))) * 180) / Math.PI;
    }
  }
  return block;
}
