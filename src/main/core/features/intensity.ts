import { newBlock, type FeatureBlock, type ObjectIndex } from './objects';
import { objectQuartilesMad, objectValues } from './unitSort';

const INTENSITY = [
  'IntegratedIntensity', 'MeanIntensity', 'StdIntensity', 'MinIntensity', 'MaxIntensity', 'IntegratedIntensityEdge',
  'MeanIntensityEdge', 'StdIntensityEdge', 'MinIntensityEdge', 'MaxIntensityEdge', 'MassDisplacement',
  'LowerQuartileIntensity', 'MedianIntensity', 'MADIntensity', 'UpperQuartileIntensity',
];
// Z: 0 on 2-D images, as CellProfiler records it
const LOCATION = ['CenterMassIntensity_X', 'CenterMassIntensity_Y', 'MaxIntensity_X', 'MaxIntensity_Y', 'CenterMassIntensity_Z', 'MaxIntensity_Z'];

export const intensityNames = (channel: string) => [
  ...INTENSITY.map((n) => `Intensity_${n}_${channel}`),
  ...LOCATION.map((n) => `Location_${n}_${channel}`),
];

/**
 * CellProfiler 4.2 MeasureObjectIntensity for one channel (0–1 values): sums, population std,
 * min/max, the same over the object's edge pixels (objects.outlineAndEdge), mass displacement
 * (centroid to intensity-weighted centre), CellProfiler's own quartile interpolation and MAD
 * (median of |x − median| by the same rule), intensity-weighted centre and position of the maximum
 * (first in raster order).
 */
export function measureIntensity(ix: ObjectIndex, img: Float64Array, outline: Uint8Array, channel: string): FeatureBlock {
  const { width: w, ids, start, pixels } = ix;
  const n = ids.length;
  const block = newBlock(intensityNames(channel), n);
  const [II, MI, SI, MNI, MXI, IIE, MIE, SIE, MNE, MXE, MD, LQ, MED, MAD, UQ, CMX, CMY, MXX, MXY] = block.values;
  // the objects' values, gathered by this pass for their quartiles (in the sort kernel's memory)
  const vals = objectValues(start[n]);
  for (let k = 0; k < n; k++) {
    const a = start[k + 1] - start[k];
    let s = 0, s2 = 0, mn = Infinity, mx = -Infinity, mxi = -1;
    let se = 0, se2 = 0, ne = 0, mne = Infinity, mxe = -Infinity;
    let sx = 0, sy = 0, wx = 0, wy = 0;
    // pixels come in raster order: the row is tracked, not divided for
    for (let p = start[k], y = (pixels[start[k]] / w) | 0, rowStart = y * w; p < start[k + 1]; p++) {
      const i = pixels[p];
      const v = img[i];
      while (i >= rowStart + w) {
        y++;
        rowStart += w;
      }
      const x = i - rowStart;
      vals[p] = v;
      s += v;
      s2 += v * v;
      if (v < mn) mn = v;
      if (v > mx) { mx = v; mxi = i; }
      sx += x;
      sy += y;
      wx += v * x;
      wy += v * y;
      if (outline[i]) {
        ne++;
        se += v;
        se2 += v * v;
        if (v < mne) mne = v;
        if (v > mxe) mxe = v;
      }
    }
    const mean = s / a;
    II[k] = s;
    MI[k] = mean;
    SI[k] = Math.sqrt(Math.max(0, s2 / a - mean * mean));
    MNI[k] = mn;
    MXI[k] = mx;
    IIE[k] = se;
    MIE[k] = ne ? se / ne : NaN;
    SIE[k] = ne ? Math.sqrt(Math.max(0, se2 / ne - (se / ne) ** 2)) : NaN;
    MNE[k] = ne ? mne : NaN;
    MXE[k] = ne ? mxe : NaN;
    const cmx = s ? wx / s : NaN;
    const cmy = s ? wy / s : NaN;
    MD[k] = Math.hypot(sx / a - cmx, sy / a - cmy);
    CMX[k] = cmx;
    CMY[k] = cmy;
    MXY[k] = (mxi / w) | 0;
    MXX[k] = mxi - MXY[k] * w;
  }
  // quartiles and MAD from each object's values sorted once, all objects in one kernel call
  objectQuartilesMad(vals, start, n, LQ, MED, UQ, MAD);
  return block;
}
