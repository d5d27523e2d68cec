import { z } from 'zod';
import { request, Empty, PlateRef } from './define';
import type { JobInfo } from './jobs';
import { FileRef } from './files';

// ---- import -------------------------------------------------------------------------------

export const ColumnMappingSchema = z
  .object({
    well: z.string(),
    compound: z.string(),
    name: z.string(),
    moa: z.string(),
    target: z.string(),
    smiles: z.string(),
    inchikey: z.string(),
    pertType: z.string(),
    controlType: z.string(),
    concentration: z.string(),
    concentrationUnit: z.string(),
    solvent: z.string(),
  })
  .partial()
  .strict();

export const ImportInput = z
  .object({
    /** the plate folder (its Images/ subfolder is used when present): a handle (files.*); with loadData, the folder metadata/ is looked for beside (normally the CSV's) */
    dir: FileRef,
    /** a CellProfiler LoadData CSV listing the images (FileName_Orig<Ch>/PathName_Orig<Ch>, Metadata_*) instead of reading the folder's file names */
    loadData: FileRef.nullish(),
    /** plate map file (JUMP platemap/<name>.txt or any CSV/TSV, see columns) */
    platemap: FileRef.nullish(),
    /** compound table file, or a JUMP metadata folder (barcode_platemap.csv, platemap/, external_metadata/) */
    metadata: FileRef.nullish(),
    barcode: z.string().min(1).max(200).nullish(),
    /** regex with named groups row+col or well, site, channel (and optionally plate) */
    pattern: z.string().min(1).max(1000).nullish(),
    /** "ch1=Mito,ch2=AGP" or { ch1: 'Mito' } */
    channelMap: z.union([z.string().max(2000), z.record(z.string(), z.string())]).nullish(),
    /** plate-map column names for a generic CSV/TSV */
    columns: ColumnMappingSchema.optional(),
    cellLine: z.string().max(200).nullish(),
    format: z.union([z.literal(96), z.literal(384), z.literal(1536)]).nullish(),
    /** text encoding of the plate map and compound tables: UTF-8 (default, BOM allowed) or latin1 */
    encoding: z.enum(['utf8', 'latin1']).nullish(),
  })
  .strict();

export type ImportOptions = z.output<typeof ImportInput> & {
  /** header reads in flight at once (default 16) */
  concurrency?: number;
  /** mark the plate as the simulator's demo plate (not offered to the UI: set by the demo start-up step) */
  isDemo?: boolean;
};

export type ProblemCode =
  | 'not_found'
  | 'not_directory'
  | 'empty_folder'
  | 'unknown_naming'
  | 'bad_name'
  | 'bad_option'
  | 'several_plates'
  | 'unreadable_image'
  | 'duplicate_image'
  | 'well_outside_format'
  | 'platemap'
  | 'platemap_unknown_well'
  | 'platemap_not_found'
  | 'missing_channels'
  | 'unknown_file'
  | 'plane_skipped'
  | 'channel_unused'
  | 'channel_unmapped'
  | 'unknown_compound'
  | 'unimaged_wells'
  | 'size_mismatch'
  | 'bit_depth_mismatch'
  | 'symlink'
  | 'compound_conflict'
  | 'plate_exists'
  | 'loaddata'
  | 'harmony';

export interface ImportProblem {
  /** an error makes the import refuse (nothing is written); a warning is reported and skipped */
  severity: 'error' | 'warning';
  code: ProblemCode;
  /** names the file (and line) and the problem */
  message: string;
  file?: string;
}

export interface ImportProgress {
  phase: 'scan' | 'write';
  done: number;
  total: number;
  filesScanned: number;
  sitesFound: number;
}

/** What a scan found (import.preview) — and, after an import, what was written. */
export interface ImportPreview {
  dir: string;
  imageDir: string;
  barcode: string;
  format: 96 | 384 | 1536;
  naming: 'phenix' | 'imagexpress' | 'pattern' | 'loaddata' | null;
  /** channel key in the file names → channel name */
  channelMap: Record<string, string>;
  /** a Phenix export's Index.idx.xml, when it has one: the file, pixel size (µm) and Harmony's channels */
  harmony: {
    file: string;
    pixelSizeUm: number | null;
    objective: { magnification: number | null; na: number | null };
    channels: Array<{ number: number; name: string | null; channel: string; pixelSizeUm: number | null }>;
    planes: number;
    fields: number;
  } | null;
  channels: string[];
  filesScanned: number;
  ignoredFiles: number;
  wells: number;
  sites: number;
  images: number;
  platemap: {
    name: string | null;
    file: string;
    compoundFile: string | null;
    /** the plate map's columns and which was used for what (for the import dialog's column mapping) */
    header: string[];
    columns: z.output<typeof ColumnMappingSchema>;
  } | null;
  annotatedWells: number;
  unannotatedWells: number;
  compounds: number;
  problems: ImportProblem[];
  /** all problems found by severity (problems lists at most 50 of a kind, then one summary entry) */
  problemCounts: { errors: number; warnings: number };
  /** true when there is no error: import would go ahead */
  ok: boolean;
}

