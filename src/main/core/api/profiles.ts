import { dirname, isAbsolute } from 'node:path';
import { existsSync, statSync } from 'node:fs';
import type { Handlers } from './dispatch';
import { ApiError } from './dispatch';
import { resolveRef } from './files';
import { findPlate } from '../catalog/queries';
import { checkOutputFile } from '../io/output';

/** An output file the handler accepts: absolute, the right extension, in an existing folder, not replacing one unasked. */
function target(path: string, exts: string[], what: string, overwrite: boolean): string {
  if (!isAbsolute(path) || !exts.some((e) => path.toLowerCase().endsWith(e))) throw new ApiError('bad_request', `${path}: give an absolute path ending in ${exts.join(' or ')} for the ${what}`);
  try {
    checkOutputFile(path, overwrite);
  } catch (e) {
    throw new ApiError('bad_request', (e as Error).message);
  }
  const dir = dirname(path);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new ApiError('bad_request', `${dir}: no such folder`);
  return path;
}

export const profilesHandlers: Handlers<'profiles.start'> = {
  'profiles.start': (request, core) => {
    const overwrite = request.overwrite ?? false;
    const out = target(resolveRef(core, request.out, 'save', 'profiles file'), ['.csv', '.parquet'], 'profiles file', overwrite);
    const mapOut = request.mapOut ? target(resolveRef(core, request.mapOut, 'save', 'mAP table'), ['.csv'], 'mAP table', overwrite) : null;
    if (mapOut === out) throw new ApiError('bad_request', `${out}: the profiles and the mAP table need different files`);
    const plate = findPlate(core.db, request.plate);
    if (!plate) throw new ApiError('not_found', `no plate "${request.plate}" in the catalog`);
    return core.jobs.submit('profiles', {
      // the barcode, not the id a UI sends: the job's title names the plate a user knows
      plate: plate.barcode,
      source: request.source ?? 'acquired',
      runId: request.runId ?? null,
      method: request.method,
      out,
      mapOut,
      overwrite,
      nullSize: request.nullSize ?? 10000,
      seed: request.seed ?? 0,
    });
  },
};
