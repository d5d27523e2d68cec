import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PAINT_CHANNELS } from '../../../shared/channels';
import type { AppliedIllumination, IllumMode } from '../../../shared/illumination';
import type { Db } from '../catalog/db';
import type { PlateSite, SourceRef } from '../features/plateSites';
import { writeFileAtomic } from '../io/output';
import { npyBytes, parseNpy } from '../io/npy';
import { readGray, readImageHeader } from '../io/tiff';
import { illumFilePath } from '../workspace';
import { IllumAccumulator, JUMP_ILLUM } from './calculate';

interface IllumRow {
  channel: string;
  origin: 'computed' | 'file';
  path: string;
  source_file: string | null;
  settings: string | null;
  n_images: number | null;
  width: number;
  height: number;
  sha256: string;
}

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** Whether a segmentation of this source divides by illumination functions: 'auto' = acquired images only. */
export const illumOn = (mode: IllumMode, source: 'acquired' | 'synthetic') => mode === 'on' || (mode === 'auto' && source === 'acquired');

/** The plate's current functions of a source (acquired, or one synthetic run), by channel. */
export function illumRows(db: Db, plateId: number, source: string, runId: number | null): IllumRow[] {
  return db
    .prepare(
      `SELECT channel, origin, path, source_file, settings, n_images, width, height, sha256 FROM illumination_functions
       WHERE plate_id = ? AND source = ? AND ifnull(run_id, 0) = ? ORDER BY channel`,
    )
    .all(plateId, source, runId ?? 0) as IllumRow[];
}

export interface IllumHooks {
  progress?(done: number, total: number, message?: string): void;
  signal?: AbortSignal;
}

/**
 * The illumination function of every Cell Painting channel of the plate's source, ready for
 * CorrectIlluminationApply: loaded from `fromDir` (JUMP's <plate>_Illum<Ch>.npy, or Illum<Ch>.npy),
 * else the function already in the workspace (one loaded from a file stays until replaced; a
 * computed one is reused when the plate still has the images it was computed from), else computed
 * by CorrectIlluminationCalculate over all the plate's images of that channel. Each function is a
 * .npy file under <workspace>/illumination; the catalog row says where it came from.
 */
export async function preparePlateIllum(db: Db, illumDir: string, ref: SourceRef, sites: PlateSite[], fromDir: string | null, hooks: IllumHooks = {}): Promise<AppliedIllumination> {
  const channels = PAINT_CHANNELS.filter((c) => sites[0]?.images[c]);
  const sourceKey = ref.source === 'acquired' ? 'acquired' : `run${ref.runId}`;
  const existing = new Map(illumRows(db, ref.plateId, ref.source, ref.runId).map((r) => [r.channel, r]));
  const upsert = db.prepare(
    `INSERT INTO illumination_functions (plate_id, source, run_id, channel, origin, path, source_file, settings, n_images, width, height, sha256)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (plate_id, source, ifnull(run_id, 0), channel) DO UPDATE SET origin = excluded.origin, path = excluded.path,
       source_file = excluded.source_file, settings = excluded.settings, n_images = excluded.n_images, width = excluded.width,
       height = excluded.height, sha256 = excluded.sha256, created_at = strftime('%Y-%m-%dT%H:%M:%fZ','now')`,
  );
  const applied: AppliedIllumination = {};
  for (const ch of channels) {
    if (hooks.signal?.aborted) throw new Error('cancelled');
    const files = sites.map((s) => s.images[ch]).filter(Boolean);
    const { width, height } = await readImageHeader(files[0]);
    const path = illumFilePath(illumDir, ref.barcode, sourceKey, ch);
    let row = existing.get(ch);
    if (fromDir) {
      const names = [`${ref.barcode}_Illum${ch}.npy`, `Illum${ch}.npy`];
      const file = names.map((n) => join(fromDir, n)).find((f) => existsSync(f));
      if (!file) throw new Error(`${fromDir}: no illumination file for channel ${ch} (looked for ${names.join(' and ')})`);
      const bytes = readFileSync(file);
      const npy = parseNpy(bytes, file);
      if (npy.width !== width || npy.height !== height) throw new Error(`${file}: ${npy.height}×${npy.width}, but plate ${ref.barcode}'s ${ch} images are ${height}×${width}`);
      const bad = npy.data.findIndex((v) => !(v > 0 && Number.isFinite(v)));
      if (bad >= 0) throw new Error(`${file}: value ${npy.data[bad]} at row ${Math.floor(bad / width)}, column ${bad % width}; an illumination function divides, so it must be positive and finite`);
      await writeFileAtomic(path, bytes);
      row = { channel: ch, origin: 'file', path, source_file: file, settings: null, n_images: null, width, height, sha256: sha256(bytes) };
    } else if (!(row && existsSync(row.path) && (row.origin === 'file' || (row.settings === JSON.stringify(JUMP_ILLUM) && row.n_images === files.length)))) {
      const acc = new IllumAccumulator(JUMP_ILLUM);
      for (let i = 0; i < files.length; i++) {
        if (hooks.signal?.aborted) throw new Error('cancelled');
        hooks.progress?.(0, sites.length, `illumination function ${ch}: image ${i + 1} of ${files.length}`);
        acc.add(await readGray(files[i]), files[i]);
      }
      let fn;
      try {
        fn = acc.finish()!;
      } catch (e) {
        throw new Error(`plate ${ref.barcode}, channel ${ch}: ${(e as Error).message}`);
      }
      const bytes = npyBytes({ height: fn.height, width: fn.width, data: fn.data });
      await writeFileAtomic(path, bytes);
      row = { channel: ch, origin: 'computed', path, source_file: null, settings: JSON.stringify(JUMP_ILLUM), n_images: files.length, width, height, sha256: sha256(bytes) };
    }
    if (row !== existing.get(ch))
      upsert.run(ref.plateId, ref.source, ref.runId, ch, row.origin, row.path, row.source_file, row.settings, row.n_images, row.width, row.height, row.sha256);
    applied[ch] = { origin: row.origin, path: row.path, sourceFile: row.source_file, settings: row.settings ? JSON.parse(row.settings) : null, nImages: row.n_images, sha256: row.sha256 };
  }
  return applied;
}
