/**
 * Records a model's training conditions in its manifest (`trainingConditions`, the reference of
 * the domain check at infer): modality, planes, pixel size, cell lines, and the ranges of the
 * per-plane statistics of Stainless' own domain check (src/main/core/inference/domain.ts) over
 * sites of its training plates (folders in the layout `stainless demo` writes).
 *
 *   npx tsx training/domain_conditions.ts --model resources/models/stainless-unet-direct \
 *     --plates /tmp/dom17/train-A549-s11 /tmp/dom17/train-U2OS-s12 --sites 16
 *
 * The bundled models' plates: `stainless demo --format 96 --sites 2 --size 512 --seed 11|12
 * --cell-line A549|U2OS --wells B02,B05,B08,B11,C02,C05,C08,C11` (the first wells of the training
 * plates in training/README.md, same seeds and simulator).
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { readGray } from '../src/main/core/io/tiff';
import { phenixNaming } from '../src/main/core/io/naming';
import { readManifest } from '../src/main/core/inference/model';
import { siteStats, statRanges, sampleIndices, type SiteStats } from '../src/main/core/inference/domain';
import type { TrainingConditions } from '../src/shared/domain';

const { values: a, positionals } = parseArgs({
  allowPositionals: true,
  options: { model: { type: 'string' }, plates: { type: 'string', multiple: true }, sites: { type: 'string', default: '16' }, modality: { type: 'string', default: 'brightfield' }, magnification: { type: 'string' } },
});
const plates = [...(a.plates ?? []), ...positionals];
if (!a.model || !plates.length) throw new Error('usage: --model DIR --plates PLATE_DIR...');
const { manifest: m, manifestFile } = readManifest(a.model);
const perPlate = Math.ceil(Number(a.sites) / plates.length);

const stats: SiteStats[] = [];
for (const dir of plates) {
  const bySite = new Map<string, Map<string, string>>();
  for (const f of readdirSync(join(dir, 'Images'))) {
    const n = phenixNaming.parse(f);
    if (!n) continue;
    const ch = phenixNaming.defaultChannels[n.channelKey];
    if (!m.inputs.includes(ch)) continue;
    const key = `${n.row},${n.col},${n.field}`;
    if (!bySite.has(key)) bySite.set(key, new Map());
    bySite.get(key)!.set(ch, join(dir, 'Images', f));
  }
  const keys = [...bySite.keys()].sort();
  for (const i of sampleIndices(keys.length, perPlate)) {
    const files = bySite.get(keys[i])!;
    const grays = await Promise.all(m.inputs.map((ch) => readGray(files.get(ch)!)));
    stats.push(siteStats(grays, m, m.pixelSizeUm));
  }
}
const cellLines = (m.provenance.cellLines as string[] | undefined) ?? [];
const tc: TrainingConditions = {
  modality: a.modality!,
  planes: m.inputs.map((ch) => (ch === 'BF' ? 'BF: brightfield at focus' : ch === 'BFLow' ? 'BFLow: brightfield 5 µm below focus' : ch === 'BFHigh' ? 'BFHigh: brightfield 5 µm above focus' : ch)),
  pixelSizeUm: m.pixelSizeUm,
  magnification: a.magnification ?? null,
  cellLines,
  sites: stats.length,
  stats: statRanges(stats),
  source: `npx tsx training/domain_conditions.ts --model ${a.model} --plates ${plates.join(' ')} --sites ${a.sites}${a.magnification ? ` --magnification '${a.magnification}'` : ''}`,
};
// keep the manifest's key order; the conditions go before sha256
const json = JSON.parse(readFileSync(manifestFile, 'utf8')) as Record<string, unknown>;
const { sha256, ...rest } = json;
delete rest.trainingConditions;
// non-ASCII escaped as Python's json.dump writes it (train.py writes these manifests)
const text = JSON.stringify({ ...rest, trainingConditions: tc, sha256 }, null, 2).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
writeFileSync(manifestFile, text + '\n');
console.log(`${manifestFile}: training conditions from ${stats.length} sites of ${plates.length} plates`);
