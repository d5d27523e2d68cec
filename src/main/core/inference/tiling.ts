/**
 * Tiling with overlap and smooth blending, for images of any size. Tiles are `size`×`size`; their
 * starts step by size − overlap and the last one is pulled back to end at the image edge, so every
 * tile lies inside the image (images smaller than a tile are padded by reflection, so the padding
 * looks like more of the same field rather than a smeared edge). Each tile's output is
 * weighted by a raised-cosine ramp over its overlapping borders (1 elsewhere, and 1 at image edges)
 * and the sum is divided by the summed weights: seams vanish and a model that is the identity gives
 * back its input exactly.
 */

export function tileStarts(length: number, size: number, overlap: number): number[] {
  if (length <= size) return [0];
  const step = Math.max(1, size - overlap);
  const starts: number[] = [];
  for (let s = 0; s + size < length; s += step) starts.push(s);
  starts.push(length - size);
  return starts;
}

/** 1-D blending weights of a tile starting at `start` (all > 0). */
export function tileWeights(start: number, size: number, overlap: number, length: number): Float32Array {
  const w = new Float32Array(size).fill(1);
  if (overlap <= 0) return w;
  const ramp = (i: number) => Math.sin((Math.PI * (i + 1)) / (2 * (overlap + 1))) ** 2;
  for (let i = 0; i < overlap && i < size; i++) {
    if (start > 0) w[i] *= ramp(i);
    if (start + size < length) w[size - 1 - i] *= ramp(i);
  }
  return w;
}

export interface Tile {
  x: number;
  y: number;
}

export function planTiles(width: number, height: number, size: number, overlap: number): Tile[] {
  const tiles: Tile[] = [];
  for (const y of tileStarts(height, size, overlap)) for (const x of tileStarts(width, size, overlap)) tiles.push({ x, y });
  return tiles;
}

/** Index i mirrored into [0, n) without repeating the edge (numpy's 'reflect'), for any i ≥ 0. */
export function reflectIndex(i: number, n: number): number {
  if (n <= 1) return 0;
  const period = 2 * (n - 1);
  const k = i % period;
  return k < n ? k : period - k;
}

/** Copy a size×size window of every plane (CHW) into dst at offset; outside the image, reflect. */
export function extractTile(planes: Float32Array, channels: number, width: number, height: number, t: Tile, size: number, dst: Float32Array, offset: number): void {
  const xs = t.x + size <= width ? null : Int32Array.from({ length: size }, (_, i) => reflectIndex(t.x + i, width));
  for (let c = 0; c < channels; c++) {
    const base = c * width * height;
    for (let j = 0; j < size; j++) {
      const row = base + reflectIndex(t.y + j, height) * width;
      const o = offset + (c * size + j) * size;
      if (!xs) dst.set(planes.subarray(row + t.x, row + t.x + size), o);
      else for (let i = 0; i < size; i++) dst[o + i] = planes[row + xs[i]];
    }
  }
}

/** Accumulates weighted tiles into a CHW image; `result()` divides by the summed weights. */
export class TileBlender {
  readonly acc: Float32Array;
  readonly wsum: Float32Array;
  constructor(
    readonly channels: number,
    readonly width: number,
    readonly height: number,
    readonly size: number,
    readonly overlap: number,
  ) {
    this.acc = new Float32Array(channels * width * height);
    this.wsum = new Float32Array(width * height);
  }

  add(t: Tile, src: Float32Array, offset: number): void {
    // locals instead of `this.` lookups in the hot loops; 2-D weights computed once per tile
    const { size, width, height, channels, acc, wsum } = this;
    const wx = tileWeights(t.x, size, this.overlap, width);
    const wy = tileWeights(t.y, size, this.overlap, height);
    const nx = Math.min(size, width - t.x);
    const ny = Math.min(size, height - t.y);
    const w2 = new Float32Array(size * size);
    for (let j = 0; j < ny; j++) {
      const row = (t.y + j) * width + t.x;
      const wj = wy[j];
      for (let i = 0; i < nx; i++) {
        const w = wj * wx[i];
        w2[j * size + i] = w;
        wsum[row + i] += w;
      }
    }
    const plane = width * height;
    for (let c = 0; c < channels; c++) {
      const base = c * plane;
      for (let j = 0; j < ny; j++) {
        const row = base + (t.y + j) * width + t.x;
        const o = offset + (c * size + j) * size;
        const wo = j * size;
        for (let i = 0; i < nx; i++) acc[row + i] += src[o + i] * w2[wo + i];
      }
    }
  }

  result(): Float32Array {
    const { acc, wsum, channels } = this;
    const n = this.width * this.height;
    for (let c = 0; c < channels; c++) {
      const base = c * n;
      for (let p = 0; p < n; p++) acc[base + p] /= wsum[p];
    }
    return acc;
  }
}
