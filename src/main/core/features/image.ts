import type { Gray } from '../io/tiff';
import type { Labels } from '../segment/labels';
import type { GranularitySpectrum } from './granularity';
import { indexObjects, selectInPlace, type FeatureBlock } from './objects';
import { measureTexture } from './texture';

/**
 * Whole-image measurements of JUMP_analysis_v3 (names without the Image_ prefix; one value each):
 * MeasureGranularity's image spectrum, MeasureTexture on whole images, and MeasureImageIntensity
 * of each channel and of its background (the channel masked to the pixels outside every cell,
 * including cells on the border: MaskImage with CellsIncludingEdges, inverted).
 */
export interface ImageMeasurements {
  names: string[];
  values: number[];
}

/** JUMP's image names for the masked channels: AGP__BackgroundOnly and ER__BackgroundOnly have two underscores */
export const backgroundName = (channel: string) => `${channel}${channel === 'AGP' || channel === 'ER' ? '__' : '_'}BackgroundOnly`;

const INTENSITY = ['TotalIntensity', 'MeanIntensity', 'MedianIntensity', 'StdIntensity', 'MADIntensity', 'MaxIntensity', 'MinIntensity', 'TotalArea', 'PercentMaximal', 'LowerQuartileIntensity', 'UpperQuartileIntensity'];

/**
 * numpy.percentile (linear, position (n−1)·q) by selection: a is partially reordered; values
 * before `from` must already be ≤ the rest (increasing q can pass the previous index).
 */
function percentile(a: Float64Array, q: number, from = 0): { value: number; index: number } {
  const n = a.length;
  const pos = (n - 1) * q;
  const i = Math.floor(pos);
  const f = pos - i;
  selectInPlace(a, from, n - 1, i);
  if (f === 0 || i + 1 >= n) return { value: a[i], index: i };
  let next = Infinity;
  for (let t = i + 1; t < n; t++) if (a[t] < next) next = a[t];
  return { value: a[i] + (next - a[i]) * f, index: i };
}

/** MeasureImageIntensity of one set of pixel values (0–1) */
export function imageIntensity(values: Float64Array): number[] {
  const n = values.length;
  if (!n) return INTENSITY.map(() => 0);
  const v = Float64Array.from(values);
  let sum = 0, min = Infinity, max = -Infinity;
  for (let i = 0; i < n; i++) {
    sum += v[i];
    if (v[i] < min) min = v[i];
    if (v[i] > max) max = v[i];
  }
  const mean = sum / n;
  let ss = 0, atMax = 0;
  for (let i = 0; i < n; i++) {
    ss += (v[i] - mean) ** 2;
    if (v[i] === max) atMax++;
  }
  const lq = percentile(v, 0.25);
  const median = percentile(v, 0.5, lq.index).value;
  const uq = percentile(v, 0.75, lq.index).value;
  for (let i = 0; i < n; i++) v[i] = Math.abs(v[i] - median);
  const mad = percentile(v, 0.5).value;
  return [sum, mean, median, Math.sqrt(ss / n), mad, max, min, n, (100 * atMax) / n, lq.value, uq];
}

/** MeasureGranularity's image measurement: drops of the spectrum's mean over the whole (subsampled) image */
export function imageGranularity(spec: GranularitySpectrum): number[] {
  const mean = (a: Float64Array) => {
    let s = 0;
    for (let i = 0; i < a.length; i++) s += a[i];
    return s / a.length;
  };
  // nothing left after background removal (a flat image): only round-off remains, whose
  // ratio to the ε floor is noise; the spectrum is 0
  let top = 0;
  for (let i = 0; i < spec.base.length; i++) if (spec.base[i] > top) top = spec.base[i];
  if (top < 1e-12) return spec.steps.map(() => 0);
  let prev = mean(spec.base);
  const start = Math.max(prev, Number.EPSILON);
  return spec.steps.map((rec) => {
    const cur = mean(rec);
    const gs = ((prev - cur) * 100) / start;
    prev = cur;
    return gs;
  });
}

export function measureImage(
  images: Record<string, Gray>,
  channels: string[],
  unit: Map<string, Float64Array>,
  grey: Map<string, Uint16Array>,
  spectra: Map<string, GranularitySpectrum>,
  cells: Labels | undefined,
  textureScales: number[],
  greyLevels: number,
): ImageMeasurements {
  const names: string[] = [];
  const values: number[] = [];
  const { width, height } = images[channels[0]];
  const whole = indexObjects({ width, height, data: new Int32Array(width * height).fill(1) });
  for (const c of channels) {
    imageGranularity(spectra.get(c)!).forEach((v, k) => {
      names.push(`Granularity_${k + 1}_${c}`);
      values.push(v);
    });
    for (const scale of textureScales) {
      const b: FeatureBlock = measureTexture(whole, grey.get(c)!, c, scale, greyLevels, false);
      b.names.forEach((n, j) => {
        names.push(n);
        values.push(b.values[j][0]);
      });
    }
    const u = unit.get(c)!;
    const sets: Array<[string, Float64Array]> = [[c, u]];
    if (cells) {
      let nb = 0;
      for (let i = 0; i < cells.data.length; i++) if (!cells.data[i]) nb++;
      const bg = new Float64Array(nb);
      for (let i = 0, t = 0; i < cells.data.length; i++) if (!cells.data[i]) bg[t++] = u[i];
      sets.push([backgroundName(c), bg]);
    }
    for (const [name, px] of sets)
      imageIntensity(px).forEach((v, k) => {
        names.push(`Intensity_${INTENSITY[k]}_${name}`);
        values.push(v);
      });
  }
  return { names, values };
}
