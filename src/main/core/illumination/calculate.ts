import type { Gray } from '../io/tiff';
import { resizeLinear, roundHalfEven } from './resize';

/**
 * CorrectIlluminationCalculate as JUMP's illumination pipeline sets it (JUMP_illum_LoadData_v1):
 * each image rescaled to 0–1 and shrunk by Resize (factor 0.2, bilinear); intensity "Regular";
 * "All: Across cycles" per plate and channel; no dilation; median filter of size 20 set manually;
 * rescale "Yes"; then Resize back (factor 5, bilinear; here to the images' own shape, the same for
 * sizes that are multiples of 5). Arithmetic follows CellProfiler 4.2.8's module code.
 */
export interface IllumSettings {
  intensity: 'Regular';
  eachOrAll: 'All: Across cycles';
  resizeFactor: number;
  smoothing: 'Median Filter';
  filterSize: number;
  rescale: 'Yes';
}

export const JUMP_ILLUM: IllumSettings = { intensity: 'Regular', eachOrAll: 'All: Across cycles', resizeFactor: 0.2, smoothing: 'Median Filter', filterSize: 20, rescale: 'Yes' };

/** ROBUST_FACTOR of CorrectIlluminationCalculate: the robust minimum is the 2nd percentile of the positive pixels */
const ROBUST_FACTOR = 0.02;

/** LoadData's "Rescale intensities": integer values over the format's maximum */
export function unitImage(g: Gray): Float64Array {
  const s = g.bitDepth === 16 ? 65535 : 255;
  const out = new Float64Array(g.data.length);
  for (let i = 0; i < out.length; i++) out[i] = g.data[i] / s;
  return out;
}

/** Sums a plate's downsampled images of one channel (CorrectIlluminationImageProvider.add_image) and makes the function. */
export class IllumAccumulator {
  private sum: Float64Array | null = null;
  private n = 0;
  private w = 0;
  private h = 0;
  private sw = 0;
  private sh = 0;
  constructor(private settings: IllumSettings = JUMP_ILLUM) {}

  /** `file` names the image in the refusal of a size that differs from the first */
  add(g: Gray, file: string): void {
    if (!this.sum) {
      this.w = g.width;
      this.h = g.height;
      this.sw = Math.max(1, roundHalfEven(g.width * this.settings.resizeFactor));
      this.sh = Math.max(1, roundHalfEven(g.height * this.settings.resizeFactor));
      this.sum = new Float64Array(this.sw * this.sh);
    } else if (g.width !== this.w || g.height !== this.h)
      throw new Error(`${file}: ${g.width}×${g.height}, but the plate's other images of this channel are ${this.w}×${this.h}; one illumination function needs one image size`);
    const d = resizeLinear(unitImage(g), g.width, g.height, this.sw, this.sh);
    for (let i = 0; i < d.length; i++) this.sum[i] = this.sum[i] + d[i];
    this.n++;
  }

  get count(): number {
    return this.n;
  }

  /** The illumination function at the images' size, float32 as CellProfiler saves it; null before any image. */
  finish(): { width: number; height: number; data: Float32Array; robustMinimum: number } | null {
    if (!this.sum) return null;
    const { sw, sh } = this;
    const avg = new Float64Array(this.sum.length);
    for (let i = 0; i < avg.length; i++) avg[i] = this.sum[i] / this.n;
    const smoothed = medianSmooth(avg, sw, sh, this.settings.filterSize);
    const { scaled, robustMinimum } = rescaleRobust(smoothed);
    const up = resizeLinear(scaled, sw, sh, this.w, this.h, true);
    return { width: this.w, height: this.h, data: Float32Array.from(up), robustMinimum };
  }
}

/**
 * smooth_plane's median filter: the image ×65535 cut to uint16, skimage.filters.median (rank) with
 * centrosome's strel_disk(max(1, int(size/2.35 + 0.5))), counting only footprint pixels inside the
 * image and taking the value at rank ⌊n/2⌋; cellprofiler_core's Image makes the uint16 result
 * float32 values / 65535.
 */
function medianSmooth(avg: Float64Array, w: number, h: number, filterSize: number): Float64Array {
  const radius = Math.max(1, Math.trunc(filterSize / 2.35 + 0.5));
  const q = new Uint16Array(avg.length);
  for (let i = 0; i < q.length; i++) {
    const v = avg[i] * 65535;
    // numpy's astype(uint16) of a value in range truncates toward zero
    q[i] = v <= 0 ? 0 : v >= 65535 ? 65535 : Math.trunc(v);
  }
  const offs: Array<[number, number]> = [];
  for (let dy = -radius; dy <= radius; dy++) for (let dx = -radius; dx <= radius; dx++) if (dx * dx + dy * dy <= radius * radius) offs.push([dy, dx]);
  const buf = new Uint16Array(offs.length);
  const out = new Float64Array(avg.length);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      let n = 0;
      for (const [dy, dx] of offs) {
        const yy = y + dy, xx = x + dx;
        if (yy >= 0 && yy < h && xx >= 0 && xx < w) buf[n++] = q[yy * w + xx];
      }
      const window = buf.subarray(0, n);
      window.sort();
      out[y * w + x] = Math.fround(window[n >> 1] / 65535);
    }
  return out;
}

/** apply_scaling, "Yes": raise values below the robust minimum to it, then divide by it (float32). */
function rescaleRobust(smoothed: Float64Array): { scaled: Float64Array; robustMinimum: number } {
  const positive = Float64Array.from(smoothed.filter((v) => v > 0)).sort();
  if (!positive.length) throw new Error('the averaged image is zero everywhere (are all images of this channel black?)');
  const rm = positive[Math.floor(positive.length * ROBUST_FACTOR)];
  const scaled = new Float64Array(smoothed.length);
  for (let i = 0; i < scaled.length; i++) scaled[i] = Math.fround((smoothed[i] < rm ? rm : smoothed[i]) / rm);
  return { scaled, robustMinimum: rm };
}
