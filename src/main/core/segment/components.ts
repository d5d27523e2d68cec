import type { Labels } from './labels';

/**
 * Connected components of a binary mask (8-connected unless told 4), numbered 1..n in raster
 * order. Union–find over one raster pass, then a relabel pass.
 */
export function connectedComponents(mask: Uint8Array, width: number, height: number, connectivity: 4 | 8 = 8): Labels & { count: number } {
  const n = width * height;
  const parent = new Int32Array(n).fill(-1);
  const find = (i: number): number => {
    let r = i;
    while (parent[r] !== r) r = parent[r];
    while (parent[i] !== r) {
      const p = parent[i];
      parent[i] = r;
      i = p;
    }
    return r;
  };
  const union = (a: number, b: number) => {
    const ra = find(a);
    const rb = find(b);
    if (ra < rb) parent[rb] = ra;
    else if (rb < ra) parent[ra] = rb;
  };
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      if (!mask[i]) continue;
      parent[i] = i;
      if (x > 0 && mask[i - 1]) union(i, i - 1);
      if (y > 0) {
        const u = i - width;
        if (mask[u]) union(i, u);
        if (connectivity === 8) {
          if (x > 0 && mask[u - 1]) union(i, u - 1);
          if (x < width - 1 && mask[u + 1]) union(i, u + 1);
        }
      }
    }
  }
  const out = new Int32Array(n);
  const ids = new Int32Array(n);
  let count = 0;
  for (let i = 0; i < n; i++) {
    if (!mask[i]) continue;
    const r = find(i);
    if (ids[r] === 0) ids[r] = ++count;
    out[i] = ids[r];
  }
  return { width, height, data: out, count };
}
