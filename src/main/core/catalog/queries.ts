import type { Db } from './db';
import type { CompoundRow, ImageInfo, PlateDetail, PlateSummary, SiteInfo, WellDetail, WellLayout } from '../../../shared/contract/catalog';

export class NotFound extends Error {}

const PLATE_SQL = `
  SELECT p.id, p.barcode, p.cell_line AS cellLine, p.format, p.platemap_name AS platemapName, p.source_dir AS sourceDir,
    p.naming, p.is_demo AS isDemo, p.imported_at AS importedAt, p.pixel_size_um AS pixelSizeUm,
    json_extract(p.acquisition, '$.objective.magnification') AS magnification,
    (SELECT count(*) FROM wells w WHERE w.plate_id = p.id) AS wells,
    (SELECT count(*) FROM sites s JOIN wells w ON w.id = s.well_id WHERE w.plate_id = p.id) AS sites,
    (SELECT count(*) FROM images i JOIN sites s ON s.id = i.site_id JOIN wells w ON w.id = s.well_id WHERE w.plate_id = p.id AND i.kind = 'acquired') AS images,
    (SELECT count(*) FROM wells w WHERE w.plate_id = p.id AND w.annotated = 1) AS annotatedWells,
    (SELECT group_concat(channel, char(9)) FROM (SELECT DISTINCT i.channel FROM images i JOIN sites s ON s.id = i.site_id JOIN wells w ON w.id = s.well_id
       WHERE w.plate_id = p.id AND i.kind = 'acquired' ORDER BY i.channel)) AS channels
  FROM plates p`;

type PlateRow = Omit<PlateSummary, 'isDemo' | 'channels'> & { isDemo: number; channels: string | null };
const toPlate = (r: PlateRow): PlateSummary => ({ ...r, isDemo: !!r.isDemo, channels: r.channels ? r.channels.split('\t') : [] });

export function listPlates(db: Db): PlateSummary[] {
  return (db.prepare(`${PLATE_SQL} ORDER BY p.barcode`).all() as PlateRow[]).map(toPlate);
}

/** A plate by id (number or all-digit string that is no barcode) or barcode. */
export function findPlate(db: Db, barcodeOrId: string | number): PlateSummary | null {
  const byBarcode = db.prepare(`${PLATE_SQL} WHERE p.barcode = ?`).get(String(barcodeOrId)) as PlateRow | undefined;
  if (byBarcode) return toPlate(byBarcode);
  const id = typeof barcodeOrId === 'number' ? barcodeOrId : /^\d+$/.test(barcodeOrId) ? Number(barcodeOrId) : null;
  const byId = id === null ? undefined : (db.prepare(`${PLATE_SQL} WHERE p.id = ?`).get(id) as PlateRow | undefined);
  return byId ? toPlate(byId) : null;
}

export function getPlate(db: Db, barcodeOrId: string | number): PlateDetail {
  const plate = findPlate(db, barcodeOrId);
  if (!plate) throw new NotFound(`no plate "${barcodeOrId}" in the catalog`);
  return { plate, wells: listWells(db, plate.id) };
}

const WELL_SQL = `
  SELECT w.id, w.row, w.col, w.name, w.annotated, w.compound_id AS compoundId, c.broad_sample AS broadSample, c.name AS compound,
    c.moa, c.target, w.concentration, w.concentration_unit AS concentrationUnit, w.control_type AS controlType,
    (SELECT count(*) FROM sites s WHERE s.well_id = w.id) AS sites,
    c.smiles, c.pert_type AS pertType, w.solvent, w.plate_id AS plateId
  FROM wells w LEFT JOIN compounds c ON c.id = w.compound_id`;

type WellRow = Omit<WellLayout, 'annotated'> & { annotated: number; smiles: string | null; pertType: string | null; solvent: string | null; plateId: number };
const toLayout = ({ smiles: _s, pertType: _p, solvent: _v, plateId: _i, ...r }: WellRow): WellLayout => ({ ...r, annotated: !!r.annotated });

/** Wells of a plate in row-major order, with annotation and site counts. */
export function listWells(db: Db, plateId: number): WellLayout[] {
  return (db.prepare(`${WELL_SQL} WHERE w.plate_id = ? ORDER BY w.row, w.col`).all(plateId) as WellRow[]).map(toLayout);
}

