import type { Core } from '../core';
import type { RunMetrics } from '../../../shared/contract/metrics';
import { computeRunMetrics } from './run';

/** Job kind 'metrics': one run against its acquired references; progress is sites. */
export function registerMetricsJob(core: Core): void {
  core.jobs.register('metrics', {
    title: (p) => `Metrics for run ${p.runId}`,
    unit: 'sites',
    emits: () => ({ what: 'metrics' }),
    async run(ctx) {
      const m: RunMetrics = await computeRunMetrics(core.db, ctx.params, (d, t, msg) => ctx.progress(d, t, msg));
      return { runId: m.runId, notes: m.notes };
    },
  });
}
