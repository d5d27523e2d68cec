import { basename, dirname } from 'node:path';
import { wellName } from '../../../shared/channels';
import type { LoadDataExport } from '../../../shared/contract/features';
import type { Db } from '../catalog/db';
import { findPlate, NotFound } from '../catalog/queries';
import { loadDataName, writeLoadData } from '../io/loaddata';
import { checkOutputFile } from '../io/output';

const SITES_PER_QUERY = 500;

/**
 * `export --load-data`: one LoadData row per site of a plate, so a CellProfiler pipeline (or
 * Distributed-CellProfiler) runs on Stainless' images. Acquired channels are `Orig<Name>`, the
 * synthetic channels of one run `Synth<Name>` (JUMP's names: DNA … Mito, Brightfield, HighZBF,
 * LowZBF), paths absolute. Without `runId` the plate's latest run with synthetic images is used.
 */
export async function exportLoadData(db: Db, plateRef: string | number, out: string, opts: { runId?: number | null; overwrite?: boolean } = {}): Promise<LoadDataExport> {
  const plate = findPlate(db, plateRef);
  if (!plate) throw new NotFound(`no plate "${plateRef}" in the catalog`);
  checkOutputFile(out, opts.overwrite ?? false);
  const runId =
    opts.runId ??
    ((db
      .prepare(`SELECT max(i.run_id) FROM images i JOIN sites s ON s.id = i.site_id JOIN wells w ON w.id = s.well_id WHERE w.plate_id = ? AND i.kind = 'synthetic'`)
      .pluck()
      .get(plate.id) as number | null) ?? null);
  if (opts.runId != null) {
    const ok = db.prepare(`SELECT 1 FROM runs WHERE id = ? AND plate_id = ?`).get(opts.runId, plate.id);
    if (!ok) throw new NotFound(`run ${opts.runId} is not a run of plate ${plate.barcode}`);
  }
  const channelsOf = (kind: 'acquired' | 'synthetic') =>
    db
      .prepare(
        `SELECT DISTINCT i.channel FROM images i JOIN sites s ON s.id = i.site_id JOIN wells w ON w.id = s.well_id
         WHERE w.plate_id = ? AND i.kind = ? AND ifnull(i.run_id, 0) = ? ORDER BY i.channel`,
      )
      .pluck()
      .all(plate.id, kind, kind === 'synthetic' ? (runId ?? -1) : 0) as string[];
  const acquired = channelsOf('acquired');
  const synthetic = runId === null ? [] : channelsOf('synthetic');
  const column = (kind: 'acquired' | 'synthetic', ch: string) => `${kind === 'acquired' ? 'Orig' : 'Synth'}${loadDataName(ch)}`;
  const names = [...acquired.map((c) => column('acquired', c)), ...synthetic.map((c) => column('synthetic', c))];
  const columns = ['Metadata_Plate', 'Metadata_Well', 'Metadata_Site', ...names.flatMap((n) => [`FileName_${n}`, `PathName_${n}`])];

  const sites = db
    .prepare(`SELECT s.id, w.row, w.col, s.field FROM sites s JOIN wells w ON w.id = s.well_id WHERE w.plate_id = ? ORDER BY w.row, w.col, s.field`)
    .all(plate.id) as Array<{ id: number; row: number; col: number; field: number }>;
  const images = (ids: number[]) =>
    db
      .prepare(
        `SELECT site_id AS site, channel, kind, path FROM images WHERE site_id IN (${ids.map(() => '?').join(',')})
         AND (kind = 'acquired' OR run_id = ?)`,
      )
      .all(...ids, runId ?? -1) as Array<{ site: number; channel: string; kind: 'acquired' | 'synthetic'; path: string }>;
  // a page of sites at a time: the rows are built as they are written
  function* rows(): Generator<Record<string, string | number>> {
    for (let i = 0; i < sites.length; i += SITES_PER_QUERY) {
      const page = sites.slice(i, i + SITES_PER_QUERY);
      const bySite = new Map<number, Record<string, string | number>>();
      for (const s of page) bySite.set(s.id, { Metadata_Plate: plate!.barcode, Metadata_Well: wellName(s.row, s.col), Metadata_Site: s.field });
      for (const img of images(page.map((s) => s.id))) {
        const r = bySite.get(img.site)!;
        const n = column(img.kind, img.channel);
        r[`FileName_${n}`] = basename(img.path);
        r[`PathName_${n}`] = dirname(img.path);
      }
      yield* bySite.values();
    }
  }
  const written = await writeLoadData(out, columns, rows());
  return { out, plate: plate.barcode, rows: written, columns, acquired, synthetic, runId };
}
