import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Core } from './core';
import type { DemoParams } from '../../shared/contract/demo';
import type { JobInfo } from '../../shared/contract/jobs';
import { simulatePlate, defaultBarcode, labelFileName } from './simulate';
import { importPlate } from './catalog/importPlate';
import { readGray } from './io/tiff';
import { listModels } from './inference';

/**
 * Job kind 'demo': simulate a plate into <workspace>/demo/<barcode> and import it through the same
 * import path as a real acquisition; the simulator's ground-truth masks are registered as
 * segmentations of source 'truth' so segmentation metrics have a reference.
 */
export function registerDemoJob(core: Core): void {
  core.jobs.register<DemoParams, { barcode: string; sites: number; wells: number; truthSegmentations: number }>('demo', {
    title: (p) => `Demo plate ${defaultBarcode(p.cellLine, p.format, p.seed)} (${p.format} wells, ${p.sites} site${p.sites > 1 ? 's' : ''}, ${p.size} px)`,
    unit: 'sites',
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
      await importPlate(core.db, { dir: out, metadata: join(out, 'metadata'), barcode, cellLine: p.cellLine, isDemo: true });
      const truth = await registerTruth(core, barcode, join(out, 'groundtruth'));
      core.events.emit({ type: 'catalog', what: 'plates' });
      return { barcode, sites: sim.sites, wells: sim.wells, truthSegmentations: truth };
    },
  });
}

/** Register ground-truth label images (simulator naming) as segmentations of source 'truth'. */
async function registerTruth(core: Core, barcode: string, dir: string): Promise<number> {
  const sites = core.db
    .prepare(`SELECT s.id, w.row, w.col, s.field FROM sites s JOIN wells w ON w.id = s.well_id JOIN plates p ON p.id = w.plate_id WHERE p.barcode = ?`)
    .all(barcode) as Array<{ id: number; row: number; col: number; field: number }>;
  const rows: Array<[number, string, string, number, number]> = [];
  for (const s of sites) {
    const nuclei = join(dir, labelFileName(s.row, s.col, s.field, 'nuclei'));
    const cells = join(dir, labelFileName(s.row, s.col, s.field, 'cells'));
    if (!existsSync(nuclei) || !existsSync(cells)) continue;
    rows.push([s.id, nuclei, cells, countLabels((await readGray(nuclei)).data), countLabels((await readGray(cells)).data)]);
  }
  const insert = core.db.prepare(
    `INSERT INTO segmentations (site_id, source, method, run_id, nuclei_path, cells_path, n_nuclei, n_cells) VALUES (?, 'truth', 'truth', NULL, ?, ?, ?, ?)
     ON CONFLICT DO UPDATE SET nuclei_path = excluded.nuclei_path, cells_path = excluded.cells_path, n_nuclei = excluded.n_nuclei, n_cells = excluded.n_cells`,
  );
  core.db.transaction(() => rows.forEach((r) => insert.run(...r)))();
  return rows.length;
}

function countLabels(data: ArrayLike<number>): number {
  const seen = new Set<number>();
  for (let i = 0; i < data.length; i++) if (data[i]) seen.add(data[i]);
  return seen.size;
}

/**
 * The demo pipeline as a chain of ordinary jobs, each visible in the Jobs panel: demo plate →
 * inference with the bundled direct model → segmentation + measurements of acquired and synthetic
 * images → metrics of the run. Jobs run serially, so each step waits for the one before.
 */
export async function runDemoPipeline(core: Core, params: DemoParams, first?: JobInfo): Promise<void> {
  const demo = await core.jobs.wait((first ?? core.jobs.submit('demo', params)).id);
  if (demo.status !== 'done' || !params.pipeline) return;
  const { barcode } = demo.result as { barcode: string };
  const model = listModels(core.db).find((m) => m.kind === 'direct') ?? listModels(core.db)[0];
  const acquired = core.jobs.submit('features', { plate: barcode, source: 'acquired', method: 'classical' });
  if (!model) return void (await core.jobs.wait(acquired.id));
  const infer = await core.jobs.wait(core.jobs.submit('infer', { plate: barcode, model: model.name }).id);
  await core.jobs.wait(acquired.id);
  if (infer.status !== 'done') return;
  const runId = (infer.result as { runId: number }).runId;
  // Models with boundary outputs segment from them; others go through the classical path.
  const method = model.manifest.outputs.includes('NucleiBoundary') ? 'model' : 'classical';
  await core.jobs.wait(core.jobs.submit('features', { plate: barcode, source: 'synthetic', runId, method }).id);
  await core.jobs.wait(core.jobs.submit('metrics', { runId }).id);
}
