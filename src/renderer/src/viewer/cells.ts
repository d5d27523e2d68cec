import type { RawImage } from './types';

/** Pixel indices of every label (built once per label image, so hover lookups are instant). */
export function labelIndex(labels: RawImage): Map<number, Uint32Array> {
  const counts = new Map<number, number>();
  const d = labels.data;
  for (let i = 0; i < d.length; i++) if (d[i]) counts.set(d[i], (counts.get(d[i]) ?? 0) + 1);
  const out = new Map<number, Uint32Array>();
  const fill = new Map<number, number>();
  for (const [l, n] of counts) {
    out.set(l, new Uint32Array(n));
    fill.set(l, 0);
  }
  for (let i = 0; i < d.length; i++) {
    const l = d[i];
    if (!l) continue;
    const k = fill.get(l)!;
    out.get(l)![k] = i;
    fill.set(l, k + 1);
  }
  return out;
}

export interface CellMeasure {
  label: number;
  area: number;
  centroid: [number, number];
  /** mean raw intensity per channel over the object's pixels */
  mean: Record<string, number>;
}

/** Area, centroid and mean intensities of one object, the quick measurements shown on hover. */
export function measureCell(label: number, pixels: Uint32Array, width: number, channels: { name: string; image: RawImage }[]): CellMeasure {
  let sx = 0;
  let sy = 0;
  for (let k = 0; k < pixels.length; k++) {
    sx += pixels[k] % width;
    sy += Math.floor(pixels[k] / width);
  }
  const mean: Record<string, number> = {};
  for (const c of channels) {
    let s = 0;
    for (let k = 0; k < pixels.length; k++) s += c.image.data[pixels[k]];
    mean[c.name] = s / pixels.length;
  }
  return { label, area: pixels.length, centroid: [sx / pixels.length, sy / pixels.length], mean };
}
