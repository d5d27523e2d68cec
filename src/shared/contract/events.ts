import type { JobInfo } from './jobs';

/** Everything the main side pushes to the UI without being asked. */
export type ApiEvent =
  | { type: 'job'; job: JobInfo }
  | { type: 'catalog'; what: 'plates' | 'models' | 'runs' | 'features' | 'metrics'; plateId?: number };
