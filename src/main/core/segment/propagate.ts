import { CostHeap } from './heap';
import type { Labels } from './labels';

/** Pending pixels to pop in order of cost: CostHeap, or CostBuckets when every step costs ≥ a known minimum. */
interface Frontier {
  readonly size: number;
  /**
   * Files `pixel` at `cost`, lowered from `was` (Infinity the first time). False when this
   * frontier cannot order the cost (the propagation then starts over on the heap).
   */
  push(cost: number, pixel: number, was: number): boolean;
  pop(): number;
}

/** Most buckets CostBuckets opens before handing the propagation to the heap (distances too long for the width). */
const MAX_BUCKETS = 1 << 20;

/**
 * Dial's buckets of width < the smallest step: a pixel popped from bucket k only ever lowers costs
 * into buckets > k, so when bucket k is reached every cost in it is final and its pixels can pop in
 * any order. Which order only matters for equal-cost arrivals, which `flood` watches for.
 */
class CostBuckets implements Frontier {
  private lists: Array<Int32Array | undefined> = [];
  private lens: number[] = [];
  private pool: Int32Array[] = [];
  /** the bucket being popped (−1 before the first pop: the seeds go into bucket 0) */
  private cur = -1;
  private pos = 0;
  size = 0;

  constructor(private readonly inv: number) {}

  push(cost: number, pixel: number, was: number): boolean {
    const b = Math.floor(cost * this.inv);
    if (!(b > this.cur) || b >= MAX_BUCKETS) return false;
    // still filed in this bucket from its previous cost: its pop reads the new one
    if (Math.floor(was * this.inv) === b) return true;
    while (this.lens.length <= b) this.lens.push(0);
    let list = this.lists[b];
    if (!list) list = this.lists[b] = this.pool.pop() ?? new Int32Array(1024);
    const n = this.lens[b];
    if (n === list.length) {
      const grown = new Int32Array(2 * n);
      grown.set(list);
      list = this.lists[b] = grown;
    }
    list[n] = pixel;
    this.lens[b] = n + 1;
    this.size++;
    return true;
  }

  pop(): number {
    while (this.cur < 0 || this.pos === this.lens[this.cur]) {
      if (this.cur >= 0) {
        const done = this.lists[this.cur];
        if (done) this.pool.push(done);
        this.lists[this.cur] = undefined;
      }
      this.cur++;
      this.pos = 0;
    }
    this.size--;
    return (this.lists[this.cur] as Int32Array)[this.pos++];
  }
}

/**
 * Dijkstra from the seeds over the mask (see propagate). Returns null when `buckets` and the
 * bucket frontier cannot reproduce the heap's labels: a cost it cannot file, or a pixel reached at
 * its current cost by a second label — the heap's label then depends on how it pops equal costs.
 *
 * The pops wander over the whole image, so nearly every read misses the cache: each pixel keeps
 * its cost, intensity and label in one 16-byte record (one line fetch for all three), and the grid
 * has a one-pixel frame outside the mask, so neighbours need no bounds tests. The frontier holds
 * framed indices; only its pop order matters, not the values.
 */
function flood(image: Float32Array, seeds: Labels, mask: Uint8Array, lambda: number, frontier: Frontier, buckets: boolean): Int32Array | null {
  const { width: w, height: h, data: seed } = seeds;
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
      if (seed[i]) frontier.push(0, p, Infinity);
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
        if (!frontier.push(nd, q, dq)) return null;
      } else if (buckets && nd === dq && label[4 * q + 3] !== lp) return null;
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
  const data = minStep > 0 ? flood(image, seeds, mask, lambda, new CostBuckets(4 / minStep), true) : null;
  return data ? { width: seeds.width, height: seeds.height, data } : propagateOnHeap(image, seeds, mask, lambda);
}

/** propagate with every pop from CostHeap: the order that defines its labels, and its fallback */
export function propagateOnHeap(image: Float32Array, seeds: Labels, mask: Uint8Array, lambda = 0.05): Labels {
  const data = flood(image, seeds, mask, lambda, new CostHeap(1 << 16), false) as Int32Array;
  return { width: seeds.width, height: seeds.height, data };
}
