import { join } from 'node:path';
import type { Core } from './core';
import type { DemoParams } from '../../shared/contract/demo';
import type { JobInfo } from '../../shared/contract/jobs';
import { MetricsStartInput } from '../../shared/contract/metrics';
import { simulatePlate, defaultBarcode } from './simulate';
import { importPlate } from './catalog/importPlate';
import { listModels } from './inference';

/**
 * Job kind 'demo': simulate a plate into <workspace>/demo/<barcode> and import it through the same
 * import path as a real acquisition (which registers the simulator's ground-truth masks as
 * segmentations of source 'truth', so segmentation metrics have a reference).
 */
export function registerDemoJob(core: Core): void {
  core.jobs.register('demo', {
    title: (p) => `Demo plate ${defaultBarcode(p.cellLine, p.format, p.seed)} (${p.format} wells, ${p.sites} site${p.sites > 1 ? 's' : ''}, ${p.size} px)`,
    unit: 'sites',
    emits: () => ({ what: 'plates' }),
    async run(ctx) {
      const p = ctx.params;
      const barcode = defaultBarcode(p.cellLine, p.format, p.seed);
      const out = join(core.paths.demo, barcode);
      const sim = await simulatePlate({
        out,
        format: p.format,
        sites: p.sites,
        size: p.size,
        cellLine: p.cellLine,
        seed: p.seed,
        barcode,
        emptyEdges: p.emptyEdges,
        signal: ctx.signal,
        onProgress: ({ done, total }) => ctx.progress(done, total, 'simulating sites'),
      });
      ctx.progress(sim.sites, sim.sites, 'importing');
      const report = await importPlate(core.db, { dir: out, metadata: join(out, 'metadata'), barcode, cellLine: p.cellLine, isDemo: true });
      return { barcode, sites: sim.sites, wells: sim.wells, truthSegmentations: report.truthSites };
    },
  });
}

/**
 * The demo pipeline as a chain of ordinary jobs, each visible in the Jobs panel: demo plate →
 * inference with the bundled direct model → segmentation + measurements of acquired and synthetic
 * images → metrics of the run. Jobs run serially, so each step waits for the one before.
 */
export async function runDemoPipeline(core: Core, params: DemoParams, first?: JobInfo): Promise<void> {
  const demo = await core.jobs.wait((first ?? core.jobs.submit('demo', params)).id);
  if (demo.status !== 'done' || !params.pipeline) return;
  const { barcode } = core.jobs.resultOf(demo, 'demo');
  const model = listModels(core.db).find((m) => m.kind === 'direct') ?? listModels(core.db)[0];
  const acquired = core.jobs.submit('features', { plate: barcode, source: 'acquired', method: 'classical' });
  if (!model) return void (await core.jobs.wait(acquired.id));
  const infer = await core.jobs.wait(core.jobs.submit('infer', { plate: barcode, model: model.name }).id);
  await core.jobs.wait(acquired.id);
  if (infer.status !== 'done') return;
  const { runId } = core.jobs.resultOf(infer, 'infer');
  // Models with boundary outputs segment from them; others go through the classical path.
  const method = model.manifest.outputs.includes('NucleiBoundary') ? 'model' : 'classical';
  await core.jobs.wait(core.jobs.submit('features', { plate: barcode, source: 'synthetic', runId, method }).id);
  await core.jobs.wait(core.jobs.submit('metrics', MetricsStartInput.parse({ runId })).id);
}
