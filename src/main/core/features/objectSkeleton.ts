/**
 * MeasureObjectSkeleton (CellProfiler 4.2.8, measureobjectskeleton.py) of seed objects on a
 * skeleton image, as JUMP_analysis_v3 runs it (Nuclei on mito_skel, holes up to 10 px filled,
 * no graph): NumberTrunks, NumberNonTrunkBranches, NumberBranchEnds, TotalObjectSkeletonLength.
 */
import type { FeatureBlock } from './objects';
import { branchpoints, endpoints, extraBranches, skeletonize, skeletonLength } from './skeletonTables';

const FEATURES = ['NumberTrunks', 'NumberNonTrunkBranches', 'NumberBranchEnds', 'TotalObjectSkeletonLength'];

/** 3×3 max (dilate) or min (erode) of labels; scipy's reflected border changes neither in a 3×3 window */
function grey3(l: Int32Array, w: number, h: number, max: boolean): Int32Array {
  const out = new Int32Array(l.length);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      let v = l[y * w + x];
      for (let yy = Math.max(0, y - 1); yy <= Math.min(h - 1, y + 1); yy++)
        for (let xx = Math.max(0, x - 1); xx <= Math.min(w - 1, x + 1); xx++) {
          const u = l[yy * w + xx];
          if (max ? u > v : u < v) v = u;
        }
      out[y * w + x] = v;
    }
  return out;
}

/**
 * centrosome's fill_labeled_holes on a binary image (object label 1) where `mask` is off at the
 * seed centres (label 0): background components (4-connected) not touching the border, of at most
 * `maxHole` pixels, touching one object only, are filled. The graph walk keeps centrosome's
 * order (a stack, neighbours in label order), which decides components next to both labels.
 */
function fillHoles(img: Uint8Array, mask: Uint8Array, w: number, h: number, maxHole: number): Uint8Array {
  const n = w * h;
  const lab = new Int32Array(n);
  for (let p = 0; p < n; p++) lab[p] = img[p] ? 1 : 0;
  let next = 3; // centrosome numbers background components from lcount + 2
  const stack: number[] = [];
  for (let s = 0; s < n; s++) {
    if (img[s] || !mask[s] || lab[s]) continue;
    lab[s] = next;
    stack.push(s);
    while (stack.length) {
      const p = stack.pop()!;
      const y = Math.floor(p / w), x = p - y * w;
      for (const q of [y > 0 ? p - w : -1, y < h - 1 ? p + w : -1, x > 0 ? p - 1 : -1, x < w - 1 ? p + 1 : -1])
        if (q >= 0 && !img[q] && mask[q] && !lab[q]) {
          lab[q] = next;
          stack.push(q);
        }
    }
    next++;
  }
  const count = next; // labels 0..next-1
  const area = new Int32Array(count);
  for (let p = 0; p < n; p++) area[lab[p]]++;
  const adj: Array<Set<number>> = Array.from({ length: count }, () => new Set<number>());
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const a = lab[y * w + x];
      if (y < h - 1 && lab[(y + 1) * w + x] !== a) adj[a].add(lab[(y + 1) * w + x]), adj[lab[(y + 1) * w + x]].add(a);
      if (x < w - 1 && lab[y * w + x + 1] !== a) adj[a].add(lab[y * w + x + 1]), adj[lab[y * w + x + 1]].add(a);
    }
  const nbrs = adj.map((s) => [...s].sort((a, b) => a - b));
  const notHole = new Uint8Array(count);
  const border = new Set<number>();
  for (let x = 0; x < w; x++) border.add(lab[x]).add(lab[(h - 1) * w + x]);
  for (let y = 0; y < h; y++) border.add(lab[y * w]).add(lab[y * w + w - 1]);
  const todo = [...border].filter((l) => l !== 0).sort((a, b) => a - b);
  for (const l of todo) notHole[l] = 1;
  for (let l = 1; l < count; l++)
    if (area[l] > 0 && !notHole[l] && !(l > 1 && area[l] <= maxHole)) {
      notHole[l] = 1;
      todo.push(l);
    }
  const fillWith = new Int32Array(count);
  while (todo.length) {
    const i = todo.pop()!;
    for (const j of nbrs[i]) {
      if (notHole[j]) continue;
      if (i <= 1) {
        // an object: a component touching two different objects is no hole
        if (fillWith[j] === 0) {
          fillWith[j] = i;
          continue;
        } else if (fillWith[j] === i) continue;
      } else if (j > 1) continue;
      notHole[j] = 1;
      todo.push(j);
    }
  }
  for (let j = 0; j < count; j++) if (!notHole[j] && fillWith[j] !== 0) todo.push(j);
  while (todo.length) {
    const i = todo.pop()!;
    for (const j of nbrs[i])
      if (!notHole[j] && fillWith[j] === 0) {
        fillWith[j] = fillWith[i];
        todo.push(j);
      }
  }
  const out = new Uint8Array(n);
  for (let p = 0; p < n; p++) {
    const l = lab[p];
    if (!mask[p]) out[p] = img[p];
    else out[p] = (l <= 1 ? l : notHole[l] ? 0 : fillWith[l]) ? 1 : 0;
  }
  return out;
}

