import { isAbsolute } from 'node:path';
import { existsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Handlers } from './dispatch';
import { ApiError } from './dispatch';
import { resolveRef } from './files';
import { listIllumFunctions } from '../illumination/plate';
import { findPlate, NotFound } from '../catalog/queries';
import { featureColumn, featureNames, getFeatureSet, hasRobustZ, listFeatureSets, setIllumination, setWellIds, wellPositions } from '../features/store';
import { cellAt } from '../features/cellAt';
import { checkOutputFile, WriteFailed } from '../io/output';
import { exportLoadData } from '../export/loadData';
import { defaultMethod, resolveSource } from '../features/plateSites';
import type { FeatureSetInfo, WellValues } from '../../../shared/contract/features';

const plateOr404 = (db: Parameters<typeof findPlate>[0], plate: string | number) => {
  const p = findPlate(db, plate);
  if (!p) throw new ApiError('not_found', `no plate "${plate}" in the catalog`);
  return p;
};

export const featuresHandlers: Handlers<'features.sets' | 'features.names' | 'features.wellValues' | 'features.cellAt' | 'illumination.list' | 'segment.start' | 'export.start' | 'export.loadData'> = {
  'features.sets': ({ plate }, core) => {
    const p = plateOr404(core.db, plate);
    return listFeatureSets(core.db, p.id).map((s): FeatureSetInfo => ({ ...s, hasRobustZ: hasRobustZ(core.db, s.id), illumination: setIllumination(core.db, s.id) }));
  },
  'features.names': ({ setId, query, limit }, core) => {
    if (!getFeatureSet(core.db, setId)) throw new ApiError('not_found', `no feature set ${setId}`);
    return featureNames(core.db, setId, query, limit);
  },
  'features.wellValues': ({ setId, name, normalize }, core): WellValues => {
    if (!getFeatureSet(core.db, setId)) throw new ApiError('not_found', `no feature set ${setId}`);
    const col = featureColumn(core.db, setId, name, normalize);
    if (!col) throw new ApiError('not_found', normalize === 'robustz' ? `no robust z for "${name}" (no feature of that name, or the plate has no negcon wells)` : `feature set ${setId} has no feature "${name}"`);
    const ids = setWellIds(core.db, setId);
    const pos = wellPositions(core.db, ids);
    let min: number | null = null;
    let max: number | null = null;
    const wells = Array.from(ids, (wellId, i) => {
      const v = Number.isFinite(col[i]) ? col[i] : null;
      if (v !== null) {
        min = min === null ? v : Math.min(min, v);
        max = max === null ? v : Math.max(max, v);
      }
      return { wellId, ...pos[i], value: v };
    });
    return { setId, name, normalize, wells, min, max };
  },
  'features.cellAt': (q, core) => cellAt(core.db, q),
  'illumination.list': ({ plate }, core) => listIllumFunctions(core.db, plateOr404(core.db, plate).id),
  'segment.start': (input, core) => {
    const source = input.source ?? 'synthetic';
    let ref: ReturnType<typeof resolveSource>;
    try {
      ref = resolveSource(core.db, input.plate, source, input.runId);
    } catch (e) {
      throw new ApiError('not_found', (e as Error).message);
    }
    const method = input.method ?? defaultMethod(core.db, ref);
    // a folder of illumination files: an opaque handle from the UI, a path from the CLI
    const illumFrom = input.illumFrom ? resolveRef(core, input.illumFrom, 'dir', 'illumination folder') : null;
    return core.jobs.submit('features', {
      // the barcode, not the id a UI sends: the job's title names the plate a user knows
      plate: plateOr404(core.db, input.plate).barcode,
      source,
      runId: input.runId ?? null,
      method,
      workers: input.workers,
      precision: input.precision ?? 'single',
      illumination: input.illumination ?? 'auto',
      illumFrom,
    });
  },
  'export.start': (request, core) => {
    const input = { ...request, out: resolveRef(core, request.out, 'save', 'export target') };
    // the renderer names the file; only an absolute .csv/.parquet path in an existing folder is accepted
    if (!isAbsolute(input.out) || !/\.(csv|parquet|sqlite)$/i.test(input.out)) throw new ApiError('bad_request', `${input.out}: give an absolute path ending in .csv, .parquet or .sqlite`);
    try {
      checkOutputFile(input.out, input.overwrite ?? false);
    } catch (e) {
      throw new ApiError('bad_request', (e as Error).message);
    }
    const dir = dirname(input.out);
    if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new ApiError('bad_request', `${dir}: no such folder`);
    if (!input.out.toLowerCase().endsWith(`.${input.format ?? 'csv'}`))
      throw new ApiError('bad_request', `${input.out}: the file extension does not match format ${input.format ?? 'csv'}`);
    const layout = input.layout ?? 'stainless';
    const level = input.level ?? (input.format === 'sqlite' || layout === 'cytotable' ? 'cell' : 'well');
    if ((input.format === 'sqlite' || layout === 'cytotable') && level !== 'cell')
      throw new ApiError('bad_request', `${input.format === 'sqlite' ? 'CellProfiler SQLite' : 'the CytoTable layout'} holds single cells: use level cell`);
    if (layout === 'cytotable' && input.format !== 'parquet') throw new ApiError('bad_request', 'the CytoTable layout is Parquet: use format parquet');
    // the barcode, not the id a UI sends: the job's title and record name the plate a user knows
    const { barcode } = plateOr404(core.db, input.plate);
    return core.jobs.submit('export', {
      plate: barcode,
      level,
      layout,
      format: input.format ?? 'csv',
      source: input.source ?? 'synthetic',
      runId: input.runId ?? null,
      method: input.method,
      normalize: input.normalize ?? 'none',
      precision: input.precision ?? 'single',
      out: input.out,
      overwrite: input.overwrite ?? false,
    });
  },
  'export.loadData': async (request, core) => {
    const out = resolveRef(core, request.out, 'save', 'LoadData CSV');
    if (!isAbsolute(out) || !/\.csv$/i.test(out)) throw new ApiError('bad_request', `${out}: give an absolute path ending in .csv`);
    plateOr404(core.db, request.plate);
    try {
      return await exportLoadData(core.db, request.plate, out, { runId: request.runId ?? null, overwrite: request.overwrite ?? false });
    } catch (e) {
      if (e instanceof WriteFailed) throw new ApiError('bad_request', e.message);
      if (e instanceof NotFound) throw new ApiError('not_found', e.message);
      throw e;
    }
  },
};
