import type { Db } from './db';
import { parseMagnification } from '../inference/domain';

/** LoadData columns that name the objective (Metadata_ObjectiveMagnification etc.; kept without the prefix). */
const KEYS = ['ObjectiveMagnification', 'Magnification', 'Objective'];

/**
 * The objective magnification LoadData Metadata_ columns give (kept on wells or sites), when
 * every row that has one agrees; null when none does or they disagree. Called at import, which
 * records it in plates.acquisition.
 */
export function magnificationOfMetadata(rows: Iterable<Record<string, string>>): number | null {
  const seen = new Set<number>();
  for (const meta of rows) {
    for (const k of KEYS) {
      const n = parseMagnification(meta[k] ?? null);
      if (n && n > 0) {
        seen.add(n);
        break;
      }
    }
  }
  return seen.size === 1 ? [...seen][0] : null;
}

/** The objective magnification recorded at import (Index.idx.xml or LoadData); null when unknown. */
export function plateMagnification(db: Db, plateId: number): number | null {
  const m = db.prepare(`SELECT json_extract(acquisition, '$.objective.magnification') FROM plates WHERE id = ?`).pluck().get(plateId);
  return typeof m === 'number' && m > 0 ? m : null;
}
