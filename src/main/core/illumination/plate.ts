import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PAINT_CHANNELS } from '../../../shared/channels';
import type { AppliedIllumination, IllumFunctionInfo, IllumMode } from '../../../shared/illumination';
import type { Db } from '../catalog/db';
import type { PlateSite, SourceRef } from '../features/plateSites';
import { availableParallelism } from 'node:os';
import { WorkerPool } from '../jobs/pool';
import { writeFileAtomic } from '../io/output';
import { parseNpy } from '../io/npy';
import { readImageHeader } from '../io/tiff';
import { illumFilePath } from '../workspace';
import { JUMP_ILLUM } from './calculate';
import { computeChannel, type ChannelResult, type ChannelTask } from './channelTask';

export interface IllumRow {
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

/** the function file is there and is the one the catalog names (a kill between writing and recording is redone) */
const intact = (row: IllumRow) => existsSync(row.path) && sha256(readFileSync(row.path)) === row.sha256;

/** Channels' functions on worker threads, one channel per worker at a time. */
class IllumPool extends WorkerPool<ChannelTask, ChannelResult, number> {
  constructor(size: number) {
    super(new URL('./illumination.worker.ts', import.meta.url), size);
  }
}

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

/** Every current function of the plate (the catalog's record), by source, run and channel. */
export function listIllumFunctions(db: Db, plateId: number): IllumFunctionInfo[] {
  const rows = db
    .prepare(
      `SELECT channel, source, run_id AS runId, origin, path, source_file AS sourceFile, settings, n_images AS nImages, width, height, sha256, created_at AS createdAt
       FROM illumination_functions WHERE plate_id = ? ORDER BY source, ifnull(run_id, 0), channel`,
    )
    .all(plateId) as Array<Omit<IllumFunctionInfo, 'settings'> & { settings: string | null }>;
  return rows.map((r) => ({ ...r, settings: r.settings ? JSON.parse(r.settings) : null }));
}

export interface IllumHooks {
  progress?(message: string): void;
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
export async function preparePlateIllum(
  db: Db,
  illumDir: string,
  ref: SourceRef,
  sites: PlateSite[],
  opts: { fromDir: string | null; workers?: number },
  hooks: IllumHooks = {},
): Promise<AppliedIllumination> {
  const { fromDir } = opts;
  const channels = PAINT_CHANNELS.filter((c) => sites[0]?.images[c]);
  const sourceKey = ref.source === 'acquired' ? 'acquired' : `run${ref.runId}`;
  const existing = new Map(illumRows(db, ref.plateId, ref.source, ref.runId).map((r) => [r.channel, r]));
  const applied: AppliedIllumination = {};
  const rows = new Map<string, IllumRow>();
  const toCompute: ChannelTask[] = [];
  const toCopy: Array<{ path: string; bytes: Uint8Array }> = [];
  for (const ch of channels) {
    if (hooks.signal?.aborted) throw new Error('cancelled');
    const files = sites.map((s) => s.images[ch]).filter(Boolean);
    const { width, height } = await readImageHeader(files[0]);
    const path = illumFilePath(illumDir, ref.barcode, sourceKey, ch);
    let row: IllumRow | undefined = existing.get(ch);
    if (fromDir) {
      const { file, bytes } = loadIllumFile(fromDir, ref.barcode, ch, width, height);
      // written once every channel's file has passed: a refused folder leaves the workspace as it was
      toCopy.push({ path, bytes });
      row = { channel: ch, origin: 'file', path, source_file: file, settings: null, n_images: null, width, height, sha256: sha256(bytes) };
    } else if (!(row && intact(row) && (row.origin === 'file' || (row.settings === JSON.stringify(JUMP_ILLUM) && row.n_images === files.length)))) {
      toCompute.push({ label: `plate ${ref.barcode}, channel ${ch}`, files, out: path });
      row = { channel: ch, origin: 'computed', path, source_file: null, settings: JSON.stringify(JUMP_ILLUM), n_images: files.length, width, height, sha256: '' };
    }
    rows.set(ch, row);
  }
  for (const c of toCopy) await writeFileAtomic(c.path, c.bytes);
  const results = await computeAll(toCompute, opts.workers, hooks);
  db.transaction(() => {
    for (const ch of channels) {
      let row = rows.get(ch)!;
      const k = toCompute.findIndex((t) => t.out === row.path);
      if (k >= 0 && row.origin === 'computed') row = { ...row, sha256: results[k].sha256 };
      if (row !== existing.get(ch)) saveIllumRow(db, ref, row);
      applied[ch] = appliedOf(row);
    }
  })();
  return applied;
}

/**
 * A plate's function file of one channel in `fromDir` (JUMP's <plate>_Illum<Ch>.npy, or
 * Illum<Ch>.npy), checked: the images' size, values positive and finite.
 */
export function loadIllumFile(fromDir: string, barcode: string, ch: string, width: number, height: number): { file: string; bytes: Uint8Array } {
  const names = [`${barcode}_Illum${ch}.npy`, `Illum${ch}.npy`];
  const file = names.map((n) => join(fromDir, n)).find((f) => existsSync(f));
  if (!file) throw new Error(`${fromDir}: no illumination file for channel ${ch} (looked for ${names.join(' and ')})`);
  const bytes = readFileSync(file);
  const npy = parseNpy(bytes, file);
  if (npy.width !== width || npy.height !== height) throw new Error(`${file}: ${npy.height}×${npy.width}, but plate ${barcode}'s ${ch} images are ${height}×${width}`);
  const bad = npy.data.findIndex((v) => !(v > 0 && Number.isFinite(v)));
  if (bad >= 0) throw new Error(`${file}: value ${npy.data[bad]} at row ${Math.floor(bad / width)}, column ${bad % width}; an illumination function divides, so it must be positive and finite`);
  return { file, bytes };
}

/** Records a channel's current function of a plate's source (replacing the one before). */
export function saveIllumRow(db: Db, ref: { plateId: number; source: string; runId: number | null }, row: IllumRow): void {
  db.prepare(
    `INSERT INTO illumination_functions (plate_id, source, run_id, channel, origin, path, source_file, settings, n_images, width, height, sha256)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (plate_id, source, ifnull(run_id, 0), channel) DO UPDATE SET origin = excluded.origin, path = excluded.path,
       source_file = excluded.source_file, settings = excluded.settings, n_images = excluded.n_images, width = excluded.width,
       height = excluded.height, sha256 = excluded.sha256, created_at = strftime('%Y-%m-%dT%H:%M:%fZ','now')`,
  ).run(ref.plateId, ref.source, ref.runId, row.channel, row.origin, row.path, row.source_file, row.settings, row.n_images, row.width, row.height, row.sha256);
}

/** A function as a feature set records what its channel was divided by. */
export const appliedOf = (row: IllumRow): AppliedIllumination[string] => ({
  origin: row.origin,
  path: row.path,
  sourceFile: row.source_file,
  settings: row.settings ? JSON.parse(row.settings) : null,
  nImages: row.n_images,
  sha256: row.sha256,
});

/** The per-cell table's record of the correction: without the workspace's file paths, so the table is the same bytes in any workspace. */
export const illumTableMetadata = (illum: AppliedIllumination): Record<string, string> => ({
  'stainless.illumination': JSON.stringify(Object.fromEntries(Object.entries(illum).map(([ch, { path: _path, ...f }]) => [ch, f]))),
});

/** CorrectIlluminationCalculate of the channels that need it, in parallel on worker threads (0: in-process). */
async function computeAll(tasks: ChannelTask[], workers: number | undefined, hooks: IllumHooks): Promise<ChannelResult[]> {
  if (!tasks.length) return [];
  const total = tasks.reduce((n, t) => n + t.files.length, 0);
  const done = tasks.map(() => 0);
  const report = (k: number) => (d: number) => {
    done[k] = d;
    hooks.progress?.(`illumination functions (${tasks.length} channels): ${done.reduce((a, b) => a + b, 0)} of ${total} images`);
  };
  if (workers === 0) {
    const out: ChannelResult[] = [];
    for (const [k, t] of tasks.entries()) out.push(await computeChannel(t, { progress: report(k), signal: hooks.signal }));
    return out;
  }
  const pool = new IllumPool(Math.max(1, Math.min(tasks.length, workers ?? Math.min(4, availableParallelism()))));
  try {
    return await Promise.all(tasks.map((t, k) => pool.run(t, { progress: report(k), signal: hooks.signal })));
  } finally {
    await pool.close();
  }
}
