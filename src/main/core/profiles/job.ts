import type { Core } from '../core';
import { profilePlate } from './plate';

/** Job kind 'profiles': the recipe on a plate's well profiles, written to files. */
export function registerProfilesJob(core: Core): void {
  core.jobs.register('profiles', {
    title: (p) => `Profiles of ${p.plate} (${p.source}${p.runId ? ` run ${p.runId}` : ''}) → ${p.out}`,
    unit: 'steps',
    emits: () => ({ what: 'features' }),
    run: async (ctx) => {
      ctx.progress(0, 1);
      const r = await profilePlate(core.db, ctx.params);
      ctx.progress(1, 1);
      return r;
    },
  });
}
