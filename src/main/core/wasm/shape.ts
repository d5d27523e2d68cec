import { loadKernel } from './instance';
import wasm from './shapeWasm';

/** shape.c's exports (pointers into the instance's memory; see that file) */
export interface ShapeExports {
  memory: { buffer: ArrayBuffer };
  upsample_means(start: number, pixels: number, bbox: number, n: number, W: number, w: number, h: number, qy: number, qx: number, offs: number, count: number, cell: number, weight: number): number;
  zernike_moments(start: number, pixels: number, bbox: number, n: number, w: number, circle: number, out: number): void;
  index_objects(labels: number, w: number, h: number, head: number): void;
  outline_edge(labels: number, w: number, h: number, outline: number, edge: number): void;
  neighbor_counts(
    labels: number, w: number, h: number, outline: number, boundary: number, start: number, pixels: number, ids: number, n: number,
    reach: number, nreach: number, reachAt: number, rimAt: number, nrim: number, touch: number, ntouch: number, touchAt: number, ir: number, it: number, span: number, touchSpan: number,
    seen: number, nn: number, per: number, touching: number,
  ): void;
  quantize(img: number, n: number, level: number, out: number): void;
  area_passes(start: number, pixels: number, bbox: number, n: number, w: number, dist: number, rowAt: number, colAt: number, rowFirst: number, rowLast: number, colFirst: number, colLast: number, stats: number): void;
}

export const shapeKernel = loadKernel<ShapeExports>(wasm);
