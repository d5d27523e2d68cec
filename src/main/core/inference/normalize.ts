/**
 * Percentile normalisation per image and channel (DESIGN.md §5): clip at the manifest's low/high
 * percentiles, map linearly onto the model's range; and the way back from the model's range to
 * 16-bit images.
 */

/** numpy's default ('linear') percentile of an array, p in [0, 100]. 16-bit data goes through a histogram. */
export function percentiles(data: ArrayLike<number>, ps: number[]): number[] {
  const n = data.length;
  if (n === 0) throw new Error('percentile of an empty image');
  if (data instanceof Uint16Array || data instanceof Uint8Array) {
    const hist = new Uint32Array(data instanceof Uint8Array ? 256 : 65536);
    for (let i = 0; i < n; i++) hist[data[i]]++;
    // k-th smallest value (0-based) from the cumulative histogram
    const kth = (k: number) => {
      let c = 0;
      for (let v = 0; v < hist.length; v++) {
        c += hist[v];
        if (c > k) return v;
      }
      return hist.length - 1;
    };
    return ps.map((p) => interp((p / 100) * (n - 1), kth));
  }
  const sorted = Float64Array.from(data).sort();
  return ps.map((p) => interp((p / 100) * (n - 1), (k) => sorted[k]));
}

function interp(rank: number, at: (k: number) => number): number {
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  const a = at(lo);
  return lo === hi ? a : a + (at(hi) - a) * (rank - lo);
}

export interface Clip {
  low: number;
  high: number;
}

/** Clip to [low, high] and map onto range; a flat image (low = high) maps to range[0]. */
export function normalizePlane(data: ArrayLike<number>, clip: Clip, range: [number, number], out: Float32Array<ArrayBufferLike> = new Float32Array(data.length)): Float32Array<ArrayBufferLike> {
  const span = clip.high - clip.low;
  const scale = span > 0 ? (range[1] - range[0]) / span : 0;
  for (let i = 0; i < data.length; i++) {
    const v = data[i] < clip.low ? clip.low : data[i] > clip.high ? clip.high : data[i];
    out[i] = range[0] + (v - clip.low) * scale;
  }
  return out;
}

/** The inverse of normalizePlane onto [low, high] (for round trips and tests). */
export function denormalizePlane(data: Float32Array, clip: Clip, range: [number, number]): Float64Array {
  const out = new Float64Array(data.length);
  const s = (clip.high - clip.low) / (range[1] - range[0]);
  for (let i = 0; i < data.length; i++) out[i] = clip.low + (data[i] - range[0]) * s;
  return out;
}

/** Model output in `range` → 16-bit (range[0] → 0, range[1] → 65535), clamped and rounded. */
export function toUint16(data: Float32Array, range: [number, number]): Uint16Array {
  const out = new Uint16Array(data.length);
  const s = 65535 / (range[1] - range[0]);
  for (let i = 0; i < data.length; i++) {
    const v = (data[i] - range[0]) * s;
    // clamp, then +0.5 and the Uint16 store's truncation round half up (Math.round) without a call
    out[i] = (v < 0 ? 0 : v > 65535 ? 65535 : v) + 0.5;
  }
  return out;
}
