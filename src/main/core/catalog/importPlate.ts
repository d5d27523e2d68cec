import { wellName } from '../../../shared/channels';
import type { ImportOptions, ImportPreview, ImportProgress, ImportReport } from '../../../shared/contract/catalog';
import type { CompoundInfo } from '../io/platemap';
import type { Db } from './db';
import { scanPlate, type ScanResult } from './scan';
import { registerTruthLabels } from './truthLabels';
import { platePixelSize } from './harmonyScan';
import { magnificationOfMetadata } from './magnification';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The import refused: the report lists every problem; the catalog was not touched. */
export class ImportFailed extends Error {
  constructor(public report: ImportPreview) {
    // the listed errors, without the "N more not listed" entries; the count is of all
    const errors = report.problems.filter((p) => p.severity === 'error' && !/ not listed: \d+ in all$/.test(p.message));
    const n = report.problemCounts.errors;
    super(
      `import of ${report.dir} refused, nothing was written (${n} error${n === 1 ? '' : 's'}):` +
        errors
          .slice(0, 10)
          .map((p) => `\n  ${p.message}`)
          .join('') +
        (n > 10 ? `\n  … ${n - 10} more` : ''),
    );
  }
}

export function toPreview(s: ScanResult): ImportPreview {
  const compounds = new Set(s.annotation?.wells.map((w) => w.compound.broadSample));
  return {
    dir: s.dir,
    imageDir: s.imageDir,
    barcode: s.barcode,
    format: s.format,
    naming: s.naming,
    channelMap: s.channelMap,
    harmony: s.harmony
      ? {
          file: s.harmony.file,
          pixelSizeUm: platePixelSize(s.harmony, (k) => s.channelMap[k] ?? k),
          objective: s.harmony.objective,
          channels: s.harmony.channels.map((c) => ({ number: c.number, name: c.name, channel: s.channelMap[`ch${c.number}`] ?? `ch${c.number}`, pixelSizeUm: c.pixelSizeUm })),
          planes: s.harmony.planes.length,
          fields: s.harmony.fields.length,
        }
      : null,
    channels: s.channels,
    filesScanned: s.filesScanned,
    ignoredFiles: s.ignoredFiles,
    wells: s.wells,
    sites: s.sites,
    images: s.images.length,
    platemap: s.annotation
      ? { name: s.annotation.platemapName, file: s.annotation.platemapFile, compoundFile: s.annotation.compoundFile, header: s.annotation.header, columns: s.annotation.columns }
      : null,
    annotatedWells: s.annotatedWells,
    unannotatedWells: s.unannotatedWells,
    compounds: compounds.size,
    problems: s.problems,
    problemCounts: s.problemCounts,
    ok: s.problemCounts.errors === 0,
  };
}

/** Scan only: what an import would do, with no writes. */
export async function previewImport(opts: ImportOptions, onProgress?: (p: ImportProgress) => void): Promise<ImportPreview> {
  return toPreview(await scanPlate(opts, onProgress));
}

const WRITE_PROGRESS_EVERY = 1000;

/**
 * Import one plate folder: scan and validate everything first, then write the plate in a single
 * transaction — it lands whole or not at all, also when the process is killed. Re-importing is
 * idempotent (rows are upserted on their natural keys, ids kept); a new plate map replaces the
 * annotation of every well and leaves images alone; nothing already catalogued is deleted.
 */
export async function importPlate(db: Db, opts: ImportOptions, onProgress?: (p: ImportProgress) => void): Promise<ImportReport> {
  const t0 = performance.now();
  const scan = await scanPlate(opts, onProgress);
  const preview = toPreview(scan);
  if (!preview.ok) throw new ImportFailed(preview);
  // Same barcode from another folder: it is merged into the catalogued plate, so say so.
  const prior = db.prepare(`SELECT source_dir FROM plates WHERE barcode = ?`).pluck().get(scan.barcode) as string | null | undefined;
  if (prior && prior !== scan.dir) {
    preview.problemCounts.warnings++;
    preview.problems.push({
      severity: 'warning',
      code: 'plate_exists',
      message: `plate ${scan.barcode} was imported before from ${prior}; images at the same well, site and channel now point to ${scan.dir} (use --barcode for a separate plate)`,
    });
  }
  const keep = compoundConflicts(db, scan, preview);
  const written = writePlate(db, scan, opts, onProgress, keep);
  // ground truth sits beside the images or one level up (like metadata/) when the Images folder was given
  const gt = [join(scan.dir, 'groundtruth'), join(dirname(scan.dir), 'groundtruth')].find((d) => existsSync(d));
  const truth = gt ? await registerTruthLabels(db, written.plateId, gt) : { sites: 0, problems: [] };
  preview.problems.push(...truth.problems);
  for (const p of truth.problems) preview.problemCounts[p.severity === 'error' ? 'errors' : 'warnings']++;
  return { ...preview, ...written, truthSites: truth.sites, seconds: (performance.now() - t0) / 1000 };
}

