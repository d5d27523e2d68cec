import type { LoadedModel } from '../inference/model';
import { inferSite } from '../inference/site';
import { readGray, type Gray } from '../io/tiff';
import { honestSite, imageMedian, skillScore } from '../metrics/honest';
import { DEFAULT_SCALE, describeScale, to255 } from '../metrics/scale';
import { mean, median } from '../../../shared/stats';
import type { TrainChannelFigures } from '../../../shared/contract/training';
import { cropRegion, type Split } from './split';

export const BASELINE_TEXT =
  "baseline: a constant image at the median 0–255 level of the training sites (per channel); skill = (score − baseline)/(perfect − baseline) on the site means (SSIM: perfect 1; MSE: perfect 0, i.e. 1 − MSE/MSE_baseline)";

/**
 * Scores a trained model on the held-out sites with Stainless' own code: the same inference as
 * `infer`, every image scaled to 0–255 by the metrics' one rule, SSIM / r / MSE beside a constant
 * image at the training sites' median level (the model's knowledge of the plate beyond that
 * level is what the skill measures).
 */
export async function evaluateHeldOut(lm: LoadedModel, split: Split, onSite?: (done: number, total: number) => void): Promise<{ sites: number; channels: Record<string, TrainChannelFigures> }> {
  const m = lm.manifest;
  const stains = m.outputs.filter((c) => !/Boundary$/.test(c));
  const load = async (file: string, region: Split['train'][number]['region']): Promise<Gray> => cropRegion(await readGray(file), region);
  const levels = new Map<string, number>();
  for (const c of stains) {
    const meds: number[] = [];
    for (const { site, region } of split.train) meds.push(imageMedian(to255(await load(site.files.get(c)!, region))));
    levels.set(c, median(meds));
  }
  const per = new Map(stains.map((c) => [c, [] as ReturnType<typeof honestSite>[]]));
  let done = 0;
  for (const { site, region } of split.heldOut) {
    const inputs = await Promise.all(m.inputs.map((c) => load(site.files.get(c)!, region)));
    const out = await inferSite(lm, inputs, {});
    for (const c of stains) {
      const ref = to255(await load(site.files.get(c)!, region));
      const { width, height } = inputs[0];
      const pred = to255({ width, height, bitDepth: 16, data: out[m.outputs.indexOf(c)] });
      per.get(c)!.push(honestSite(ref, pred, levels.get(c)!, null, { dataRange: 255, window: 'uniform' }));
    }
    onSite?.(++done, split.heldOut.length);
  }
  const channels: Record<string, TrainChannelFigures> = {};
  for (const [c, hs] of per) {
    const ssim = mean(hs.map((h) => h.ssim));
    const mse = mean(hs.map((h) => h.mse));
    const baselineSsim = mean(hs.map((h) => h.baselineSsim!));
    const baselineMse = mean(hs.map((h) => h.baselineMse!));
    channels[c] = {
      ssim,
      r: mean(hs.map((h) => h.r)),
      mse,
      baselineSsim,
      baselineMse,
      skillSsim: skillScore(ssim, baselineSsim, 1),
      skillMse: skillScore(mse, baselineMse, 0),
    };
  }
  return { sites: done, channels };
}

export const SCALE_TEXT = describeScale(DEFAULT_SCALE);
