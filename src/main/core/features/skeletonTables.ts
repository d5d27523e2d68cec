/**
 * centrosome's 3×3 neighbourhood operations (cpmorphology: skeletonize, branchpoints, branchings,
 * endpoints, skeleton_length) as CellProfiler 4.2.8's MeasureObjectSkeleton uses them. A pixel's
 * index has bit 3·(dy+1)+(dx+1) set where the neighbour at (dy, dx) is on (bit 4: the pixel);
 * pixels outside the image are off.
 */
import { squaredDistanceTransform } from '../segment/distance';
import { numpyPermutation } from './numpyRandom';

const popcount = (n: number) => {
  let c = 0;
  for (; n; n &= n - 1) c++;
  return c;
};

/** connected components among the set bits of a 3×3 pattern (4- or 8-connected) */
function components(index: number, eight: boolean): number {
  const seen = new Uint8Array(9);
  let count = 0;
  for (let s = 0; s < 9; s++) {
    if (!(index & (1 << s)) || seen[s]) continue;
    count++;
    const stack = [s];
    seen[s] = 1;
    while (stack.length) {
      const p = stack.pop()!;
      const py = Math.floor(p / 3), px = p % 3;
      for (let q = 0; q < 9; q++) {
        if (seen[q] || !(index & (1 << q))) continue;
        const dy = Math.abs(Math.floor(q / 3) - py), dx = Math.abs((q % 3) - px);
        if (dy + dx === 1 || (eight && dy === 1 && dx === 1)) {
          seen[q] = 1;
          stack.push(q);
        }
      }
    }
  }
  return count;
}

const table = (f: (i: number) => number) => Uint8Array.from({ length: 512 }, (_, i) => f(i));
// a pixel stays when removing it changes the 8-connected count, or it has fewer than 2 neighbours
const KEEP = table((i) => (i & 16 && (components(i, true) !== components(i & ~16, true) || popcount(i) < 3) ? 1 : 0));
const BRANCHPOINT = table((i) => (i & 16 && components(i & ~16, false) > 2 ? 1 : 0));
// MeasureObjectSkeleton maps centrosome's branchings 0..4 through [0, 0, 0, 1, 2]
const EXTRA_BRANCHES = table((i) => (i & 16 ? [0, 0, 0, 1, 2][components(i & ~16, false)] : 0));
const ENDPOINT = table((i) => (i & 16 && popcount(i) <= 2 ? 1 : 0));

/** skeleton_length's table (float32 as centrosome's): ½ per 4-neighbour, ½√2 per diagonal not bridged by a 4-neighbour */
const LENGTH = (() => {
  const t = new Float32Array(512);
  for (let a = -1; a <= 1; a++)
    for (let b = -1; b <= 1; b++) {
      if (!a && !b) continue;
      const bit = 1 << (a + 1 + (b + 1) * 3);
      const bridges: number[] = [];
      if (a && b)
        for (const [p, q] of [[a - 1, b], [a, b - 1], [a + 1, b], [a, b + 1]])
          if (p >= -1 && p <= 1 && q >= -1 && q <= 1) bridges.push(1 << (p + 1 + (q + 1) * 3));
      for (let i = 0; i < 512; i++)
        if ((i & (bit | 16)) === (bit | 16) && bridges.every((m) => !(i & m))) t[i] = Math.fround(t[i] + Math.sqrt(a * a + b * b) / 2);
    }
  return t;
})();

/** each on pixel's neighbourhood index in a binary image (0 at off pixels: every table here is 0 there) */
function indices(img: Uint8Array, w: number, h: number): Uint16Array {
  const out = new Uint16Array(w * h);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      if (!img[y * w + x]) continue;
      let v = 0;
      for (let dy = -1; dy <= 1; dy++) {
        const yy = y + dy;
        if (yy < 0 || yy >= h) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const xx = x + dx;
          if (xx >= 0 && xx < w && img[yy * w + xx]) v |= 1 << ((dy + 1) * 3 + dx + 1);
        }
      }
      out[y * w + x] = v;
    }
  return out;
}

const lookup = (tbl: Uint8Array) => (img: Uint8Array, w: number, h: number) => {
  const ix = indices(img, w, h);
  const out = new Uint8Array(ix.length);
  for (let p = 0; p < ix.length; p++) out[p] = tbl[ix[p]];
  return out;
};
export const branchpoints = lookup(BRANCHPOINT);
export const extraBranches = lookup(EXTRA_BRANCHES);
export const endpoints = lookup(ENDPOINT);

/**
 * centrosome's skeletonize: pixels visited by increasing distance to the background, then by
 * fewer neighbours last ("cornerness"), then by numpy RandomState(0)'s permutation of the
 * pixels; each is removed when that keeps the 8-connected topology. As its inner loop does,
 * pixels of the first row are never removed and their neighbours are not looked at.
 */
export function skeletonize(img: Uint8Array, w: number, h: number): Uint8Array {
  const dist = squaredDistanceTransform(img, w, h);
  const ix = indices(img, w, h);
  const tie = numpyPermutation(0, w * h);
  // one sort key: distance², then cornerness (9 − neighbours), then the permutation (unique, < 2^21·8)
  const pixelOf = new Int32Array(w * h);
  const keys: number[] = [];
  for (let p = 0; p < img.length; p++)
    if (img[p]) {
      pixelOf[tie[p]] = p;
      keys.push((Math.min(dist[p], 2 ** 26) * 10 + 9 - popcount(ix[p])) * w * h + tie[p]);
    }
  const fg = Float64Array.from(keys).sort();
  const r = img.slice();
  for (const key of fg) {
    const p = pixelOf[key % (w * h)];
    const y = Math.floor(p / w), x = p - y * w;
    if (y === 0) continue;
    let acc = 16;
    if (x > 0 && r[p - w - 1]) acc += 1;
    if (r[p - w]) acc += 2;
    if (x < w - 1 && r[p - w + 1]) acc += 4;
    if (x > 0 && r[p - 1]) acc += 8;
    if (x < w - 1 && r[p + 1]) acc += 32;
    if (y < h - 1) {
      if (x > 0 && r[p + w - 1]) acc += 64;
      if (r[p + w]) acc += 128;
      if (x < w - 1 && r[p + w + 1]) acc += 256;
    }
    r[p] = KEEP[acc];
  }
  return r;
}

/**
 * centrosome's skeleton_length of a labelled skeleton: per label, the table's length summed
 * over its pixels, where a neighbour counts when it has the same label.
 */
export function skeletonLength(labels: Int32Array, w: number, h: number, maxLabel: number): Float64Array {
  const out = new Float64Array(maxLabel + 1);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const l = labels[y * w + x];
      if (!l) continue;
      let v = 0;
      for (let dy = -1; dy <= 1; dy++) {
        const yy = y + dy;
        if (yy < 0 || yy >= h) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const xx = x + dx;
          if (xx >= 0 && xx < w && labels[yy * w + xx] === l) v |= 1 << ((dy + 1) * 3 + dx + 1);
        }
      }
      out[l] += LENGTH[v];
    }
  return out;
}
