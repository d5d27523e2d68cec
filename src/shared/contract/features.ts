import { z } from 'zod';
import { FileRef } from './files';
import { ImageSource as Source, PlateRef as Plate, SegmentMethod as Method, request } from './define';
import type { JobInfo } from './jobs';
import type { AppliedIllumination, IllumFunctionInfo } from '../illumination';


export interface FeatureSetInfo {
  id: number;
  plateId: number;
  source: 'acquired' | 'synthetic' | 'truth';
  runId: number | null;
  method: 'model' | 'classical' | 'truth';
  /** model that made the synthetic images (null for acquired) */
  modelName: string | null;
  status: string;
  nSites: number;
  nCells: number;
  /** per-feature robust z is available (the plate has negcon wells) */
  hasRobustZ: boolean;
  /** what its segmentation divided each channel by before segmenting and measuring; null: no illumination correction */
  illumination: AppliedIllumination | null;
  createdAt: string;
  finishedAt: string | null;
}

export interface WellValues {
  setId: number;
  name: string;
  normalize: 'none' | 'robustz';
  wells: Array<{ wellId: number; row: number; col: number; value: number | null }>;
  min: number | null;
  max: number | null;
}

export interface CellAtResult {
  siteId: number;
  x: number;
  y: number;
  /** label under the pointer (cell number; the nucleus carries the same number) */
  objectNumber: number;
  inNucleus: boolean;
  source: string;
  method: string;
  /** key measurements of the cell and its nucleus, CellProfiler names with compartment prefix */
  measurements: Record<string, number | null>;
}

export const SegmentStartInput = z
  .object({
    plate: Plate,
    source: Source.default('synthetic'),
    method: Method.optional(),
    runId: z.number().int().positive().optional(),
    /** measurement worker threads (0: in-process; default: cores − 1) */
    workers: z.number().int().nonnegative().max(64).optional(),
    /** per-cell feature storage: 'single' float32 (positions float64), 'double' all float64 */
    precision: z.enum(['single', 'double']).default('single'),
    /** CorrectIlluminationCalculate/Apply before segmentation: 'auto' divides acquired images only, 'on' synthetic ones too */
    illumination: z.enum(['auto', 'on', 'off']).default('auto'),
    /** a folder of JUMP's per-plate illumination files (<plate>_Illum<Ch>.npy or Illum<Ch>.npy) to load instead of computing */
    illumFrom: FileRef.optional(),
  })
  .strict();
export type SegmentStartInput = z.input<typeof SegmentStartInput>;

export const ExportStartInput = z
  .object({
    plate: Plate,
    /** default: 'cell' for the field's per-cell layouts (sqlite, cytotable), else 'well' */
    level: z.enum(['well', 'cell']).optional(),
    /** 'sqlite': CellProfiler ExportToDatabase, one table per compartment (what pycytominer's SingleCells reads) */
    format: z.enum(['csv', 'parquet', 'sqlite']).default('csv'),
    /** per-cell Parquet: Stainless' columns, or CytoTable's joined layout (Metadata_TableNumber/ImageNumber/ObjectNumber, Image_*) */
    layout: z.enum(['stainless', 'cytotable']).default('stainless'),
    source: Source.default('synthetic'),
    runId: z.number().int().positive().optional(),
    method: Method.optional(),
    normalize: z.enum(['none', 'robustz']).default('none'),
    /** per-cell feature columns: 'single' as stored (float32, positions float64), 'double' all float64 */
    precision: z.enum(['single', 'double']).default('single'),
    /** the file to write, ending in .csv, .parquet or .sqlite: a save handle (files.pick / files.child with save) */
    out: FileRef,
    /** replace an existing file (else an existing file is refused) */
    overwrite: z.boolean().default(false),
  })
  .strict();
export type ExportStartInput = z.input<typeof ExportStartInput>;

export const ExportLoadDataInput = z
  .object({
    plate: Plate,
    /** the synthetic channels of this run (default: the plate's latest run with synthetic images) */
    runId: z.number().int().positive().optional(),
    /** the .csv to write: a save handle (files.pick / files.child with save) */
    out: FileRef,
    overwrite: z.boolean().default(false),
  })
  .strict();

/** A LoadData CSV written for a plate: acquired channels as Orig<Name>, synthetic ones as Synth<Name>. */
export interface LoadDataExport {
  out: string;
  plate: string;
  rows: number;
  columns: string[];
  acquired: string[];
  synthetic: string[];
  runId: number | null;
}

export const featuresContract = {
  'features.sets': request(z.object({ plate: Plate }).strict(), 'Feature sets (segmentation + measurements) of a plate').returns<FeatureSetInfo[]>(),
  'features.names': request(
    z.object({ setId: z.number().int().positive(), query: z.string().max(200).default(''), limit: z.number().int().positive().max(5000).default(200) }).strict(),
    'Per-well feature names of a set, filtered by a substring',
  ).returns<{ total: number; names: string[] }>(),
  'features.wellValues': request(
    z.object({ setId: z.number().int().positive(), name: z.string().min(1).max(300), normalize: z.enum(['none', 'robustz']).default('none') }).strict(),
    'One feature per well (median over cells, raw or robust z vs DMSO) for the plate map',
  ).returns<WellValues>(),
  'features.cellAt': request(
    z
      .object({
        siteId: z.number().int().positive(),
        x: z.number().int().nonnegative(),
        y: z.number().int().nonnegative(),
        source: z.enum(['acquired', 'synthetic', 'truth']).optional(),
        method: z.enum(['model', 'classical', 'truth']).optional(),
        runId: z.number().int().positive().optional(),
      })
      .strict(),
    'The segmented cell under a pixel of a site, with key measurements',
  ).returns<CellAtResult | null>(),
  'illumination.list': request(z.object({ plate: Plate }).strict(), "A plate's illumination functions per source and channel (computed, with settings, or loaded from a file)").returns<IllumFunctionInfo[]>(),
  'segment.start': request(SegmentStartInput, 'Segment and measure a plate (job "features")').returns<JobInfo>(),
  'export.start': request(ExportStartInput, 'Export a plate feature table (CSV or Parquet, per well or per cell; per cell also CytoTable Parquet or CellProfiler SQLite) as a job').returns<JobInfo>(),
  'export.loadData': request(ExportLoadDataInput, "A CellProfiler LoadData CSV of a plate's images (acquired Orig<Ch>, synthetic Synth<Ch>)").returns<LoadDataExport>(),
};
