import type { Core } from '../core';
import { exportPlate } from '../export/exportPlate';
import { runFeatures } from './pipeline';

/** Job kinds 'features' (segment + measure a plate for a source) and 'export' (write a feature table). */
export function registerFeaturesJobs(core: Core): void {
  core.jobs.register('features', {
    title: (p) => `Segment + measure ${p.plate} (${p.source}${p.runId ? ` run ${p.runId}` : ''}${p.method ? `, ${p.method}` : ''})`,
    unit: 'sites',
    emits: () => ({ what: 'features' }),
    run: (ctx) => runFeatures(core, ctx.params, { progress: ctx.progress, signal: ctx.signal }),
  });
  core.jobs.register('export', {
    title: (p) => `Export ${p.plate} ${p.level}s → ${p.out}`,
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
