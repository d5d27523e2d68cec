import { join } from 'node:path';
import type { Handlers } from './dispatch';
import { ApiError } from './dispatch';
import { resolveRef } from './files';
import { findPlate } from '../catalog/queries';
import { makePlan, readPlan } from '../campaign/plan';
import { mergeCampaign } from '../campaign/merge';
import { slurmInfo, slurmStatus, slurmSubmit } from '../campaign/slurm';
import type { Core } from '../core';
import { getCampaign, listCampaigns, recordCampaign } from '../campaign/registry';
import { mergeCatalog } from '../campaign/mergeCatalog';

/** The campaign modules refuse bad input with messages that name the file and the problem. */
async function refusing<T>(f: () => T | Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    if (e instanceof ApiError) throw e;
    throw new ApiError('bad_request', (e as Error).message);
  }
}

/** The plan.json of a campaign named by its catalog id (the UI) or by the file itself (the CLI). */
function planFileOf(core: Core, input: { id?: string; plan?: string }): string {
  if (input.id === undefined) return resolveRef(core, input.plan!, 'file', 'plan');
  const c = getCampaign(core.db, input.id);
  if (!c) throw new ApiError('not_found', `no campaign ${input.id.slice(0, 12)}… in this catalog`);
  return c.planFile;
}

export const campaignHandlers: Handlers<'campaign.plan' | 'campaign.list' | 'campaign.status' | 'campaign.merge' | 'campaign.mergeCatalog' | 'slurm.info' | 'slurm.submit'> = {
  'campaign.plan': (input, core) => {
    const dir = resolveRef(core, input.campaign, 'dir', 'campaign folder');
    const illumFrom = input.illumFrom ? resolveRef(core, input.illumFrom, 'dir', 'illumination folder') : null;
    return refusing(async () => {
      const plan = await makePlan(core.db, { ...input, dir, illumFrom });
      const planFile = join(dir, 'plan.json');
      recordCampaign(core.db, planFile, plan);
      return { id: plan.id, plate: plan.plate.barcode, sites: plan.sites.length, shards: plan.shards, planFile, shardFiles: plan.shardFiles, domain: plan.domain };
    });
  },
  'campaign.list': ({ plate }, core) => {
    if (plate === undefined) return listCampaigns(core.db);
    const p = findPlate(core.db, plate);
    if (!p) throw new ApiError('not_found', `no plate "${plate}" in the catalog`);
    return listCampaigns(core.db, p.id);
  },
  'campaign.status': (input, core) => {
    const planFile = planFileOf(core, input);
    return refusing(async () => {
      const plan = readPlan(planFile);
      const s = await slurmStatus(planFile);
      return { id: plan.id, plate: plan.plate.barcode, planFile, ...s, mergedRunId: getCampaign(core.db, plan.id)?.mergedRunId ?? null };
    });
  },
  'campaign.merge': (input, core) => {
    const planFile = planFileOf(core, input);
    return refusing(async () => {
      return mergeCampaign(core, planFile);
    });
  },
  'campaign.mergeCatalog': (input, core) => {
    const file = resolveRef(core, input.catalog, 'file', 'catalog');
    return refusing(() => mergeCatalog(core.db, file));
  },
  'slurm.info': () => slurmInfo(),
  'slurm.submit': (input, core) => {
    const planFile = planFileOf(core, input);
    return refusing(() => {
      const sub = slurmSubmit(planFile, { ...input, thenMerge: input.thenMerge ? core.workspace : null });
      recordCampaign(core.db, planFile, readPlan(planFile));
      return sub;
    });
  },
};