/**
 * centrosome's propagate on a zero image with weight 1: labels spread over `mask` from the seed
 * pixels by Dijkstra steps of 1 (4-neighbours) and √2 (diagonals). Its heap orders entries by
 * (distance's high word, low word without its last bit, label, row, column): distances one ulp
 * apart tie, and the lower label wins.
 */
function propagate(seeds: Int32Array, mask: Uint8Array, w: number, h: number): { labels: Int32Array; distance: Float64Array } {
  const n = w * h;
  const labels = new Int32Array(n);
  const distance = new Float64Array(n).fill(-1);
  for (let p = 0; p < n; p++) if (seeds[p] > 0) distance[p] = 0;
  const f = new Float64Array(1);
  const words = new Uint32Array(f.buffer);
  // a binary heap of entries of 5 int32 (key high, key low, label, row, column), compared in that order
  let heap = new Int32Array(5 * 1024);
  let size = 0;
  const less = (a: number, b: number) => {
    for (let k = 0; k < 5; k++) if (heap[a + k] !== heap[b + k]) return heap[a + k] < heap[b + k];
    return false;
  };
  const swap = (a: number, b: number) => {
    for (let k = 0; k < 5; k++) {
      const t = heap[a + k];
      heap[a + k] = heap[b + k];
      heap[b + k] = t;
    }
  };
  const push = (d: number, label: number, y: number, x: number) => {
    if (5 * (size + 1) > heap.length) {
      const grown = new Int32Array(heap.length * 2);
      grown.set(heap);
      heap = grown;
    }
    f[0] = d;
    let i = size++;
    heap.set([words[1] & 0x7fffffff, words[0] >>> 1, label, y, x], 5 * i);
    while (i > 0) {
      const up = (i - 1) >> 1;
      if (!less(5 * i, 5 * up)) break;
      swap(5 * i, 5 * up);
      i = up;
    }
  };
  const pop = () => {
    const top = [heap[2], heap[3], heap[4]];
    size--;
    if (size > 0) {
      heap.copyWithin(0, 5 * size, 5 * size + 5);
      let i = 0;
      for (;;) {
        const l = 2 * i + 1, r = l + 1;
        let s = i;
        if (l < size && less(5 * l, 5 * s)) s = l;
        if (r < size && less(5 * r, 5 * s)) s = r;
        if (s === i) break;
        swap(5 * i, 5 * s);
        i = s;
      }
    }
    return top;
  };
  // centrosome starts from the seeds as they are, in raster order, without heapifying them: the
  // first pops follow that order, not the labels', until pushes and pops restore the heap
  for (let p = 0; p < n; p++)
    if (seeds[p] && mask[p]) {
      if (5 * (size + 1) > heap.length) {
        const grown = new Int32Array(heap.length * 2);
        grown.set(heap);
        heap = grown;
      }
      heap.set([0, 0, seeds[p], Math.floor(p / w), p % w], 5 * size++);
    }
  while (size > 0) {
    const [label, y, x] = pop();
    const p = y * w + x;
    if (labels[p]) continue;
    labels[p] = label;
    const d0 = distance[p];
    for (let dy = -1; dy <= 1; dy++)
      for (let dx = -1; dx <= 1; dx++) {
        if (!dy && !dx) continue;
        const yy = y + dy, xx = x + dx;
        if (yy < 0 || yy >= h || xx < 0 || xx >= w) continue;
        const q = yy * w + xx;
        if (labels[q] > 0 || !mask[q]) continue;
        const d = Math.sqrt(Math.abs(dy) + Math.abs(dx)) + d0;
        if (distance[q] === -1 || distance[q] > d) {
          distance[q] = d;
          push(d, label, yy, xx);
        }
      }
  }
  for (let p = 0; p < n; p++) if (seeds[p] > 0) labels[p] = seeds[p];
  return { labels, distance };
}

