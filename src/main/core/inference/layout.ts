/**
 * Axis layouts. Internally every image batch is NCHW (batch, channel, y, x); a graph may want
 * another order (bioimage.io models declare theirs, e.g. b,y,x,c). Axes missing from a layout
 * have size 1 there (e.g. c,y,x or y,x).
 */
export type AxisId = 'batch' | 'channel' | 'y' | 'x' | 'z';

export const NCHW: AxisId[] = ['batch', 'channel', 'y', 'x'];

const isNCHW = (axes: readonly string[]) => axes.length === 4 && axes.every((a, i) => a === NCHW[i]);

/** Shape of an NCHW batch in the given layout. */
export function shapeIn(axes: readonly string[], n: number, c: number, h: number, w: number): number[] {
  return axes.map((a) => (a === 'batch' ? n : a === 'channel' ? c : a === 'y' ? h : a === 'x' ? w : 1));
}

function strides(axes: readonly string[], n: number, c: number, h: number, w: number): number[] {
  // stride, inside a buffer laid out in `axes` order, of each NCHW axis (0 when absent)
  const shape = shapeIn(axes, n, c, h, w);
  const st: Record<string, number> = {};
  let s = 1;
  for (let i = axes.length - 1; i >= 0; i--) {
    st[axes[i]] = s;
    s *= shape[i];
  }
  return NCHW.map((a) => st[a] ?? 0);
}

/** NCHW → layout. */
export function fromNCHW(src: Float32Array, axes: readonly string[], n: number, c: number, h: number, w: number): Float32Array {
  if (isNCHW(axes)) return src;
  const [sn, sc, sy, sx] = strides(axes, n, c, h, w);
  const out = new Float32Array(src.length);
  let i = 0;
  for (let b = 0; b < n; b++) for (let k = 0; k < c; k++) for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) out[b * sn + k * sc + y * sy + x * sx] = src[i++];
  return out;
}

/** layout → NCHW. */
export function toNCHW(src: Float32Array, axes: readonly string[], n: number, c: number, h: number, w: number): Float32Array {
  if (isNCHW(axes)) return src;
  const [sn, sc, sy, sx] = strides(axes, n, c, h, w);
  const out = new Float32Array(src.length);
  let i = 0;
  for (let b = 0; b < n; b++) for (let k = 0; k < c; k++) for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) out[i++] = src[b * sn + k * sc + y * sy + x * sx];
  return out;
}
