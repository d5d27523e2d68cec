import { PixelHeap } from './heap';
import type { Labels } from './labels';

const NEIGH4 = [
  [-1, 0],
  [1, 0],
  [0, -1],
  [0, 1],
] as const;
const NEIGH8 = [...NEIGH4, [-1, -1], [-1, 1], [1, -1], [1, 1]] as const;
const DY = Int32Array.from(NEIGH8, ([dy]) => dy);
const DX = Int32Array.from(NEIGH8, ([, dx]) => dx);

/**
 * Seeded watershed by priority flooding (Meyer): markers grow into `mask` pixels in order of
 * `surface` value, each pixel taking the label of the neighbour that reached it first.
 * 8-connected, as skimage.segmentation.watershed with connectivity 2.
 */
export function seededWatershed(surface: Float32Array, markers: Labels, mask: Uint8Array | null): Labels {
  const { width: w, height: h } = markers;
  const out = Int32Array.from(markers.data);
  const heap = new PixelHeap(4096);
  const queued = new Uint8Array(w * h);
  for (let i = 0; i < out.length; i++) {
    if (out[i] === 0) continue;
    queued[i] = 1;
    heap.push(surface[i], i);
  }
  while (heap.size) {
    const i = heap.pop();
    const level = heap.lastPriority;
    const y = (i / w) | 0;
    const x = i - y * w;
    const lab = out[i];
    for (let e = 0; e < 8; e++) {
      const yy = y + DY[e];
      const xx = x + DX[e];
      if (yy < 0 || yy >= h || xx < 0 || xx >= w) continue;
      const j = yy * w + xx;
      if (queued[j] || (mask && !mask[j])) continue;
      queued[j] = 1;
      out[j] = lab;
      // never flood "downhill" faster than the current level: keeps basins ordered
      heap.push(surface[j] > level ? surface[j] : level, j);
    }
  }
  return { width: w, height: h, data: out };
}

export { NEIGH4, NEIGH8 };
