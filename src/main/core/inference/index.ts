import { join } from 'node:path';
import type { Core } from '../core';
import { resourcesDir } from '../paths';
import { registerBundledModelsFrom } from './registry';

export { listModels } from './registry';

/** The bundled models folder (resources/models) of this install. */
export const bundledModelsDir = (): string => join(resourcesDir(), 'models');

/**
 * Register every bundled model (resources/models/<name>/model.json) that the catalog does not have
 * yet. Called on first start (startup.ts); safe to call on every start.
 */
export async function registerBundledModels(core: Pick<Core, 'db' | 'events'>, dir = bundledModelsDir()): Promise<{ added: string[]; retired: string[]; failed: Array<{ dir: string; error: string }> }> {
  const r = await registerBundledModelsFrom(core.db, dir);
  if (r.added.length || r.retired.length) core.events.emit({ type: 'catalog', what: 'models' });
  return r;
}
