import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { parseWellName } from '../../../shared/channels';
import { findColumn, readTable, TableError, type Table, type TextEncoding } from './table';

export type ControlType = 'negcon' | 'poscon' | 'trt' | 'empty';

export interface CompoundInfo {
  /** catalog key: JUMP's broad_sample, or "DMSO" for solvent-only wells */
  broadSample: string;
  name: string | null;
  moa: string | null;
  target: string | null;
  smiles: string | null;
  inchikey: string | null;
  pertType: string | null;
  /** as written in the metadata (JUMP: negcon, poscon_cp, poscon_diverse ...) */
  controlType: string | null;
}

export interface WellAnnotation {
  row: number;
  col: number;
  /** where it came from, for messages: "file:line" */
  at: string;
  compound: CompoundInfo;
  concentration: number | null;
  concentrationUnit: string | null;
  solvent: string | null;
  controlType: ControlType;
}

export interface PlateAnnotation {
  platemapName: string | null;
  platemapFile: string;
  compoundFile: string | null;
  wells: WellAnnotation[];
  /** the plate map's header, and which of its columns was used for what */
  header: string[];
  columns: ColumnMapping;
  /** plate-map rows whose compound the compound table does not list ("file:line", key) */
  unknownCompounds: Array<{ at: string; broadSample: string }>;
}

/** Which column of a generic plate map holds what. Keys absent here are looked up by their usual names. */
export interface ColumnMapping {
  well?: string;
  compound?: string;
  name?: string;
  moa?: string;
  target?: string;
  smiles?: string;
  inchikey?: string;
  pertType?: string;
  controlType?: string;
  concentration?: string;
  concentrationUnit?: string;
  solvent?: string;
}

export const COLUMN_KEYS = ['well', 'compound', 'name', 'moa', 'target', 'smiles', 'inchikey', 'pertType', 'controlType', 'concentration', 'concentrationUnit', 'solvent'] as const;

const ALIASES: Record<keyof ColumnMapping, string[]> = {
  well: ['well_position', 'well', 'Metadata_Well', 'well_name', 'wellname', 'position'],
  compound: ['broad_sample', 'Metadata_broad_sample', 'compound_id', 'compound', 'treatment', 'perturbation', 'jcp2022'],
  name: ['pert_iname', 'Metadata_pert_iname', 'compound_name', 'name'],
  moa: ['moa', 'Metadata_moa', 'mechanism', 'mechanism_of_action'],
  target: ['target', 'Metadata_target', 'targets'],
  smiles: ['smiles', 'Metadata_smiles'],
  inchikey: ['InChIKey', 'inchikey', 'inchi_key'],
  pertType: ['pert_type', 'Metadata_pert_type'],
  controlType: ['control_type', 'Metadata_control_type', 'control'],
  concentration: ['mmoles_per_liter', 'concentration', 'conc', 'dose', 'Metadata_mmoles_per_liter'],
  concentrationUnit: ['concentration_unit', 'unit', 'units'],
  solvent: ['solvent', 'Metadata_solvent'],
};

export class PlatemapError extends Error {}

/** Parse "well=Well,compound=Compound ID" (CLI) into a mapping; keys must be known. */
export function parseColumnMapping(spec: string): ColumnMapping {
  const out: ColumnMapping = {};
  for (const part of spec.split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = /^([^=]+)=(.+)$/.exec(part);
    const key = m?.[1].trim() as keyof ColumnMapping | undefined;
    if (!m || !key || !(COLUMN_KEYS as readonly string[]).includes(key))
      throw new PlatemapError(`column mapping entry "${part}" is not KEY=COLUMN with KEY one of ${COLUMN_KEYS.join(', ')}`);
    out[key] = m[2].trim();
  }
  return out;
}

/**
 * The header for an error message, only when it looks like column names: a file that is not a
 * table (a key file, /etc/shadow) must not have its first line echoed to the UI.
 */
