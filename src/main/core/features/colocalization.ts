import { newBlock, type FeatureBlock, type ObjectIndex } from './objects';
import { denseRanksAt } from './denseRanks';
import { sortKernel } from '../wasm/sort';
import { colocKernel } from '../wasm/coloc';

/**
 * CellProfiler 4.2 MeasureColocalization, per object, for one channel pair (A, B) on 0–1 images:
 * Correlation (Pearson; NaN when a channel is constant over the object), Overlap and K (A→B and
 * B→A) over the pixels where both channels reach 15 % of their maximum in the object, Manders
 * (same thresholds) and RWC (rank-weighted colocalisation: dense ranks of each channel over
 * all object pixels of the image, weight (R − |rankA − rankB|)/R, over the Manders pixels).
 * Costes thresholds are not computed (optional in CellProfiler, off in the JUMP pipelines).
 */
export const correlationNames = (a: string, b: string) => [
  `Correlation_Correlation_${a}_${b}`,
  `Correlation_Overlap_${a}_${b}`,
  `Correlation_K_${a}_${b}`,
  `Correlation_K_${b}_${a}`,
  `Correlation_Manders_${a}_${b}`,
  `Correlation_Manders_${b}_${a}`,
  `Correlation_RWC_${a}_${b}`,
  `Correlation_RWC_${b}_${a}`,
];

/**
 * One channel over the objects of `ix`, as every pair it is in needs it, kept in coloc.c's memory
 * (colocChannel's pass): its values and dense ranks (0 = smallest value over all object pixels of
 * the image) gathered in ix.pixels order, and per object the sums that depend on this channel
 * alone (the same sums, in the same order, as a per-pair pass would make). The ranks come from
 * the levels present among the image's levels: an 8- or 16-bit image's integer values (the 0–1
 * scaling is monotonic, so they rank the scaled values too) or a float image's dense ranks over
 * the whole image (`imageLevels`), shared by every compartment; with no levels (a float image
 * with a NaN) the values are sorted. A channel lives until colocChannel starts another object set
 * (another `ix`, or a channel name met again for the same one); measureCorrelations refuses it then.
 */
export interface ColocChannel {
  name: string;
  /** the object set it belongs to (see `current`) */
  set: number;
  /** coloc.c memory: values (f64) and ranks (i32) per pixel of ix.pixels; per object mean, threshold, Σ(x − mean)², Σx over x ≥ threshold, constant (5 × n f64) */
  v: number;
  rank: number;
  stats: number;
  rankMax: number;
}

/** the object set whose channels coloc.c's memory holds: its pixel lists there, the channels made */
let current: { ix: ObjectIndex; set: number; px: number; start: number; names: Set<string> } | null = null;
let sets = 0;

/** Integer levels of one channel's pixels, ordered as its values, and how many there can be. */
export interface ImageLevels {
  data: ArrayLike<number>;
  count: number;
}

/**
 * The levels colocChannel ranks by: the acquired integers, or for a float image the dense ranks of
 * its values at `labelled` (every pixel of any compartment; the others are never ranked).
 */
export function imageLevels(img: Float64Array, raw: { data: ArrayLike<number>; bitDepth: number } | null, labelled: Int32Array): ImageLevels | null {
  if (raw) return { data: raw.data, count: raw.bitDepth === 16 ? 65536 : 256 };
  const r = denseRanksAt(img, labelled);
  return r && { data: r.rank, count: r.count };
}