/** The four ObjectSkeleton columns (suffix `_<skeletonName>`) for the objects `ids` of `labels`. */
export function measureObjectSkeleton(labels: Int32Array, skeleton: Uint8Array, w: number, h: number, ids: ArrayLike<number>, skeletonName: string, maxHole = 10): FeatureBlock {
  const n = w * h;
  let maxLabel = 0;
  for (let p = 0; p < n; p++) if (labels[p] > maxLabel) maxLabel = labels[p];
  // a ring around each seed (dilated minus its closing's interior) with the skeleton's trunks sticking out
  const dilated = grey3(labels, w, h, true);
  const closed = grey3(dilated, w, h, false);
  let combined: Uint8Array = new Uint8Array(n);
  const notCentre = new Uint8Array(n);
  for (let p = 0; p < n; p++) {
    notCentre[p] = closed[p] > 0 ? 0 : 1;
    combined[p] = (skeleton[p] || dilated[p] > 0) && notCentre[p] ? 1 : 0;
  }
  combined = skeletonize(fillHoles(combined, notCentre, w, h, maxHole), w, h);
  const outside = Uint8Array.from(combined, (v, p) => (v && dilated[p] === 0 ? 1 : 0));
  const { labels: dl, distance } = propagate(dilated, combined, w, h);
  for (let p = 0; p < n; p++) if (dl[p] === 0) combined[p] = 0;
  const branch = branchpoints(combined, w, h);
  // the module's odd case of four branches meeting; its test reads the one pixel combined[1, 1]
  if (h > 1 && w > 1 && combined[w + 1])
    for (let y = 0; y < h - 1; y++)
      for (let x = 0; x < w - 1; x++) {
        const p = y * w + x;
        if (combined[p] && combined[p + w] && combined[p + 1]) branch[p] = branch[p + w + 1] = 1;
      }
  const extra = extraBranches(combined, w, h);
  // only branchings within one pixel (8-connected) of the skeleton outside the seeds
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      if (!extra[y * w + x]) continue;
      let near = false;
      for (let yy = Math.max(0, y - 1); yy <= Math.min(h - 1, y + 1) && !near; yy++)
        for (let xx = Math.max(0, x - 1); xx <= Math.min(w - 1, x + 1); xx++) if (outside[yy * w + xx]) near = true;
      if (!near) extra[y * w + x] = 0;
    }
  const ends = endpoints(combined, w, h);
  const trunks = new Float64Array(maxLabel + 1), branches = new Float64Array(maxLabel + 1), endCounts = new Float64Array(maxLabel + 1);
  const outsideLabels = new Int32Array(n);
  for (let p = 0; p < n; p++) {
    const nearby = distance[p] > 1.5 ? 0 : dl[p];
    if (nearby > 0) trunks[nearby] += extra[p];
    const out = nearby > 0 ? 0 : dl[p];
    if (out > 0) {
      branches[out] += branch[p];
      endCounts[out] += ends[p];
    }
    outsideLabels[p] = outside[p] ? dl[p] : 0;
  }
  const length = skeletonLength(outsideLabels, w, h, maxLabel);
  const cols = [trunks, branches, endCounts, length];
  return {
    names: FEATURES.map((f) => `ObjectSkeleton_${f}_${skeletonName}`),
    values: cols.map((c) => Float64Array.from(ids, (id) => (id <= maxLabel ? c[id] : 0))),
  };
}
