import { openCatalog, type Db } from './catalog/db';
import { EventBus } from './events';
import { FileBroker } from './files/broker';
import { JobManager } from './jobs/manager';
import { resolveWorkspace, workspacePaths } from './workspace';
import { detectProviders, ortVersion } from './inference/providers';
import type { ProviderInfo } from '../../shared/contract/app';
import { registerImportJob } from './catalog/importJob';
import { registerInferJob } from './inference/job';
import { registerMetricsJob } from './metrics/job';
import { registerFeaturesJobs } from './features/job';
import { registerDemoJob } from './demo';
import { registerTrainJob } from './training/job';
import { registerProfilesJob } from './profiles/job';

export interface CoreOptions {
  workspace?: string | null;
  transport: 'ipc' | 'http' | 'inprocess';
}

/** Everything a request handler or job needs: the open workspace and its services. */
export interface Core {
  workspace: string;
  paths: ReturnType<typeof workspacePaths>;
  db: Db;
  events: EventBus;
  /** file handles: the only way requests name files (src/shared/contract/files.ts) */
  files: FileBroker;
  jobs: JobManager;
  transport: CoreOptions['transport'];
  runtime: { ortVersion: string; providers(): Promise<ProviderInfo> };
  close(): void;
}

export function createCore(opts: CoreOptions): Core {
  const workspace = resolveWorkspace(opts.workspace);
  const paths = workspacePaths(workspace);
  const db = openCatalog(paths.catalog);
  const events = new EventBus();
  const jobs = new JobManager(db, events);
  let providers: Promise<ProviderInfo> | null = null;
  const core: Core = {
    workspace,
    paths,
    db,
    events,
    files: new FileBroker({ trustPaths: opts.transport === 'inprocess' }),
    jobs,
    transport: opts.transport,
    runtime: {
      ortVersion: ortVersion(),
      providers: () => (providers ??= detectProviders()),
    },
    close: () => {
      jobs.close();
      db.close();
    },
  };
  registerJobKinds(core);
  return core;
}

/** Each capability registers its job kinds here. */
function registerJobKinds(core: Core): void {
  registerImportJob(core);
  registerInferJob(core);
  registerMetricsJob(core);
  registerFeaturesJobs(core);
  registerDemoJob(core);
  registerTrainJob(core);
  registerProfilesJob(core);
}