export function colocChannel(ix: ObjectIndex, name: string, img: Float64Array, levels: ImageLevels | null, thresholdPercent = 15): ColocChannel {
  const k = colocKernel();
  if (!current || current.ix !== ix || current.names.has(name)) {
    k.reset();
    current = { ix, set: ++sets, px: k.put(ix.pixels), start: k.put(ix.start), names: new Set() };
  }
  current.names.add(name);
  const n = ix.ids.length, m = ix.pixels.length;
  const v = k.alloc(8 * m), rank = k.alloc(4 * m), stats = k.alloc(40 * n);
  // the image and its levels only for the gather
  const mark = k.exports.mark();
  const pimg = k.put(img);
  let kind = 0, plev = 0;
  if (levels) {
    const d = levels.data;
    // the levels as they are where the kernel reads them (u8, u16); any others as i32
    const [K, bytes, a] = d instanceof Uint8Array ? [1, 1, d] : d instanceof Uint16Array ? [2, 2, d] : [3, 4, d instanceof Int32Array ? d : Int32Array.from(d)];
    kind = K;
    plev = k.alloc(bytes * a.length);
    const view = K === 1 ? new Uint8Array(k.exports.memory.buffer, plev, a.length) : K === 2 ? new Uint16Array(k.exports.memory.buffer, plev, a.length) : k.i32(plev, a.length);
    view.set(a);
  }
  let rankMax = k.exports.coloc_channel(pimg, plev, kind, levels ? levels.count : 0, current.px, current.start, n, thresholdPercent / 100, v, rank, stats);
  k.exports.release(mark);
  if (!levels) {
    const r = sortedRanks(k.f64(v, m));
    k.i32(rank, m).set(r.rank);
    rankMax = r.rankMax;
  }
  return { name, set: current.set, v, rank, stats, rankMax };
}

/**
 * dense ranks (0 = smallest) of any values, NaN too (the image's levels have none then): sort.c's
 * sorted_ranks orders the pixels by value, then one walk gives equal values (−0 and 0 too) one
 * rank. Each NaN ranks 0 and, as a value of its own, counts in rankMax.
 */
function sortedRanks(v: Float64Array): { rank: Int32Array; rankMax: number } {
  const n = v.length;
  const k = sortKernel();
  k.reset();
  const pv = k.put(v), pr = k.alloc(4 * n);
  const rankMax = k.exports.sorted_ranks(pv, n, pr);
  return { rank: k.i32(pr, n), rankMax };
}

/**
 * Every pair (chans[i], chans[j]), i < j, in that order: one block of correlationNames each, per
 * object, from coloc.c's coloc_pairs (all pairs of one object at once, over its pixels' values
 * and ranks that colocChannel left in the kernel's memory).
 */
export function measureCorrelations(ix: ObjectIndex, chans: ColocChannel[]): FeatureBlock[] {
  const cur = current;
  for (const c of chans) if (!cur || cur.ix !== ix || c.set !== cur.set) throw new Error(`colocalization: channel ${c.name} is not one of colocChannel's latest, for this object set`);
  const n = ix.ids.length;
  const pairs: [number, number][] = [];
  for (let i = 0; i < chans.length; i++) for (let j = i + 1; j < chans.length; j++) pairs.push([i, j]);
  if (!pairs.length) return [];
  const k = colocKernel();
  const mark = k.exports.mark();
  // the kernel takes pairs two at a time: an odd count repeats the last
  const np = pairs.length + (pairs.length & 1);
  const at = (j: number) => pairs[Math.min(j, pairs.length - 1)];
  const out = Array.from({ length: pairs.length }, () => k.alloc(64 * n));
  const ptrs = (a: number[]) => k.put(Int32Array.from(a));
  k.exports.coloc_pairs(
    ptrs(chans.map((c) => c.v)),
    ptrs(chans.map((c) => c.rank)),
    ptrs(chans.map((c) => c.stats)),
    ptrs(Array.from({ length: np }, (_, j) => at(j)[0])),
    ptrs(Array.from({ length: np }, (_, j) => at(j)[1])),
    k.put(Float64Array.from({ length: np }, (_, j) => Math.max(chans[at(j)[0]].rankMax, chans[at(j)[1]].rankMax) + 1)),
    np,
    cur!.start,
    n,
    ptrs(Array.from({ length: np }, (_, j) => out[Math.min(j, pairs.length - 1)])),
  );
  const blocks = pairs.map(([i, j], q) => {
    const block = newBlock(correlationNames(chans[i].name, chans[j].name), n);
    const o = k.f64(out[q], 8 * n);
    block.values.forEach((col, c) => col.set(o.subarray(c * n, (c + 1) * n)));
    return block;
  });
  k.exports.release(mark);
  return blocks;
}