export interface ImportReport extends ImportPreview {
  plateId: number;
  /** rows added by this import (0 on an idempotent re-import) */
  inserted: { wells: number; sites: number; images: number; compounds: number };
  /** sites whose ground-truth labels (groundtruth/ beside the images) are registered as 'truth' segmentations */
  truthSites: number;
  seconds: number;
}

// ---- catalog views ------------------------------------------------------------------------

export type ControlType = 'negcon' | 'poscon' | 'trt' | 'empty';

export interface PlateSummary {
  id: number;
  barcode: string;
  cellLine: string | null;
  format: 96 | 384 | 1536;
  platemapName: string | null;
  sourceDir: string | null;
  naming: string | null;
  isDemo: boolean;
  importedAt: string;
  /** recorded at import (Harmony's index, LoadData's Metadata_ columns); null when unknown */
  pixelSizeUm: number | null;
  magnification: number | null;
  wells: number;
  sites: number;
  images: number;
  annotatedWells: number;
  channels: string[];
}

/** One well of the plate map with its annotation. */
export interface WellLayout {
  id: number;
  row: number;
  col: number;
  name: string;
  annotated: boolean;
  compoundId: number | null;
  broadSample: string | null;
  compound: string | null;
  moa: string | null;
  target: string | null;
  concentration: number | null;
  concentrationUnit: string | null;
  controlType: ControlType | null;
  sites: number;
}

export interface PlateDetail {
  plate: PlateSummary;
  wells: WellLayout[];
}

export interface ImageInfo {
  id: number;
  channel: string;
  kind: 'acquired' | 'synthetic';
  runId: number | null;
  path: string;
  width: number;
  height: number;
  bitDepth: number;
}

export interface SiteInfo {
  id: number;
  field: number;
  images: ImageInfo[];
}

export interface WellDetail {
  plate: { id: number; barcode: string; format: 96 | 384 | 1536 };
  well: WellLayout & { smiles: string | null; pertType: string | null; solvent: string | null };
  sites: SiteInfo[];
}

export interface CompoundRow {
  id: number;
  broadSample: string;
  name: string | null;
  moa: string | null;
  target: string | null;
  smiles: string | null;
  inchikey: string | null;
  pertType: string | null;
  controlType: string | null;
  /** wells holding it (on the plate asked for, or on all plates) */
  wells: number;
}

export const CompoundsQuery = z
  .object({
    /** substring of name, broad_sample, MoA or target (case-insensitive) */
    search: z.string().max(200).optional(),
    moa: z.string().max(200).optional(),
    plate: z.number().int().positive().optional(),
    limit: z.number().int().min(1).max(1000).default(100),
    offset: z.number().int().min(0).default(0),
  })
  .strict();


export const catalogContract = {
  'plates.list': request(Empty, 'Plates in the catalog with counts').returns<PlateSummary[]>(),
  'plates.get': request(z.object({ plate: PlateRef }).strict(), 'One plate (id or barcode) with its per-well annotation layout').returns<PlateDetail>(),
  'wells.list': request(z.object({ plate: PlateRef }).strict(), 'Wells of a plate with annotation and site counts').returns<WellLayout[]>(),
  'wells.get': request(
    z.union([z.object({ id: z.number().int().positive() }).strict(), z.object({ plate: PlateRef, well: z.string().min(2).max(4) }).strict()]),
    'One well (by id, or plate + well name) with its sites and their images',
  ).returns<WellDetail>(),
  'compounds.list': request(CompoundsQuery, 'Compounds, filtered and paged').returns<{ total: number; items: CompoundRow[] }>(),
  'import.preview': request(ImportInput, 'Scan a plate folder and plate map without writing: naming, channels, counts, problems').returns<ImportPreview>(),
  'import.start': request(ImportInput, 'Import a plate folder as a job').returns<JobInfo>(),
};