export function columnList(header: string[]): string {
  const nameLike = header.length <= 200 && header.every((h) => h.length <= 80 && /^[\p{L}\p{N} _.\-()%#/[\]]*$/u.test(h));
  return nameLike ? `columns: ${header.join(', ')}` : `a first line that is not a header of column names (${header.length} field${header.length === 1 ? '' : 's'})`;
}

function resolveColumns(t: Table, mapping: ColumnMapping, required: Array<keyof ColumnMapping>, what: string): Partial<Record<keyof ColumnMapping, string>> {
  const cols: Partial<Record<keyof ColumnMapping, string>> = {};
  for (const k of COLUMN_KEYS) {
    const explicit = mapping[k];
    if (explicit !== undefined) {
      const c = findColumn(t.header, [explicit]);
      if (!c) throw new PlatemapError(`${t.file}: column "${explicit}" (mapped to ${k}) is missing; the ${what} has ${columnList(t.header)}`);
      cols[k] = c;
    } else {
      const c = findColumn(t.header, ALIASES[k]);
      if (c) cols[k] = c;
    }
  }
  const missing = required.filter((k) => !cols[k]);
  if (missing.length)
    throw new PlatemapError(
      `${t.file}: missing column${missing.length > 1 ? 's' : ''} ${missing.map((k) => `${k} (${ALIASES[k].slice(0, 2).join(' or ')})`).join(', ')}; the ${what} has ${columnList(t.header)}`,
    );
  return cols;
}

const nz = (s: string | undefined): string | null => (s === undefined || s === '' || /^(nan|na|null|none)$/i.test(s) ? null : s);

/** A compound metadata table (JUMP's external_metadata TSV): broad_sample → compound. */
export function readCompoundTable(file: string, encoding: TextEncoding = 'utf8'): Map<string, CompoundInfo> {
  const t = readTableOrThrow(file, encoding);
  const cols = resolveColumns(t, {}, ['compound', 'name'], 'compound table');
  const out = new Map<string, CompoundInfo>();
  for (const r of t.rows) {
    const c = compoundFrom(r.cells, cols, nz(r.cells[cols.compound!]) ?? '');
    out.set(c.broadSample === 'DMSO' ? '' : c.broadSample, c);
  }
  return out;
}

function compoundFrom(cells: Record<string, string>, cols: Partial<Record<keyof ColumnMapping, string>>, key: string): CompoundInfo {
  const get = (k: keyof ColumnMapping) => (cols[k] ? nz(cells[cols[k]!]) : null);
  return {
    broadSample: key === '' ? 'DMSO' : key,
    // A plate map keyed by compound names (no separate name column) names the compound by its key.
    name: get('name') ?? (key === '' ? 'DMSO' : cols.name ? null : key),
    moa: get('moa'),
    target: get('target'),
    smiles: get('smiles'),
    inchikey: get('inchikey'),
    pertType: get('pertType') ?? (key === '' ? 'control' : null),
    controlType: get('controlType') ?? (key === '' ? 'negcon' : null),
  };
}

/** JUMP's control types (negcon, poscon_cp, poscon_orf ...) onto the catalog's four. */
export function normaliseControl(raw: string | null, solventOnly: boolean): ControlType {
  const s = (raw ?? '').toLowerCase();
  if (s.startsWith('neg')) return 'negcon';
  if (s.startsWith('pos')) return 'poscon';
  if (s === 'empty') return 'empty';
  if (s === '' && solventOnly) return 'negcon';
  return 'trt';
}

function readTableOrThrow(file: string, encoding: TextEncoding = 'utf8'): Table {
  try {
    return readTable(file, encoding);
  } catch (e) {
    if (e instanceof TableError) throw new PlatemapError(e.message);
    throw e;
  }
}

/**
 * A plate map (JUMP's platemap/<name>.txt, or any CSV/TSV through a column mapping) joined with
 * an optional compound table. An empty compound cell is a solvent-only (DMSO) well, not a gap.
 * Inline compound columns in the plate map win over nothing but lose to the compound table.
 */
export function readPlatemap(
  file: string,
  opts: { compoundFile?: string | null; columns?: ColumnMapping; platemapName?: string | null; encoding?: TextEncoding } = {},
): PlateAnnotation {
  const t = readTableOrThrow(file, opts.encoding);
  const cols = resolveColumns(t, opts.columns ?? {}, ['well', 'compound'], 'plate map');
  const compounds = opts.compoundFile ? readCompoundTable(opts.compoundFile, opts.encoding) : new Map<string, CompoundInfo>();
  const seen = new Map<string, number>();
  const wells: WellAnnotation[] = [];
  const unknownCompounds: PlateAnnotation['unknownCompounds'] = [];
  const unitFromHeader = cols.concentration?.toLowerCase().includes('mmoles_per_liter') ? 'mM' : null;
  for (const r of t.rows) {
    const wellText = r.cells[cols.well!];
    const at = `${file}:${r.line}`;
    const w = parseWellName(wellText ?? '');
    if (!w) throw new PlatemapError(`${at}: "${wellText}" is not a well name (expected like A1 or A01)`);
    const key = `${w.row},${w.col}`;
    if (seen.has(key)) throw new PlatemapError(`${at}: well ${wellText} is listed twice (first on line ${seen.get(key)})`);
    seen.set(key, r.line);
    const sample = nz(r.cells[cols.compound!]) ?? '';
    const inline = compoundFrom(r.cells, cols, sample);
    const known = compounds.get(sample);
    if (opts.compoundFile && !known && sample !== '') unknownCompounds.push({ at, broadSample: sample });
    const solvent = cols.solvent ? nz(r.cells[cols.solvent]) : null;
    const compound: CompoundInfo = known ? { ...inline, ...dropNulls(known), broadSample: inline.broadSample } : inline;
    if (sample === '' && solvent && !known) compound.name = solvent;
    const concText = cols.concentration ? nz(r.cells[cols.concentration]) : null;
    const concentration = concText === null ? null : Number(concText);
    if (concentration !== null && !Number.isFinite(concentration)) throw new PlatemapError(`${at}: concentration "${concText}" is not a number`);
    wells.push({
      row: w.row,
      col: w.col,
      at,
      compound,
      concentration,
      concentrationUnit: (cols.concentrationUnit ? nz(r.cells[cols.concentrationUnit]) : null) ?? (concentration !== null ? unitFromHeader : null),
      solvent,
      controlType: normaliseControl(compound.controlType, sample === ''),
    });
  }
  return { platemapName: opts.platemapName ?? basename(file).replace(/\.(txt|tsv|csv)$/i, ''), platemapFile: file, compoundFile: opts.compoundFile ?? null, wells, unknownCompounds, header: t.header, columns: cols };
}

function dropNulls<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null)) as Partial<T>;
}

