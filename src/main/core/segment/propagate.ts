import { CostHeap } from './heap';
import type { Labels } from './labels';

/** Most buckets floodByBuckets opens before handing the propagation to the heap (distances too long for the width). */
const MAX_BUCKETS = 1 << 20;

/**
 * Dijkstra from the seeds over the mask (see propagate) with Dial's buckets of width < the
 * smallest step: a pixel popped from bucket k only ever lowers costs into buckets > k, so when
 * bucket k is reached every cost in it is final and its pixels can pop in any order. Returns null
 * when that order could change the heap's labels: a cost it cannot file, or a pixel reached at its
 * current cost by a second label (the heap's label then depends on how it pops equal costs).
 *
 * The pops wander over the whole image, so nearly every read misses the cache: each pixel keeps
 * its state and intensity in one 8-byte cell, and the grid has a one-pixel frame outside the mask,
 * so neighbours need no bounds tests. The state is 0 (not reached), a slot > 0 of the few pixels
 * waiting in a bucket (their cost and label, in small tables that stay in the cache), or
 * −1 − label once done (−1 outside the mask: label 0), which no step lowers or equals.
 */
function floodByBuckets(image: Float32Array, seeds: Labels, mask: Uint8Array, lambda: number, inv: number): Int32Array | null {
  const { width: w, height: h, data: seed } = seeds;
  const fw = w + 2;
  const grid = new ArrayBuffer(8 * fw * (h + 2));
  const state = new Int32Array(grid);
  const value = new Float32Array(grid);
  let slotCost = new Float64Array(1 << 16), slotLabel = new Int32Array(1 << 16), free = new Int32Array(1 << 16);
  let slots = 1, nFree = 0;
  const lists: Array<Int32Array | undefined> = [];
  const lens: number[] = [];
  const pool: Int32Array[] = [];
  // the frame: done, as outside the mask
  for (let x = 0; x < fw; x++) state[2 * x] = state[2 * ((h + 1) * fw + x)] = -1;
  // the seeds go into bucket 0 in raster order
  let seedList = new Int32Array(1024), nSeeds = 0;
  for (let y = 0, i = 0; y < h; y++) {
    state[2 * (y + 1) * fw] = state[2 * ((y + 2) * fw - 1)] = -1;
    for (let x = 0, p = (y + 1) * fw + 1; x < w; x++, i++, p++) {
      value[2 * p + 1] = image[i];
      if (!seed[i]) {
        state[2 * p] = mask[i] ? 0 : -1;
        continue;
      }
      if (slots === slotCost.length) {
        slotCost = grownF64(slotCost);
        slotLabel = grownI32(slotLabel);
        free = grownI32(free);
      }
      const t = slots++;
      slotCost[t] = 0;
      slotLabel[t] = seed[i];
      state[2 * p] = t;
      if (nSeeds === seedList.length) seedList = grownI32(seedList);
      seedList[nSeeds++] = p;
    }
  }
  lists.push(seedList);
  lens.push(nSeeds);
  const l2 = lambda * lambda, l2d = 2 * l2;
  const off = Int32Array.from([-fw, fw, -1, 1, -fw - 1, -fw + 1, fw - 1, fw + 1]);
  const step2 = Float64Array.from([l2, l2, l2, l2, l2d, l2d, l2d, l2d]);
  for (let cur = 0; cur < lens.length; cur++) {
    // pushes go to later buckets only, so this one neither grows nor moves while it is popped
    const list = lists[cur], len = lens[cur];
    if (!list) continue;
    for (let k = 0; k < len; k++) {
      const p = list[k];
      const s = state[2 * p];
      // done already: filed again at a lower cost, and popped from that earlier bucket
      if (s < 0) continue;
      const d = slotCost[s], lp = slotLabel[s];
      state[2 * p] = -1 - lp;
      free[nFree++] = s;
      const vp = value[2 * p + 1];
      for (let e = 0; e < 8; e++) {
        const q = p + off[e];
        const sq = state[2 * q];
        if (sq < 0) continue;
        const dq = sq === 0 ? Infinity : slotCost[sq];
        const di = value[2 * q + 1] - vp;
        const nd = d + Math.sqrt(di * di + step2[e]);
        if (nd < dq) {
          const b = Math.floor(nd * inv);
          if (!(b > cur) || b >= MAX_BUCKETS) return null;
          let t = sq;
          if (t === 0) {
            if (nFree) t = free[--nFree];
            else {
              if (slots === slotCost.length) {
                slotCost = grownF64(slotCost);
                slotLabel = grownI32(slotLabel);
                free = grownI32(free);
              }
              t = slots++;
            }
            state[2 * q] = t;
          }
          slotCost[t] = nd;
          slotLabel[t] = lp;
          // still filed in this bucket from its previous cost: its pop reads the new one
          if (Math.floor(dq * inv) === b) continue;
          while (lens.length <= b) {
            lens.push(0);
            lists.push(undefined);
          }
          let into = lists[b];
          if (!into) into = lists[b] = pool.pop() ?? new Int32Array(1024);
          const n = lens[b];
          if (n === into.length) into = lists[b] = grownI32(into);
          into[n] = q;
          lens[b] = n + 1;
        } else if (nd === dq && slotLabel[sq] !== lp) return null;
      }
    }
    pool.push(list);
    lists[cur] = undefined;
  }
  const out = new Int32Array(w * h);
  for (let y = 0, i = 0; y < h; y++)
    for (let x = 0, p = (y + 1) * fw + 1; x < w; x++, i++, p++) {
      const s = state[2 * p];
      if (s < -1) out[i] = -1 - s;
    }
  return out;
}

