/**
 * Training plates straight from the simulator's site renderer, in the layout `stainless demo` writes
 * (Images/ Phenix names, groundtruth/ labels, README.txt naming the cell line), without plate maps:
 * training needs only paired sites. Wells get random compounds and doses so the phenotypes vary.
 *
 *   npx tsx training/make_plates.ts --out DIR --cell-line A549 --seed 11 --wells 48 --sites 2 --size 512
 */
import { writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { writeTiff } from '../src/main/core/io/tiff';
import { CELL_LINES, type CellLine } from '../src/main/core/simulate/cellLines';
import { COMPOUNDS, DOSES_MM } from '../src/main/core/simulate/library';
import { Rng } from '../src/main/core/simulate/prng';
import { SITE_CHANNELS, simulateSite } from '../src/main/core/simulate/site';

const { values: a } = parseArgs({
  options: {
    out: { type: 'string' },
    'cell-line': { type: 'string', default: 'A549' },
    seed: { type: 'string', default: '1' },
    wells: { type: 'string', default: '48' },
    sites: { type: 'string', default: '2' },
    size: { type: 'string', default: '512' },
  },
});
if (!a.out) throw new Error('--out DIR is required');
const line = a['cell-line'] as CellLine;
if (!CELL_LINES.includes(line)) throw new Error(`--cell-line must be one of ${CELL_LINES.join(', ')}, got ${line}`);
const seed = Number(a.seed);
const size = Number(a.size);
const rng = new Rng(seed);
const pad = (n: number) => String(n).padStart(2, '0');

await mkdir(join(a.out, 'groundtruth'), { recursive: true });
await writeFile(join(a.out, 'README.txt'), `Training plate from the Stainless simulator\ncell line: ${line}\nseed: ${seed}\n`);
const t0 = Date.now();
for (let w = 0; w < Number(a.wells); w++) {
  const row = Math.floor(w / 12);
  const col = w % 12;
  // a quarter of the wells untreated (DMSO), the rest a random compound at a random dose
  const compound = rng.next() < 0.25 ? null : COMPOUNDS[Math.floor(rng.next() * COMPOUNDS.length)];
  const dose = DOSES_MM[Math.floor(rng.next() * DOSES_MM.length)];
  for (let f = 1; f <= Number(a.sites); f++) {
    const s = simulateSite({ seed, row, col, site: f, size, cellLine: line, compound, doseMm: dose });
    const key = `r${pad(row + 1)}c${pad(col + 1)}f${pad(f)}`;
    for (const [i, ch] of SITE_CHANNELS.entries()) {
      await writeTiff(join(a.out, 'Images', `${key}p01-ch${i + 1}sk1fk1fl1.tiff`), { width: size, height: size, bitDepth: 16, data: s.channels[ch] });
    }
    await writeTiff(join(a.out, 'groundtruth', `${key}-nuclei.tiff`), { width: size, height: size, bitDepth: 16, data: s.nuclei });
    await writeTiff(join(a.out, 'groundtruth', `${key}-cells.tiff`), { width: size, height: size, bitDepth: 16, data: s.cells });
  }
}
console.log(`${a.out}: ${Number(a.wells) * Number(a.sites)} sites of ${line} in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
