import type { Handlers } from './dispatch';
import { ApiError } from './dispatch';
import { loadRunMetrics, wellValues } from '../metrics/store';
import { getRun } from '../inference/run';
import type { Core } from '../core';

const runOr404 = (core: Core, runId: number) => {
  if (!getRun(core.db, runId)) throw new ApiError('not_found', `no run ${runId}`);
};

export const metricsHandlers: Handlers<'metrics.run' | 'metrics.wellValues' | 'metrics.start'> = {
  'metrics.run': ({ runId }, core) => {
    runOr404(core, runId);
    return loadRunMetrics(core.db, runId);
  },
  'metrics.wellValues': ({ runId, key, channel }, core) => {
    runOr404(core, runId);
    return wellValues(core.db, runId, key, channel);
  },
  'metrics.start': (params, core) => {
    runOr404(core, params.runId);
    return core.jobs.submit('metrics', params);
  },
};
