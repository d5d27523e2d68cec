import type { Handlers } from './dispatch';
import { ApiError } from './dispatch';
import { resolveRef } from './files';
import type { ModelDetail, ModelInfo } from '../../../shared/contract/inference';
import { addModel, findModel, listModels, type ModelRecord } from '../inference/registry';
import { getRun, listRuns } from '../inference/run';
import { resshiftSchedule } from '../inference/samplers/resshift';

export const modelInfo = (m: ModelRecord): ModelInfo => ({
  id: m.id,
  name: m.name,
  version: m.version,
  kind: m.kind,
  inputs: m.manifest.inputs,
  outputs: m.manifest.outputs,
  dir: m.dir,
  sha256: m.sha256,
  bundled: m.bundled,
  addedAt: m.addedAt,
});

/** Manifest plus, for a diffusion model, its schedule (optionally for another step count). */
export function modelDetail(m: ModelRecord, steps?: number): ModelDetail {
  const sp = m.manifest.sampler;
  let schedule: ModelDetail['schedule'] = null;
  if (m.kind === 'residual-diffusion' && sp) {
    const s = resshiftSchedule({ ...sp, T: steps ?? sp.T });
    schedule = { T: s.T, kappa: s.kappa, eta: s.eta, posterior_variance: s.posteriorVariance, input_scale: s.inputScale };
  }
  return { ...modelInfo(m), manifest: m.manifest, schedule };
}

export const inferenceHandlers: Handlers<'models.list' | 'models.get' | 'models.add' | 'infer.start' | 'runs.list' | 'runs.get'> = {
  'models.list': (_i, core) => listModels(core.db).map(modelInfo),
  'models.get': ({ name, steps }, core) => {
    const m = findModel(core.db, name);
    if (!m) throw new ApiError('not_found', `no model "${name}" is registered`);
    return modelDetail(m, steps);
  },
  'models.add': async (input, core) => {
    const path = resolveRef(core, input.path, 'any', 'model');
    try {
      const r = await addModel(core.db, path, { modelsDir: core.paths.models });
      if (r.added) core.events.emit({ type: 'catalog', what: 'models' });
      return { model: modelInfo(r.model), added: r.added };
    } catch (e) {
      throw new ApiError('bad_request', (e as Error).message);
    }
  },
  'infer.start': (input, core) => {
    if (!findModel(core.db, input.model)) throw new ApiError('not_found', `no model "${input.model}" is registered`);
    return core.jobs.submit('infer', input);
  },
  'runs.list': ({ plate }, core) => {
    try {
      return listRuns(core.db, plate);
    } catch (e) {
      throw new ApiError('not_found', (e as Error).message);
    }
  },
  'runs.get': ({ id }, core) => {
    const r = getRun(core.db, id);
    if (!r) throw new ApiError('not_found', `no run ${id}`);
    return r;
  },
};
