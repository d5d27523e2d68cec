import type { Db } from '../catalog/db';

/** Per-well metadata columns of every export, in order (pycytominer treats Metadata_* as metadata). */
export const WELL_METADATA = [
  'Metadata_Plate',
  'Metadata_Well',
  'Metadata_broad_sample',
  'Metadata_pert_iname',
  'Metadata_moa',
  'Metadata_target',
  'Metadata_control_type',
  'Metadata_mmoles_per_liter',
] as const;

export interface WellMeta {
  wellId: number;
  row: number;
  col: number;
  controlType: string | null;
  values: Record<(typeof WELL_METADATA)[number], string | number | null>;
}

/** Wells of a plate with their compound annotation, row-major. */
export function wellMetadata(db: Db, plateId: number): WellMeta[] {
  const rows = db
    .prepare(
      `SELECT w.id, w.row, w.col, w.name, w.control_type AS controlType, w.concentration, p.barcode,
         c.broad_sample AS broadSample, c.name AS compound, c.moa, c.target
       FROM wells w JOIN plates p ON p.id = w.plate_id LEFT JOIN compounds c ON c.id = w.compound_id
       WHERE w.plate_id = ? ORDER BY w.row, w.col`,
    )
    .all(plateId) as Array<{
    id: number;
    row: number;
    col: number;
    name: string;
    controlType: string | null;
    concentration: number | null;
    barcode: string;
    broadSample: string | null;
    compound: string | null;
    moa: string | null;
    target: string | null;
  }>;
  return rows.map((r) => ({
    wellId: r.id,
    row: r.row,
    col: r.col,
    controlType: r.controlType,
    values: {
      Metadata_Plate: r.barcode,
      Metadata_Well: r.name,
      Metadata_broad_sample: r.broadSample,
      Metadata_pert_iname: r.compound,
      Metadata_moa: r.moa,
      Metadata_target: r.target,
      Metadata_control_type: r.controlType,
      Metadata_mmoles_per_liter: r.concentration,
    },
  }));
}
