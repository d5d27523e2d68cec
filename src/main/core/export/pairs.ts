import { copyFile, mkdir, rename, rm } from 'node:fs/promises';
import { writeError, writeFileAtomic } from '../io/output';
import { extname, join } from 'node:path';
import type { Db } from '../catalog/db';
import { getPlate } from '../catalog/queries';
import { imageFileName, labelFileName, SITE_CHANNELS, type SiteChannel } from '../simulate';
import { encodeTiff, readGray } from '../io/tiff';

export interface PairsSummary {
  out: string;
  plate: string;
  sites: number;
  skipped: Array<{ site: string; reason: string }>;
  labels: number;
}

/**
 * `stainless export --pairs`: a plate's acquired brightfield + Cell Painting channels (and its
 * segmentations, ground truth first, else the classical one of the acquired images) in the layout
 * the simulator writes and training/ reads, so a lab can train a model on its own cell line.
 * Images are copied (never moved or changed); non-TIFF sources are re-encoded as TIFF.
 */
export async function exportPairs(db: Db, plateRef: string | number, out: string): Promise<PairsSummary> {
  const plate = getPlate(db, plateRef);
  const rows = db
    .prepare(
      `SELECT s.id AS site, w.row, w.col, s.field, i.channel, i.path FROM images i JOIN sites s ON s.id = i.site_id JOIN wells w ON w.id = s.well_id
       WHERE w.plate_id = ? AND i.kind = 'acquired' ORDER BY s.id`,
    )
    .all(plate.plate.id) as Array<{ site: number; row: number; col: number; field: number; channel: string; path: string }>;
  const sites = new Map<number, { row: number; col: number; field: number; files: Map<string, string> }>();
  for (const r of rows) {
    const s = sites.get(r.site) ?? { row: r.row, col: r.col, field: r.field, files: new Map() };
    s.files.set(r.channel, r.path);
    sites.set(r.site, s);
  }
  const seg = db.prepare(
    `SELECT nuclei_path, cells_path FROM segmentations WHERE site_id = ? AND (source = 'truth' OR (source = 'acquired' AND method = 'classical'))
     ORDER BY source = 'truth' DESC LIMIT 1`,
  );
  await mkdir(join(out, 'Images'), { recursive: true });
  await mkdir(join(out, 'groundtruth'), { recursive: true });
  const summary: PairsSummary = { out, plate: plate.plate.barcode, sites: 0, skipped: [], labels: 0 };
  for (const [siteId, s] of sites) {
    const name = `r${String(s.row + 1).padStart(2, '0')}c${String(s.col + 1).padStart(2, '0')}f${String(s.field).padStart(2, '0')}`;
    const missing = SITE_CHANNELS.filter((c) => !s.files.has(c));
    if (missing.length) {
      summary.skipped.push({ site: name, reason: `no acquired ${missing.join(', ')}` });
      continue;
    }
    for (const ch of SITE_CHANNELS) await copyAsTiff(s.files.get(ch)!, join(out, 'Images', imageFileName(s.row, s.col, s.field, ch as SiteChannel)));
    const labels = seg.get(siteId) as { nuclei_path: string; cells_path: string } | undefined;
    if (labels) {
      await copyAsTiff(labels.nuclei_path, join(out, 'groundtruth', labelFileName(s.row, s.col, s.field, 'nuclei')));
      await copyAsTiff(labels.cells_path, join(out, 'groundtruth', labelFileName(s.row, s.col, s.field, 'cells')));
      summary.labels++;
    }
    summary.sites++;
  }
  const readme =
    `Paired brightfield / Cell Painting images of plate ${plate.plate.barcode} exported by Stainless for training.\n` +
    `cell line: ${plate.plate.cellLine ?? 'unknown'}\nImages/: Phenix naming, JUMP channels (ch1 Mito, ch2 AGP, ch3 RNA, ch4 ER, ch5 DNA, ch6 BFHigh, ch7 BFLow, ch8 BF).\n` +
    `groundtruth/: nuclei and cell labels (ground truth where the catalog has it, else the classical segmentation of the acquired images).\n`;
  await writeFileAtomic(join(out, 'README.txt'), Buffer.from(readme));
  return summary;
}

/** Through a temporary name: a full disk leaves no truncated image, and the error names the file. */
async function copyAsTiff(src: string, dst: string): Promise<void> {
  if (!/^\.tiff?$/i.test(extname(src))) return writeFileAtomic(dst, encodeTiff(await readGray(src)));
  const tmp = `${dst}.partial-${process.pid}`;
  try {
    await copyFile(src, tmp);
    await rename(tmp, dst);
  } catch (e) {
    await rm(tmp, { force: true });
    throw writeError(dst, e);
  }
}
