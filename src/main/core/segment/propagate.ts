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
 */
function flood(image: Float32Array, seeds: Labels, mask: Uint8Array, lambda: number, frontier: Frontier, buckets: boolean): Int32Array | null {
  const { width: w, height: h } = seeds;
  const out = Int32Array.from(seeds.data);
  const dist = new Float64Array(w * h).fill(Infinity);
  // 0: outside the mask, 1: open, 2: done
  const state = new Uint8Array(w * h);
  for (let i = 0; i < state.length; i++) state[i] = mask[i] ? 1 : 0;
  for (let i = 0; i < out.length; i++) {
    if (out[i] === 0) continue;
    dist[i] = 0;
    frontier.push(0, i, Infinity);
  }
  const l2 = lambda * lambda, l2d = 2 * l2;
  const off = Int32Array.from([-w, w, -1, 1, -w - 1, -w + 1, w - 1, w + 1]);
  const dy = Int32Array.from([-1, 1, 0, 0, -1, -1, 1, 1]);
  const dx = Int32Array.from([0, 0, -1, 1, -1, 1, -1, 1]);
  while (frontier.size) {
    const i = frontier.pop();
    if (state[i] === 2) continue;
    state[i] = 2;
    // the first pop of a pixel is at its lowest pushed cost, the one dist holds
    const d = dist[i];
    const y = (i / w) | 0;
    const x = i - y * w;
    const inner = x > 0 && x < w - 1 && y > 0 && y < h - 1;
    const vi = image[i], li = out[i];
    for (let e = 0; e < 8; e++) {
      if (!inner) {
        const yy = y + dy[e];
        const xx = x + dx[e];
        if (yy < 0 || yy >= h || xx < 0 || xx >= w) continue;
      }
      const j = i + off[e];
      if (state[j] !== 1) continue;
      const di = image[j] - vi;
      const nd = d + Math.sqrt(di * di + (e < 4 ? l2 : l2d));
      const dj = dist[j];
      if (nd < dj) {
        dist[j] = nd;
        out[j] = li;
        if (!frontier.push(nd, j, dj)) return null;
      } else if (buckets && nd === dj && out[j] !== li) return null;
    }
  }
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