function grownI32(a: Int32Array): Int32Array<ArrayBuffer> {
  const b = new Int32Array(2 * a.length);
  b.set(a);
  return b;
}

function grownF64(a: Float64Array): Float64Array<ArrayBuffer> {
  const b = new Float64Array(2 * a.length);
  b.set(a);
  return b;
}

/**
 * Dijkstra from the seeds over the mask on CostHeap (see propagateOnHeap). Each pixel keeps its
 * cost, intensity and label in one 16-byte record (one line fetch for all three), in a grid with a
 * one-pixel frame outside the mask.
 */
function floodOnHeap(image: Float32Array, seeds: Labels, mask: Uint8Array, lambda: number): Int32Array {
  const { width: w, height: h, data: seed } = seeds;
  const frontier = new CostHeap(1 << 16);
  const fw = w + 2;
  const records = new ArrayBuffer(16 * fw * (h + 2));
  // the cost so far: −1 outside the mask (the frame too) and once done, where no step lowers or equals it
  const cost = new Float64Array(records).fill(-1);
  const value = new Float32Array(records);
  const label = new Int32Array(records);
  for (let y = 0, i = 0; y < h; y++)
    for (let x = 0, p = (y + 1) * fw + 1; x < w; x++, i++, p++) {
      value[4 * p + 2] = image[i];
      label[4 * p + 3] = seed[i];
      cost[2 * p] = seed[i] ? 0 : mask[i] ? Infinity : -1;
      if (seed[i]) frontier.push(0, p);
    }
  const l2 = lambda * lambda, l2d = 2 * l2;
  const off = Int32Array.from([-fw, fw, -1, 1, -fw - 1, -fw + 1, fw - 1, fw + 1]);
  const step2 = Float64Array.from([l2, l2, l2, l2, l2d, l2d, l2d, l2d]);
  while (frontier.size) {
    const p = frontier.pop();
    // the first pop of a pixel is at its lowest pushed cost, the one its record holds
    const d = cost[2 * p];
    if (d < 0) continue;
    cost[2 * p] = -1;
    const vp = value[4 * p + 2], lp = label[4 * p + 3];
    for (let e = 0; e < 8; e++) {
      const q = p + off[e];
      const dq = cost[2 * q];
      if (dq < 0) continue;
      const di = value[4 * q + 2] - vp;
      const nd = d + Math.sqrt(di * di + step2[e]);
      if (nd < dq) {
        cost[2 * q] = nd;
        label[4 * q + 3] = lp;
        frontier.push(nd, q);
      }
    }
  }
  const out = new Int32Array(w * h);
  for (let y = 0, i = 0; y < h; y++) for (let x = 0, p = (y + 1) * fw + 1; x < w; x++, i++, p++) out[i] = label[4 * p + 3];
  return out;
}

/**
 * Seeded propagation (CellProfiler's IdentifySecondaryObjects "Propagation"): every mask pixel
 * goes to the seed with the smallest path cost, a step costing sqrt(ΔI² + λ²) — intensity
 * changes (cell borders) are expensive, λ keeps distance mattering in flat regions. Dijkstra; on
 * a pixel reached at the same cost from two labels the first popped wins, in CostHeap's order.
 *
 * Costs are order-free (a minimum), and labels depend on the pop order only where a pixel is
 * reached at its final cost from two labels. So the bucket run, which pops each bucket in any
 * order, gives the heap's labels whenever no such arrival happens, and the heap takes over when one does.
 */
export function propagate(image: Float32Array, seeds: Labels, mask: Uint8Array, lambda = 0.05): Labels {
  // every step costs ≥ sqrt(λ²) (sqrt and + are monotone in floating point); a quarter of it as
  // the bucket width leaves rounding far behind: a pop's costs land ≥ 3 buckets ahead
  const minStep = Math.sqrt(lambda * lambda);
  const data = minStep > 0 ? floodByBuckets(image, seeds, mask, lambda, 4 / minStep) : null;
  return data ? { width: seeds.width, height: seeds.height, data } : propagateOnHeap(image, seeds, mask, lambda);
}

/** propagate with every pop from CostHeap: the order that defines its labels, and its fallback */
export function propagateOnHeap(image: Float32Array, seeds: Labels, mask: Uint8Array, lambda = 0.05): Labels {
  const data = floodOnHeap(image, seeds, mask, lambda);
  return { width: seeds.width, height: seeds.height, data };
}
