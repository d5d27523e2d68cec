import type { Db } from '../catalog/db';
import type { WellProfiles } from './agreement';
import type { Matrix } from './frechet';

/** Per-well profiles (and optionally per-cell features) of a run's synthetic images and of the acquired ones. */
export interface RunProfiles {
  acquired: WellProfiles | null;
  synthetic: WellProfiles | null;
  cells: { acquired: Matrix; synthetic: Matrix } | null;
  /** why something is missing */
  note: string | null;
}

export const FEATURES_MISSING = 'features not computed yet for this run (run `stainless measure` on the acquired and synthetic images first)';

/**
 * Where the features teammate's per-well profiles are read from. Until the catalog has a feature
 * store, every run reports the "features not computed yet" note and the feature-level metrics
 * stay empty; everything else (pixel, segmentation, cell counts, QC on counts) is still computed.
 */
export async function loadRunProfiles(db: Db, runId: number): Promise<RunProfiles> {
  const hasStore = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'well_features'`).get();
  if (!hasStore) return { acquired: null, synthetic: null, cells: null, note: FEATURES_MISSING };
  void runId;
  return { acquired: null, synthetic: null, cells: null, note: FEATURES_MISSING };
}