const COMPOUND_FIELDS = [
  ['name', 'name'],
  ['moa', 'moa'],
  ['target', 'target'],
  ['smiles', 'smiles'],
  ['inchikey', 'inchikey'],
  ['pertType', 'pert_type'],
  ['controlType', 'control_type'],
] as const;

/**
 * Compounds this import describes differently from the catalog while other plates use them: a
 * warning each, and the catalogued values are kept (a re-import of one plate must not rename
 * another plate's compound, e.g. through a table read in the wrong encoding). Returns their ids.
 */
function compoundConflicts(db: Db, s: ScanResult, preview: ImportPreview): Set<string> {
  const keep = new Set<string>();
  if (!s.annotation) return keep;
  const row = db.prepare(`SELECT id, name, moa, target, smiles, inchikey, pert_type, control_type FROM compounds WHERE broad_sample = ?`);
  const users = db.prepare(`SELECT DISTINCT p.barcode FROM wells w JOIN plates p ON p.id = w.plate_id WHERE w.compound_id = ? AND p.barcode <> ? ORDER BY p.barcode`).pluck();
  const seen = new Set<string>();
  for (const w of s.annotation.wells) {
    const c = w.compound;
    if (seen.has(c.broadSample)) continue;
    seen.add(c.broadSample);
    const old = row.get(c.broadSample) as Record<string, string | number | null> | undefined;
    if (!old) continue;
    const diff = COMPOUND_FIELDS.filter(([k, col]) => c[k] !== null && old[col] !== null && c[k] !== old[col]);
    if (!diff.length) continue;
    const plates = users.all(old.id, s.barcode) as string[];
    if (!plates.length) continue; // only this plate uses it: its own annotation is updated
    keep.add(c.broadSample);
    const [k, col] = diff[0];
    preview.problems.push({
      severity: 'warning',
      code: 'compound_conflict',
      message:
        `${w.at}: compound ${c.broadSample} has ${diff.map(([, f]) => f).join(', ')} ${JSON.stringify(c[k])} here but ${JSON.stringify(old[col])} in the catalog, ` +
        `where plate${plates.length > 1 ? 's' : ''} ${plates.slice(0, 5).join(', ')}${plates.length > 5 ? ' …' : ''} use${plates.length > 1 ? '' : 's'} it; the catalogued values are kept`,
      file: s.annotation.compoundFile ?? s.annotation.platemapFile,
    });
    preview.problemCounts.warnings++;
  }
  return keep;
}

