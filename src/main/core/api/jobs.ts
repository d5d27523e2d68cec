import type { Handlers } from './dispatch';

export const jobsHandlers: Handlers<'jobs.list' | 'jobs.cancel' | 'jobs.resume'> = {
  'jobs.list': (_i, core) => core.jobs.list(),
  'jobs.cancel': ({ id }, core) => core.jobs.cancel(id),
  'jobs.resume': ({ id }, core) => core.jobs.resume(id),
};
