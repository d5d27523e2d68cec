import type { Handlers } from './dispatch';
import { ApiError } from './dispatch';
import { loadRunMetrics, wellValues } from '../metrics/store';

export const metricsHandlers: Handlers<'metrics.run' | 'metrics.wellValues' | 'metrics.start'> = {
  'metrics.run': ({ runId }, core) => {
    if (!core.db.prepare('SELECT 1 FROM runs WHERE id = ?').get(runId)) throw new ApiError('not_found', `no run ${runId}`);
    return loadRunMetrics(core.db, runId);
  },
  'metrics.wellValues': ({ runId, key, channel }, core) => {
    if (!core.db.prepare('SELECT 1 FROM runs WHERE id = ?').get(runId)) throw new ApiError('not_found', `no run ${runId}`);
    return wellValues(core.db, runId, key, channel);
  },
  'metrics.start': (params, core) => {
    if (!core.db.prepare('SELECT 1 FROM runs WHERE id = ?').get(params.runId)) throw new ApiError('not_found', `no run ${params.runId}`);
    return core.jobs.submit('metrics', params);
  },
};
