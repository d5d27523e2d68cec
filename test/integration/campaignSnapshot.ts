import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { createCore } from '../../src/main/core/core';
import { openParquet, rowGroups } from '../../src/main/core/io/parquetRead';

const sha = (f: string) => createHash('sha256').update(readFileSync(f)).digest('hex');

/**
 * A workspace's results for comparing two ways of producing them: catalog rows without ids,
 * timings, timestamps and hosts; workspace paths relative with the run id neutral; file contents
 * as sha256 (TIFFs byte for byte) and per-cell Parquet values; illumination functions and what
 * each feature set divided by.
 */
export async function catalogSnapshot(ws: string) {
  const core = createCore({ workspace: ws, transport: 'inprocess' });
  try {
    const db = core.db;
    const runIds = (db.prepare(`SELECT id FROM runs ORDER BY id`).all() as Array<{ id: number }>).map((r) => r.id);
    const rel = (p: string) => runIds.reduce((s, id) => s.replaceAll(`run-${id}`, 'run-R').replaceAll(`run${id}`, 'runR'), relative(ws, p));
    const site = `(SELECT w.name || '/' || s.field FROM sites s JOIN wells w ON w.id = s.well_id WHERE s.id = site_id)`;
    const runs = db.prepare(`SELECT m.name AS model, m.sha256, r.model_name, r.provider, r.provider_reason, r.device, r.params, r.status, r.error, r.domain FROM runs r LEFT JOIN models m ON m.id = r.model_id ORDER BY r.id`).all();
    const images = (db.prepare(`SELECT ${site} AS site, channel, kind, path, width, height, bit_depth, run_id IS NOT NULL AS synthetic FROM images WHERE kind = 'synthetic' ORDER BY 1, channel`).all() as Array<{ path: string }>).map((r) => ({ ...r, path: rel(r.path), sha256: sha(r.path) }));
    const runSites = db.prepare(`SELECT ${site} AS site FROM run_sites ORDER BY 1`).all();
    const segmentations = (db.prepare(`SELECT ${site} AS site, source, method, nuclei_path, cells_path, n_nuclei, n_cells FROM segmentations WHERE source = 'synthetic' ORDER BY 1`).all() as Array<{ nuclei_path: string; cells_path: string }>).map((r) => ({
      ...r,
      nuclei_path: rel(r.nuclei_path),
      cells_path: rel(r.cells_path),
      nuclei: sha(r.nuclei_path),
      cells: sha(r.cells_path),
    }));
    const setRows = db.prepare(`SELECT source, method, model_name, status, n_sites, n_cells, hex(well_ids) AS well_ids, cells_path, illumination FROM feature_sets ORDER BY id`).all() as Array<{ cells_path: string; illumination: string | null }>;
    // what each channel was divided by, with the function files' paths relative
    const relIllum = (j: string | null) => (j ? Object.fromEntries(Object.entries(JSON.parse(j) as Record<string, { path: string }>).map(([ch, f]) => [ch, { ...f, path: rel(f.path), sha256: sha(f.path) }])) : null);
    const sets = setRows.map((r) => ({ ...r, cells_path: rel(r.cells_path), illumination: relIllum(r.illumination) }));
    const illumination = (db.prepare(`SELECT channel, source, run_id IS NOT NULL AS run, origin, path, source_file, settings, n_images, width, height, sha256 FROM illumination_functions ORDER BY source, channel`).all() as Array<{ path: string; origin: string }>).map((r) => ({ ...r, path: rel(r.path), file: sha(r.path) }));
    const wellFeatures = db.prepare(`SELECT name, hex(raw) AS raw, hex(robustz) AS robustz FROM well_features ORDER BY set_id, name`).all();
    const cells: Record<string, unknown[]> = {};
    const cellsIllumination: Array<string | null> = [];
    for (const f of setRows) {
      const pf = await openParquet(f.cells_path);
      cellsIllumination.push(pf.metadata.key_value_metadata?.find((e) => e.key === 'stainless.illumination')?.value ?? null);
      for await (const g of rowGroups(pf)) for (const [k, v] of g.columns) (cells[k] ??= []).push(...Array.from(v as ArrayLike<unknown>));
    }
    return { runs, images, runSites, segmentations, sets, illumination, wellFeatures, cells, cellsIllumination };
  } finally {
    core.close();
  }
}