export function listSites(db: Db, wellId: number): Array<{ id: number; field: number }> {
  return db.prepare(`SELECT id, field FROM sites WHERE well_id = ? ORDER BY field`).all(wellId) as Array<{ id: number; field: number }>;
}

/** Images of a site: acquired first, then synthetic by run; channels alphabetical. */
export function listImages(db: Db, siteId: number): ImageInfo[] {
  return db
    .prepare(
      `SELECT id, channel, kind, run_id AS runId, path, width, height, bit_depth AS bitDepth FROM images WHERE site_id = ?
       ORDER BY kind = 'synthetic', ifnull(run_id, 0), channel`,
    )
    .all(siteId) as ImageInfo[];
}

export function getWell(db: Db, wellId: number): WellDetail {
  const r = db.prepare(`${WELL_SQL} WHERE w.id = ?`).get(wellId) as WellRow | undefined;
  if (!r) throw new NotFound(`no well ${wellId} in the catalog`);
  const plate = db.prepare(`SELECT id, barcode, format FROM plates WHERE id = ?`).get(r.plateId) as WellDetail['plate'];
  const sites: SiteInfo[] = listSites(db, wellId).map((s) => ({ ...s, images: listImages(db, s.id) }));
  return { plate, well: { ...toLayout(r), smiles: r.smiles, pertType: r.pertType, solvent: r.solvent }, sites };
}

/** A well by plate (id or barcode) and name (A1 or A01). */
export function findWellId(db: Db, barcodeOrId: string | number, row: number, col: number): number {
  const plate = findPlate(db, barcodeOrId);
  if (!plate) throw new NotFound(`no plate "${barcodeOrId}" in the catalog`);
  const id = db.prepare(`SELECT id FROM wells WHERE plate_id = ? AND row = ? AND col = ?`).pluck().get(plate.id, row, col) as number | undefined;
  if (id === undefined) throw new NotFound(`plate ${plate.barcode} has no well at row ${row + 1}, column ${col + 1}`);
  return id;
}

export interface CompoundFilter {
  search?: string;
  moa?: string;
  plate?: number;
  limit: number;
  offset: number;
}

export function listCompounds(db: Db, f: CompoundFilter): { total: number; items: CompoundRow[] } {
  const where: string[] = [];
  const args: Record<string, unknown> = { limit: f.limit, offset: f.offset };
  if (f.search) {
    where.push(`(c.name LIKE @q ESCAPE '\\' OR c.broad_sample LIKE @q ESCAPE '\\' OR c.moa LIKE @q ESCAPE '\\' OR c.target LIKE @q ESCAPE '\\')`);
    args.q = `%${f.search.replace(/[\\%_]/g, (m) => '\\' + m)}%`;
  }
  if (f.moa) where.push(`c.moa = @moa`), (args.moa = f.moa);
  const wellJoin = f.plate ? `wells w ON w.compound_id = c.id AND w.plate_id = @plate` : `wells w ON w.compound_id = c.id`;
  if (f.plate) args.plate = f.plate;
  const base = `FROM compounds c ${f.plate ? 'JOIN' : 'LEFT JOIN'} ${wellJoin} ${where.length ? 'WHERE ' + where.join(' AND ') : ''} GROUP BY c.id`;
  const total = db.prepare(`SELECT count(*) FROM (SELECT c.id ${base})`).pluck().get(args) as number;
  const items = db
    .prepare(
      `SELECT c.id, c.broad_sample AS broadSample, c.name, c.moa, c.target, c.smiles, c.inchikey, c.pert_type AS pertType,
        c.control_type AS controlType, count(w.id) AS wells ${base} ORDER BY c.name COLLATE NOCASE, c.broad_sample LIMIT @limit OFFSET @offset`,
    )
    .all(args) as CompoundRow[];
  return { total, items };
}

/**
 * A plate's pixel size in µm (from its Harmony index): the first of `channels` that has its own,
 * else the plate's; null when the import learned none.
 */
export function platePixelSize(db: Db, plateId: number, channels: readonly string[] = []): number | null {
  const own = db.prepare(`SELECT pixel_size_um FROM plate_channels WHERE plate_id = ? AND channel = ? AND pixel_size_um IS NOT NULL`).pluck();
  for (const ch of channels) {
    const v = own.get(plateId, ch) as number | undefined;
    if (v !== undefined) return v;
  }
  return (db.prepare(`SELECT pixel_size_um FROM plates WHERE id = ?`).pluck().get(plateId) as number | null | undefined) ?? null;
}