export interface JumpMetadata {
  root: string;
  barcode: string;
  platemapName: string;
  platemapFile: string;
  compoundFile: string | null;
}

/** The JUMP metadata folder for an image folder: DIR/metadata or DIR/../metadata, when present. */
export function findMetadataRoot(dir: string): string | null {
  for (const cand of [join(dir, 'metadata'), join(dirname(dir), 'metadata')]) {
    if (existsSync(join(cand, 'barcode_platemap.csv'))) return cand;
  }
  return null;
}

/**
 * Resolve JUMP's layout under `root`: barcode_platemap.csv names the plate map of each barcode;
 * platemap/<name>.txt holds it; external_metadata/*.tsv the compounds. Without a barcode, a
 * single-plate barcode_platemap.csv decides it.
 */
export function resolveJumpMetadata(root: string, barcode: string | null, encoding: TextEncoding = 'utf8'): JumpMetadata {
  const bp = join(root, 'barcode_platemap.csv');
  const t = readTableOrThrow(bp, encoding);
  const bc = findColumn(t.header, ['Assay_Plate_Barcode']);
  const pm = findColumn(t.header, ['Plate_Map_Name']);
  if (!bc || !pm) throw new PlatemapError(`${bp}: missing column ${!bc ? 'Assay_Plate_Barcode' : 'Plate_Map_Name'}; it has ${columnList(t.header)}`);
  let row = barcode === null ? undefined : t.rows.find((r) => r.cells[bc] === barcode);
  if (!row && barcode === null) {
    if (t.rows.length !== 1) throw new PlatemapError(`${bp}: lists ${t.rows.length} plates (${t.rows.map((r) => r.cells[bc]).join(', ')}); say which with --barcode`);
    row = t.rows[0];
  }
  if (!row) throw new PlatemapError(`${bp}: no row for barcode "${barcode}" (it lists ${t.rows.map((r) => r.cells[bc]).join(', ') || 'nothing'})`);
  const name = row.cells[pm];
  if (!name) throw new PlatemapError(`${bp}:${row.line}: empty Plate_Map_Name`);
  const dir = join(root, 'platemap');
  const platemapFile = ['.txt', '.tsv', '.csv'].map((e) => join(dir, name + e)).find((f) => existsSync(f));
  if (!platemapFile) throw new PlatemapError(`${bp}:${row.line}: plate map "${name}" not found as ${join(dir, name + '.txt')}`);
  return { root, barcode: row.cells[bc], platemapName: name, platemapFile, compoundFile: findCompoundFile(root) };
}

/** The barcodes JUMP's barcode_platemap.csv lists. */
export function listJumpBarcodes(root: string, encoding: TextEncoding = 'utf8'): string[] {
  const t = readTableOrThrow(join(root, 'barcode_platemap.csv'), encoding);
  const bc = findColumn(t.header, ['Assay_Plate_Barcode']);
  return bc ? t.rows.map((r) => r.cells[bc]) : [];
}

function findCompoundFile(root: string): string | null {
  const ext = join(root, 'external_metadata');
  if (!existsSync(ext) || !statSync(ext).isDirectory()) return null;
  const files = readdirSync(ext)
    .filter((f) => /\.(tsv|csv|txt)$/i.test(f))
    .sort((a, b) => Number(b.includes('compound')) - Number(a.includes('compound')) || a.localeCompare(b));
  return files.length ? join(ext, files[0]) : null;
}
