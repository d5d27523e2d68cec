import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../io/output';
import { encodeTiff, readGray } from '../io/tiff';
import { imageFileName, labelFileName, SITE_CHANNELS, type SiteChannel } from '../simulate';
import { cropRegion, type Region, type TrainSite } from './split';

/**
 * Writes sites (or a region of each) as a plate folder in the layout training/ reads (the
 * simulator's Phenix naming, labels in groundtruth/). Copies: the acquired files are only read.
 */
export async function writePairFolder(dir: string, entries: Array<{ site: TrainSite; region: Region | null }>, channels: string[], withLabels: boolean, cellLine: string | null): Promise<number> {
  await mkdir(join(dir, 'Images'), { recursive: true });
  await mkdir(join(dir, 'groundtruth'), { recursive: true });
  for (const c of channels) if (!SITE_CHANNELS.includes(c as SiteChannel)) throw new Error(`channel ${c} cannot be a training image (channels: ${SITE_CHANNELS.join(', ')})`);
  let n = 0;
  for (const { site: s, region } of entries) {
    for (const c of channels) {
      const g = cropRegion(await readGray(s.files.get(c)!), region);
      await writeFileAtomic(join(dir, 'Images', imageFileName(s.row, s.col, s.field, c as SiteChannel)), encodeTiff(g));
    }
    if (withLabels) {
      if (!s.labels) throw new Error(`site ${s.well} field ${s.field} has no segmentation for the boundary targets: run \`stainless segment --source acquired --method classical\` first`);
      for (const kind of ['nuclei', 'cells'] as const) {
        const g = cropRegion(await readGray(s.labels[kind]), region);
        await writeFileAtomic(join(dir, 'groundtruth', labelFileName(s.row, s.col, s.field, kind)), encodeTiff(g));
      }
    }
    n++;
  }
  await writeFileAtomic(join(dir, "README.txt"), Buffer.from(`Training pairs exported by Stainless' train job.\n${cellLine ? `cell line: ${cellLine}\n` : ""}`));
  return n;
}
