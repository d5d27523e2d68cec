import type { Gray } from '../io/tiff';
import { unitImage } from './calculate';

/**
 * CorrectIlluminationApply as JUMP_analysis_v3 sets it: the rescaled image divided by the
 * function, values below 0 set to 0 and above 1 to 1 (float64). This is the image CellProfiler
 * measures (every module but MeasureImageQuality, which JUMP runs on the Orig images).
 */
export function divideByIllum(g: Gray, illum: { width: number; height: number; data: Float32Array | Float64Array }, file: string): Float64Array {
  if (illum.width !== g.width || illum.height !== g.height)
    throw new Error(`${file}: ${g.width}×${g.height}, but its illumination function is ${illum.width}×${illum.height}`);
  const u = unitImage(g);
  for (let i = 0; i < u.length; i++) {
    const v = u[i] / illum.data[i];
    u[i] = v < 0 ? 0 : v > 1 ? 1 : v;
  }
  return u;
}

/**
 * The corrected image rounded to 16-bit grey levels, for Stainless' own segmentation (it works on
 * 16-bit images; CellProfiler's IdentifyPrimaryObjects is not what segments here). Measurements
 * read the float64 image itself.
 */
export function segmentationGray(u: Float64Array, width: number, height: number): Gray {
  const data = new Uint16Array(u.length);
  for (let i = 0; i < u.length; i++) data[i] = Math.round(u[i] * 65535);
  return { width, height, bitDepth: 16, data };
}
