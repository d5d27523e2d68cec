import type { Core } from '../core';
import { exportPlate } from '../export/exportPlate';
import { runFeatures } from './pipeline';
import { liveLocks } from '../jobs/runLock';

/** Job kinds 'features' (segment + measure a plate for a source) and 'export' (write a feature table). */
export function registerFeaturesJobs(core: Core): void {
  // a feature set left 'running' was cut off by a kill (unless a live process holds its plate): it
  // is interrupted until the same segment command resumes it from its per-site checkpoints
  const live = liveLocks(core.db);
  for (const r of core.db.prepare(`SELECT id, plate_id AS plateId FROM feature_sets WHERE status = 'running'`).all() as Array<{ id: number; plateId: number }>)
    if (!live.has(`segment-plate-${r.plateId}`)) core.db.prepare(`UPDATE feature_sets SET status = 'interrupted' WHERE id = ?`).run(r.id);
  core.jobs.register('features', {
    title: (p) => `Segment + measure ${p.plate} (${p.source}${p.runId ? ` run ${p.runId}` : ''}${p.method ? `, ${p.method}` : ''})`,
    unit: 'sites',
    emits: () => ({ what: 'features' }),
    run: (ctx) => runFeatures(core, ctx.params, { progress: ctx.progress, signal: ctx.signal }),
  });
  core.jobs.register('export', {
    title: (p) => `Export ${p.plate} per ${p.level} → ${p.out}`,
    unit: 'files',
    emits: () => ({ what: 'features' }),
    run: async (ctx) => {
      ctx.progress(0, 1);
      const r = await exportPlate(core.db, ctx.params);
      ctx.progress(1, 1);
      return r;
    },
  });
}
