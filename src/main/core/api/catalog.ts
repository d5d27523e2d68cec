import { existsSync, statSync } from 'node:fs';
import type { Handlers } from './dispatch';
import { ApiError } from './dispatch';
import { resolveRef } from './files';
import type { Core } from '../core';
import { parseWellName } from '../../../shared/channels';
import type { ImportOptions } from '../../../shared/contract/catalog';
import { previewImport } from '../catalog/importPlate';
import { findPlate, findWellId, getPlate, getWell, listCompounds, listPlates, listWells, NotFound } from '../catalog/queries';

/** The request's file handles as paths (the CLI may give paths), checked before anything reads them. */
function importPaths(core: Core, input: ImportOptions): ImportOptions {
  const o: ImportOptions = {
    ...input,
    dir: resolveRef(core, input.dir, 'dir', 'plate folder'),
    platemap: input.platemap ? resolveRef(core, input.platemap, 'file', 'plate map') : input.platemap,
    metadata: input.metadata ? resolveRef(core, input.metadata, 'any', 'metadata') : input.metadata,
  };
  checkPaths(o);
  return o;
}

/** They must exist and be of the right kind. */
function checkPaths(o: ImportOptions): void {
  const need = (label: string, p: string | null | undefined, kind: 'dir' | 'file' | 'any') => {
    if (!p) return;
    if (!existsSync(p)) throw new ApiError('bad_request', `${label} ${p}: does not exist`);
    const isDir = statSync(p).isDirectory();
    if (kind === 'dir' && !isDir) throw new ApiError('bad_request', `${label} ${p}: is a file, not a folder`);
    if (kind === 'file' && isDir) throw new ApiError('bad_request', `${label} ${p}: is a folder, not a file`);
  };
  need('dir', o.dir, 'dir');
  need('platemap', o.platemap, 'file');
  need('metadata', o.metadata, 'any');
}

const notFound = <T>(f: () => T): T => {
  try {
    return f();
  } catch (e) {
    if (e instanceof NotFound) throw new ApiError('not_found', e.message);
    throw e;
  }
};

export const catalogHandlers: Handlers<'plates.list' | 'plates.get' | 'wells.list' | 'wells.get' | 'compounds.list' | 'import.preview' | 'import.start'> = {
  'plates.list': (_i, core) => listPlates(core.db),
  'plates.get': ({ plate }, core) => notFound(() => getPlate(core.db, plate)),
  'wells.list': ({ plate }, core) =>
    notFound(() => {
      const p = findPlate(core.db, plate);
      if (!p) throw new NotFound(`no plate "${plate}" in the catalog`);
      return listWells(core.db, p.id);
    }),
  'wells.get': (input, core) =>
    notFound(() => {
      if ('id' in input) return getWell(core.db, input.id);
      const w = parseWellName(input.well);
      if (!w) throw new ApiError('bad_request', `"${input.well}" is not a well name (A1 or A01)`);
      return getWell(core.db, findWellId(core.db, input.plate, w.row, w.col));
    }),
  'compounds.list': (q, core) => listCompounds(core.db, q),
  'import.preview': async (input, core) => previewImport(importPaths(core, input)),
  'import.start': (input, core) => core.jobs.submit('import', importPaths(core, input)),
};
