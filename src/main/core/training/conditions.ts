import type { ModelManifest } from '../../../shared/manifest';
import type { TrainingConditions } from '../../../shared/domain';
import { sampleIndices, siteStats, statRanges } from '../inference/domain';
import { readGray } from '../io/tiff';
import { cropRegion, type Split } from './split';

const SITES = 16;

/**
 * What a trained model saw, measured as `infer` measures a plate (the same siteStats over up to
 * 16 training sites), so the domain check compares later plates with the lab's own plate.
 */
export async function trainingConditionsOf(m: ModelManifest, train: Split['train'], meta: { cellLine: string | null; magnification: number | null; jobId: number; plate: string }): Promise<TrainingConditions> {
  const stats = [];
  for (const i of sampleIndices(train.length, SITES)) {
    const { site, region } = train[i];
    const grays = await Promise.all(m.inputs.map(async (c) => cropRegion(await readGray(site.files.get(c)!), region)));
    stats.push(siteStats(grays, m, m.pixelSizeUm));
  }
  const bf = m.inputs.every((c) => /^BF/.test(c));
  return {
    modality: bf ? 'brightfield' : 'fluorescence',
    planes: [...m.inputs],
    pixelSizeUm: m.pixelSizeUm,
    magnification: meta.magnification ? `${meta.magnification}x` : null,
    cellLines: meta.cellLine ? [meta.cellLine] : [],
    sites: stats.length,
    stats: statRanges(stats),
    source: `Stainless train job ${meta.jobId}: ${stats.length} training sites of plate ${meta.plate}`,
  };
}
