import type { Core } from './core';
import { registerBundledModels } from './inference';
import { listPlates } from './catalog/queries';
import { runDemoPipeline } from './demo';
import { DemoInput } from '../../shared/contract/demo';

/**
 * What happens when an app (window or web host) starts on a workspace: register the bundled
 * models, and on a workspace with no plate make the demo plate (sized to be ready in well under a
 * minute here: 96 wells, one 512-px site each) and run the demo pipeline on it, all as jobs the UI
 * shows. Returns when the start-up work is done (callers need not wait).
 */
export async function startupTasks(core: Core, opts: { demo: boolean }): Promise<void> {
  const models = await registerBundledModels(core);
  for (const f of models.failed) process.stderr.write(`bundled model ${f.dir} not registered: ${f.error}\n`);
  if (opts.demo && listPlates(core.db).length === 0 && !core.jobs.list().some((j) => j.kind === 'demo')) {
    await runDemoPipeline(core, DemoInput.parse({}));
  }
}
