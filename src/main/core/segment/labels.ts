import type { Gray } from '../io/tiff';

/** A label image: 0 = background, k > 0 = object k. Int32 so intermediate ids never overflow. */
export interface Labels {
  width: number;
  height: number;
  data: Int32Array;
}

export const maxLabel = (l: Labels): number => {
  let m = 0;
  for (let i = 0; i < l.data.length; i++) if (l.data[i] > m) m = l.data[i];
  return m;
};

/** Renumber objects 1..n in raster order of first appearance; drops objects with fewer than minArea pixels. */
export function relabel(l: Labels, minArea = 1): Labels & { count: number } {
  const max = maxLabel(l);
  const area = new Int32Array(max + 1);
  for (let i = 0; i < l.data.length; i++) area[l.data[i]]++;
  const map = new Int32Array(max + 1).fill(-1);
  map[0] = 0;
  let next = 0;
  const out = new Int32Array(l.data.length);
  for (let i = 0; i < l.data.length; i++) {
    const v = l.data[i];
    if (v === 0) continue;
    if (map[v] < 0) map[v] = area[v] >= minArea ? ++next : 0;
    out[i] = map[v];
  }
  return { width: l.width, height: l.height, data: out, count: next };
}

/** Cytoplasm = cell minus its nucleus (CellProfiler's IdentifyTertiaryObjects, same object numbers as the cells). */
export function cytoplasm(cells: Labels, nuclei: Labels): Labels {
  const out = new Int32Array(cells.data.length);
  for (let i = 0; i < out.length; i++) if (nuclei.data[i] === 0) out[i] = cells.data[i];
  return { width: cells.width, height: cells.height, data: out };
}

/** 16-bit label image for writeTiff; refuses more objects than 16 bits can number. */
export function labelsToGray(l: Labels): Gray {
  const max = maxLabel(l);
  if (max > 65535) throw new Error(`label image has ${max} objects; a 16-bit label TIFF holds at most 65535`);
  return { width: l.width, height: l.height, bitDepth: 16, data: Uint16Array.from(l.data) };
}

export function grayToLabels(g: Gray): Labels {
  return { width: g.width, height: g.height, data: Int32Array.from(g.data) };
}

/** Pixel values as 0–1 floats, the way CellProfiler scales images on load (÷255 or ÷65535). */
export function toUnit(g: Gray): Float32Array {
  const s = 1 / (g.bitDepth === 16 ? 65535 : 255);
  const out = new Float32Array(g.data.length);
  for (let i = 0; i < out.length; i++) out[i] = g.data[i] * s;
  return out;
}
