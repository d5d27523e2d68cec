import type { Handlers } from './dispatch';
import { runDemoPipeline } from '../demo';

export const demoHandlers: Handlers<'demo.create'> = {
  'demo.create': (params, core) => {
    const job = core.jobs.submit('demo', params);
    void runDemoPipeline(core, params, job);
    return job;
  },
};