function writePlate(
  db: Db,
  s: ScanResult,
  opts: ImportOptions,
  onProgress?: (p: ImportProgress) => void,
  keepCompounds: Set<string> = new Set(),
): Pick<ImportReport, 'plateId' | 'inserted'> {
  const count = (sql: string, ...args: unknown[]) => (db.prepare(sql).pluck().get(...args) as number) ?? 0;
  const st = {
    plate: db.prepare(`
      INSERT INTO plates (barcode, cell_line, format, platemap_name, source_dir, naming, channel_map, is_demo)
      VALUES (@barcode, @cellLine, @format, @platemapName, @sourceDir, @naming, @channelMap, @isDemo)
      ON CONFLICT (barcode) DO UPDATE SET
        cell_line = coalesce(excluded.cell_line, cell_line),
        format = CASE WHEN @formatGiven THEN excluded.format ELSE max(format, excluded.format) END,
        platemap_name = coalesce(excluded.platemap_name, platemap_name),
        source_dir = excluded.source_dir, naming = excluded.naming, channel_map = excluded.channel_map, is_demo = max(is_demo, excluded.is_demo)
      RETURNING id`),
    compound: db.prepare(`
      INSERT INTO compounds (broad_sample, name, moa, target, smiles, inchikey, pert_type, control_type)
      VALUES (@broadSample, @name, @moa, @target, @smiles, @inchikey, @pertType, @controlType)
      ON CONFLICT (broad_sample) DO UPDATE SET
        name = coalesce(excluded.name, name), moa = coalesce(excluded.moa, moa), target = coalesce(excluded.target, target),
        smiles = coalesce(excluded.smiles, smiles), inchikey = coalesce(excluded.inchikey, inchikey),
        pert_type = coalesce(excluded.pert_type, pert_type), control_type = coalesce(excluded.control_type, control_type)
      RETURNING id`),
    // a conflicting compound that other plates use: only missing values are filled in
    compoundKeep: db.prepare(`
      INSERT INTO compounds (broad_sample, name, moa, target, smiles, inchikey, pert_type, control_type)
      VALUES (@broadSample, @name, @moa, @target, @smiles, @inchikey, @pertType, @controlType)
      ON CONFLICT (broad_sample) DO UPDATE SET
        name = coalesce(name, excluded.name), moa = coalesce(moa, excluded.moa), target = coalesce(target, excluded.target),
        smiles = coalesce(smiles, excluded.smiles), inchikey = coalesce(inchikey, excluded.inchikey),
        pert_type = coalesce(pert_type, excluded.pert_type), control_type = coalesce(control_type, excluded.control_type)
      RETURNING id`),
    well: db.prepare(`
      INSERT INTO wells (plate_id, row, col, name) VALUES (?, ?, ?, ?)
      ON CONFLICT (plate_id, row, col) DO UPDATE SET name = excluded.name
      RETURNING id`),
    clearAnnotations: db.prepare(`
      UPDATE wells SET compound_id = NULL, concentration = NULL, concentration_unit = NULL, control_type = NULL, solvent = NULL, annotated = 0
      WHERE plate_id = ?`),
    annotate: db.prepare(`
      UPDATE wells SET compound_id = @compoundId, concentration = @concentration, concentration_unit = @concentrationUnit,
        control_type = @controlType, solvent = @solvent, annotated = 1
      WHERE id = @id`),
    site: db.prepare(`
      INSERT INTO sites (well_id, field) VALUES (?, ?)
      ON CONFLICT (well_id, field) DO UPDATE SET field = excluded.field
      RETURNING id`),
    // Acquired images of this plate by path: a re-import with another channel map renames, never duplicates.
    platePaths: db.prepare(`
      SELECT i.id, i.path, i.site_id AS siteId, i.channel FROM images i JOIN sites s ON s.id = i.site_id JOIN wells w ON w.id = s.well_id
      WHERE w.plate_id = ? AND i.kind = 'acquired'`),
    dropImage: db.prepare(`DELETE FROM images WHERE id = ?`),
    wellMeta: db.prepare(`UPDATE wells SET metadata = ? WHERE id = ?`),
    acquisition: db.prepare(`UPDATE plates SET pixel_size_um = ?, acquisition = ? WHERE id = ?`),
    objective: db.prepare(`UPDATE plates SET acquisition = ? WHERE id = ?`),
    plateChannel: db.prepare(`
      INSERT INTO plate_channels (plate_id, channel, number, name, pixel_size_um, excitation_nm, emission_nm) VALUES (?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (plate_id, channel) DO UPDATE SET number = excluded.number, name = excluded.name, pixel_size_um = excluded.pixel_size_um,
        excitation_nm = excluded.excitation_nm, emission_nm = excluded.emission_nm`),
    siteMeta: db.prepare(`UPDATE sites SET metadata = ? WHERE id = ?`),
    image: db.prepare(`
      INSERT INTO images (site_id, channel, kind, path, width, height, bit_depth) VALUES (?, ?, 'acquired', ?, ?, ?, ?)
      ON CONFLICT (site_id, channel) WHERE kind = 'acquired' DO UPDATE SET
        path = excluded.path, width = excluded.width, height = excluded.height, bit_depth = excluded.bit_depth`),
  };
  const plateCounts = (plateId: number) => ({
    wells: count(`SELECT count(*) FROM wells WHERE plate_id = ?`, plateId),
    sites: count(`SELECT count(*) FROM sites JOIN wells w ON w.id = well_id WHERE w.plate_id = ?`, plateId),
    images: count(`SELECT count(*) FROM images i JOIN sites s ON s.id = i.site_id JOIN wells w ON w.id = s.well_id WHERE w.plate_id = ? AND i.kind = 'acquired'`, plateId),
  });

  const run = db.transaction(() => {
    const compoundsBefore = count(`SELECT count(*) FROM compounds`);
    const plateId = (
      st.plate.get({
        barcode: s.barcode,
        cellLine: opts.cellLine ?? null,
        format: s.format,
        formatGiven: opts.format ? 1 : 0,
        platemapName: s.annotation?.platemapName ?? null,
        sourceDir: s.dir,
        naming: s.naming,
        channelMap: JSON.stringify(s.channelMap),
        isDemo: opts.isDemo ? 1 : 0,
      }) as { id: number }
    ).id;
    const before = plateCounts(plateId);
    const wellIds = new Map<string, number>();
    const wellId = (row: number, col: number) => {
      const k = `${row},${col}`;
      let id = wellIds.get(k);
      if (id === undefined) wellIds.set(k, (id = (st.well.get(plateId, row, col, wellName(row, col)) as { id: number }).id));
      return id;
    };
    if (s.annotation) {
      st.clearAnnotations.run(plateId);
      const compoundIds = new Map<string, number>();
      const compoundId = (c: CompoundInfo) => {
        let id = compoundIds.get(c.broadSample);
        if (id === undefined) compoundIds.set(c.broadSample, (id = ((keepCompounds.has(c.broadSample) ? st.compoundKeep : st.compound).get(c) as { id: number }).id));
        return id;
      };
      for (const w of s.annotation.wells) {
        st.annotate.run({
          id: wellId(w.row, w.col),
          compoundId: compoundId(w.compound),
          concentration: w.concentration,
          concentrationUnit: w.concentrationUnit,
          controlType: w.controlType,
          solvent: w.solvent,
        });
      }
    }
    const siteIds = new Map<string, number>();
    const total = s.images.length;
    const known = new Map<string, { id: number; siteId: number; channel: string }>();
    for (const r of st.platePaths.all(plateId) as Array<{ id: number; path: string; siteId: number; channel: string }>) known.set(r.path, r);
    s.images.forEach((img, i) => {
      const k = `${img.row},${img.col},${img.field}`;
      let sid = siteIds.get(k);
      if (sid === undefined) siteIds.set(k, (sid = (st.site.get(wellId(img.row, img.col), img.field) as { id: number }).id));
      const prev = known.get(img.path);
      if (prev && (prev.siteId !== sid || prev.channel !== img.channel)) st.dropImage.run(prev.id);
      st.image.run(sid, img.channel, img.path, img.width, img.height, img.bitDepth);
      // Reported from inside the transaction (stderr writes to a pipe are synchronous), so a
      // crash test can kill the process while the plate is half written.
      if (onProgress && ((i + 1) % WRITE_PROGRESS_EVERY === 0 || i + 1 === total))
        onProgress({ phase: 'write', done: i + 1, total, filesScanned: s.filesScanned, sitesFound: s.sites });
    });
    // Harmony's index: the plate's and each channel's pixel size, and how it was imaged
    if (s.harmony) {
      const h = s.harmony;
      const nameOf = (k: string) => s.channelMap[k] ?? k;
      st.acquisition.run(platePixelSize(h, nameOf), JSON.stringify({ source: h.file, plate: h.plate, objective: h.objective, planes: h.planes, fields: h.fields }), plateId);
      for (const c of h.channels) st.plateChannel.run(plateId, nameOf(`ch${c.number}`), c.number, c.name, c.pixelSizeUm, c.excitationNm, c.emissionNm);
    } else if (s.wellMetadata || s.siteMetadata) {
      // LoadData's Metadata_(Objective)Magnification: recorded like Harmony's objective, so the
      // domain check and the plate page read one place (when every row that names one agrees)
      const magnification = magnificationOfMetadata([...(s.wellMetadata?.values() ?? []), ...(s.siteMetadata?.values() ?? [])]);
      if (magnification) st.objective.run(JSON.stringify({ source: opts.loadData ?? null, objective: { magnification, na: null } }), plateId);
    }
    // LoadData's Metadata_* columns: a re-import from the CSV replaces them
    for (const [k, m] of s.wellMetadata ?? []) {
      const [r, c] = k.split(',').map(Number);
      st.wellMeta.run(JSON.stringify(m), wellId(r, c));
    }
    for (const [k, m] of s.siteMetadata ?? []) {
      const sid = siteIds.get(k);
      if (sid !== undefined) st.siteMeta.run(JSON.stringify(m), sid);
    }
    const after = plateCounts(plateId);
    return {
      plateId,
      inserted: {
        wells: after.wells - before.wells,
        sites: after.sites - before.sites,
        images: after.images - before.images,
        compounds: count(`SELECT count(*) FROM compounds`) - compoundsBefore,
      },
    };
  });
  return run.immediate();
}
