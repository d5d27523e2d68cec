import type { Labels } from './labels';

/** Root of i's set, halving the path on the way (parent[r] === r at a root). */
function root(parent: Int32Array, i: number): number {
  while (parent[i] !== i) {
    const g = parent[parent[i]];
    parent[i] = g;
    i = g;
  }
  return i;
}

/** Joins the sets of a and b under the smaller root. */
function join(parent: Int32Array, a: number, b: number): void {
  const ra = root(parent, a), rb = root(parent, b);
  if (ra < rb) parent[rb] = ra;
  else if (rb < ra) parent[ra] = rb;
}

/**
 * Connected components of a binary mask (8-connected unless told 4), numbered 1..n in raster
 * order (of each component's first pixel). Union–find over one raster pass, then a relabel pass.
 */
export function connectedComponents(mask: Uint8Array, width: number, height: number, connectivity: 4 | 8 = 8): Labels & { count: number } {
  const n = width * height;
  const parent = new Int32Array(n).fill(-1);
  for (let y = 0; y < height; y++) {
    for (let x = 0, i = y * width; x < width; x++, i++) {
      if (!mask[i]) continue;
      parent[i] = i;
      const left = x > 0 && mask[i - 1];
      if (left) parent[i] = root(parent, i - 1);
      if (y === 0) continue;
      const u = i - width;
      // 8-connected: when the pixel above is set, its left and right neighbours (and ours on
      // the left, its diagonal neighbour) are already in its set
      if (mask[u]) {
        if (left) join(parent, i, u);
        else parent[i] = root(parent, u);
      } else if (connectivity === 8) {
        if (x > 0 && mask[u - 1]) {
          if (parent[i] === i) parent[i] = root(parent, u - 1);
          else join(parent, i, u - 1);
        }
        if (x < width - 1 && mask[u + 1]) {
          if (parent[i] === i) parent[i] = root(parent, u + 1);
          else join(parent, i, u + 1);
        }
      }
    }
  }
  const out = new Int32Array(n);
  const ids = new Int32Array(n);
  let count = 0;
  for (let i = 0; i < n; i++) {
    if (!mask[i]) continue;
    const r = root(parent, i);
    if (ids[r] === 0) ids[r] = ++count;
    out[i] = ids[r];
  }
  return { width, height, data: out, count };
}
