import { CostHeap } from './heap';
import type { Labels } from './labels';
import { propagateKernel } from '../wasm/propagate';

/**
 * Dijkstra from the seeds over the mask (see propagate) with Dial's buckets of width < the
 * smallest step: a pixel popped from bucket k only ever lowers costs into buckets > k, so when
 * bucket k is reached every cost in it is final and its pixels can pop in any order. Returns null
 * when that order could change the heap's labels: a cost it cannot file, or a pixel reached at its
 * current cost by a second label (the heap's label then depends on how it pops equal costs).
 *
 * The loop is propagate.c's flood_buckets (WebAssembly): the pops wander over the whole image, so
 * nearly every read misses the cache, and each pixel keeps its state and intensity in one 8-byte
 * cell of a grid with a one-pixel frame outside the mask (no bounds tests).
 */
function floodByBuckets(image: Float32Array, seeds: Labels, mask: Uint8Array, lambda: number, inv: number): Int32Array | null {
  const { width: w, height: h, data: seed } = seeds;
  const n = w * h;
  const k = propagateKernel();
  k.reset();
  const img = k.alloc(4 * n), sd = k.put(seed), mk = k.alloc(n), out = k.alloc(4 * n);
  new Float32Array(k.exports.memory.buffer, img, n).set(image);
  new Uint8Array(k.exports.memory.buffer, mk, n).set(mask);
  if (!k.exports.flood_buckets(img, sd, mk, w, h, lambda, inv, out)) return null;
  return k.i32(out, n).slice();
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
