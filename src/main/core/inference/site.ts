import type { Gray } from '../io/tiff';
import type { LoadedModel } from './model';
import { percentiles, normalizePlane, toUint16 } from './normalize';
import { resizeBilinear, resampledSize } from './resample';
import { predictPlanes } from './predict';

export interface SiteOptions {
  /** acquired µm/px; with a model pixel size the site is resampled to it and back */
  pixelSizeUm?: number | null;
  steps?: number;
  noise?: (n: number, out?: Float32Array) => Float32Array;
}

/**
 * One site through a model: input planes (in manifest order, same size) → per-image percentile
 * normalisation (raw values for bioimage.io models, whose own preprocessing runs instead) →
 * resampling to the model's pixel size → model → back to the acquired size → 16-bit planes.
 */
export async function inferSite(lm: LoadedModel, inputs: Gray[], opts: SiteOptions = {}): Promise<Uint16Array[]> {
  const m = lm.manifest;
  const { width, height } = inputs[0];
  const target = resampledSize(width, height, opts.pixelSizeUm, m.pixelSizeUm);
  const hw = target.width * target.height;
  const data = new Float32Array(inputs.length * hw);
  inputs.forEach((g, c) => {
    let plane: Float32Array;
    if (m.kind === 'bioimageio') plane = Float32Array.from(g.data);
    else {
      const [low, high] = percentiles(g.data, [m.normalization.percentileLow, m.normalization.percentileHigh]);
      plane = normalizePlane(g.data, { low, high }, m.normalization.range);
    }
    data.set(resizeBilinear(plane, width, height, target.width, target.height), c * hw);
  });
  const out = await predictPlanes(lm, { data, channels: inputs.length, width: target.width, height: target.height }, { steps: opts.steps, noise: opts.noise });
  return m.outputs.map((_, c) => toUint16(resizeBilinear(out.data.subarray(c * hw, (c + 1) * hw), target.width, target.height, width, height), m.normalization.range));
}
