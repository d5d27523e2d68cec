import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PAINT_CHANNELS } from '../../../shared/channels';
import type { AppliedIllumination, IllumMode } from '../../../shared/illumination';
import type { Db } from '../catalog/db';
import { writeFileAtomic } from '../io/output';
import { illumFilePath } from '../workspace';
import { appliedOf, illumOn, loadIllumFile, saveIllumRow, type IllumRow } from '../illumination/plate';

/** plan.json's illumination: per channel, the function the shards divide by (a copy in the campaign folder). */
export type PlanIllumination = Record<string, { path: string; sha256: string; sourceFile: string; width: number; height: number }>;

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/**
 * The functions a campaign's segmentation divides its synthetic images by, as `segment --source
 * synthetic --illum on --illum-from DIR` would load them: checked and copied into the campaign
 * folder (storage every node sees) before the array runs. Functions computed over the synthetic
 * images themselves cannot be: those images exist only once every shard has run.
 */
export async function planIllumination(
  o: { mode: IllumMode; fromDir: string | null; segment: boolean },
  barcode: string,
  outputs: string[],
  size: { width: number; height: number },
  campaign: string,
): Promise<PlanIllumination | null> {
  const on = illumOn(o.mode, 'synthetic');
  if (!o.segment && (o.fromDir || o.mode === 'on')) throw new Error('--illum and --illum-from apply to segmentation: add segment to --steps');
  if (o.fromDir && !on) throw new Error("illumination files given, but illumination correction is off for synthetic images (use --illum on)");
  if (!on || !o.segment) return null;
  if (!o.fromDir)
    throw new Error(
      "--illum on: a campaign's synthetic images exist only once its shards have run, so their functions cannot be computed before the array; give --illum-from DIR (JUMP's <plate>_Illum<Ch>.npy), or merge an infer-only campaign and run `stainless segment --source synthetic --illum on`",
    );
  const loaded = PAINT_CHANNELS.filter((c) => outputs.includes(c)).map((ch) => ({ ch, ...loadIllumFile(o.fromDir!, barcode, ch, size.width, size.height) }));
  const out: PlanIllumination = {};
  // written once every channel's file has passed
  for (const { ch, file, bytes } of loaded) {
    const path = join(campaign, 'illumination', `${barcode}_Illum${ch}.npy`);
    await writeFileAtomic(path, bytes);
    out[ch] = { path, sha256: sha256(bytes), sourceFile: file, width: size.width, height: size.height };
  }
  return out;
}

/** The functions as a shard's segmentation takes them, refusing any that changed since the plan was made. */
export function shardIllumination(il: PlanIllumination | undefined): Record<string, { path: string; sha256: string }> | undefined {
  if (!il) return undefined;
  for (const f of Object.values(il)) if (sha256(readFileSync(f.path)) !== f.sha256) throw new Error(`${f.path}: changed since the plan was made (sha256 differs); make a new plan`);
  return Object.fromEntries(Object.entries(il).map(([ch, f]) => [ch, { path: f.path, sha256: f.sha256 }]));
}

/**
 * The merged run's functions, recorded as `segment --illum-from` records them: each copied into
 * the workspace's illumination folder (copy names what it wrote, for the merge to undo) and its
 * catalog row; returns what the feature set records.
 */
export function mergeIllumination(
  db: Db,
  illumDir: string,
  ref: { plateId: number; barcode: string; runId: number },
  il: PlanIllumination,
  copy: (from: string, to: string) => void,
): AppliedIllumination {
  const applied: AppliedIllumination = {};
  for (const [ch, f] of Object.entries(il)) {
    const path = illumFilePath(illumDir, ref.barcode, `run${ref.runId}`, ch);
    copy(f.path, path);
    const row = planRow(ch, f, path);
    saveIllumRow(db, { plateId: ref.plateId, source: 'synthetic', runId: ref.runId }, row);
    applied[ch] = appliedOf(row);
  }
  return applied;
}

/** A plan's function as the catalog row of one loaded from a file, at `path` */
const planRow = (ch: string, f: PlanIllumination[string], path: string): IllumRow => ({
  channel: ch,
  origin: 'file',
  path,
  source_file: f.sourceFile,
  settings: null,
  n_images: null,
  width: f.width,
  height: f.height,
  sha256: f.sha256,
});

/** What the plan's segmentation divided by, as a feature set records it (paths: the campaign's copies). */
export const planApplied = (il: PlanIllumination): AppliedIllumination => Object.fromEntries(Object.entries(il).map(([ch, f]) => [ch, appliedOf(planRow(ch, f, f.path))]));
