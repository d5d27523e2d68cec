import type { Command } from './types';
import { UsageError } from './types';
import { readGray, type Gray } from '../core/io/tiff';
import { grayToLabels } from '../core/segment/labels';
import { measureObjects, tableToObjects, COMPARTMENTS } from '../core/features/measure';

/** "DNA=a.tif,ER=b.tif" → { DNA: 'a.tif', ER: 'b.tif' } */
function pairs(flag: string, s: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of s.split(',').map((p) => p.trim()).filter(Boolean)) {
    const eq = part.indexOf('=');
    if (eq <= 0 || eq === part.length - 1) throw new UsageError(`measure: ${flag} expects NAME=FILE pairs separated by commas, got "${part}"`);
    out[part.slice(0, eq)] = part.slice(eq + 1);
  }
  return out;
}

export const measureCommand: Command = {
  name: 'measure',
  summary: 'CellProfiler-style per-object measurements of one site (Nuclei and/or Cells; Cytoplasm when both)',
  usage: 'stainless measure --image DNA=a.tif,ER=b.tif,... --labels nuclei=n.tif[,cells=c.tif] [--json]',
  options: { image: { type: 'string' }, labels: { type: 'string' } },
  async run({ values }, ctx) {
    if (!values.image || !values.labels) throw new UsageError('measure: --image and --labels are required');
    const imgs = pairs('--image', values.image as string);
    const labs = pairs('--labels', values.labels as string);
    for (const k of Object.keys(labs)) if (k !== 'nuclei' && k !== 'cells') throw new UsageError(`measure: --labels takes nuclei=FILE and cells=FILE, not "${k}"`);
    if (!labs.nuclei && !labs.cells) throw new UsageError('measure: --labels needs nuclei=FILE, cells=FILE or both');
    const images: Record<string, Gray> = {};
    for (const [ch, f] of Object.entries(imgs)) images[ch] = await readGray(f);
    const sets: { nuclei?: ReturnType<typeof grayToLabels>; cells?: ReturnType<typeof grayToLabels> } = {};
    for (const name of ['nuclei', 'cells'] as const) {
      const f = labs[name];
      if (!f) continue;
      const l = (sets[name] = grayToLabels(await readGray(f)));
      for (const [ch, g] of Object.entries(images))
        if (g.width !== l.width || g.height !== l.height) throw new UsageError(`measure: ${imgs[ch]} (${ch}) is ${g.width}×${g.height} but ${f} is ${l.width}×${l.height}`);
    }
    if (sets.nuclei && sets.cells && (sets.nuclei.width !== sets.cells.width || sets.nuclei.height !== sets.cells.height))
      throw new UsageError(`measure: ${labs.nuclei} is ${sets.nuclei.width}×${sets.nuclei.height} but ${labs.cells} is ${sets.cells.width}×${sets.cells.height}`);
    const m = measureObjects(images, sets);
    const present = COMPARTMENTS.filter((c) => m[c]);
    const out = Object.fromEntries(present.map((c) => [c, tableToObjects(m[c]!)]));
    for (const c of present) ctx.say(`${c}: ${m[c]!.objectNumbers.length} objects × ${m[c]!.names.length} measurements`);
    return out;
  },
};
