/**
 * Plate metadata in JUMP's published layout (the same files the import reads for real plates):
 * metadata/barcode_platemap.csv, metadata/platemap/<name>.txt, metadata/external_metadata/compound_metadata.tsv,
 * plus a README.txt describing the folder.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { COMPOUNDS, POSITIVE_CONTROL } from './library';
import { POSCON_SAMPLE, type WellPlan } from './layout';

/** Files written, relative to the output folder. */
export async function writeMetadata(out: string, barcode: string, mapName: string, plans: WellPlan[]): Promise<string[]> {
  const meta = join(out, 'metadata');
  await mkdir(join(meta, 'platemap'), { recursive: true });
  await mkdir(join(meta, 'external_metadata'), { recursive: true });
  const files: Array<[string, string]> = [];
  files.push(['metadata/barcode_platemap.csv', `Assay_Plate_Barcode,Plate_Map_Name\n${barcode},${mapName}\n`]);
  const pm = ['plate_map_name\twell_position\tbroad_sample\tmmoles_per_liter\tsolvent'];
  for (const p of plans) pm.push([mapName, p.well, p.broadSample, p.doseMm === 0 ? '0' : String(p.doseMm), 'DMSO'].join('\t'));
  files.push([`metadata/platemap/${mapName}.txt`, pm.join('\n') + '\n']);
  const cm = ['broad_sample\tInChIKey\tpert_iname\tpert_type\tcontrol_type\tsmiles\ttarget\tmoa'];
  cm.push(['', '', 'DMSO', 'control', 'negcon', 'CS(C)=O', '', 'control'].join('\t'));
  const pc = POSITIVE_CONTROL;
  cm.push([POSCON_SAMPLE, pc.inchiKey, pc.name, 'control', 'poscon', pc.smiles, pc.target, pc.moa].join('\t'));
  for (const c of COMPOUNDS) cm.push([c.broadSample, c.inchiKey, c.name, 'trt', '', c.smiles, c.target, c.moa].join('\t'));
  files.push(['metadata/external_metadata/compound_metadata.tsv', cm.join('\n') + '\n']);
  for (const [rel, text] of files) await writeFile(join(out, rel), text);
  return files.map(([rel]) => rel);
}

export function readmeText(o: { barcode: string; mapName: string; format: number; sites: number; size: number; cellLine: string; seed: number; wells: number; emptyEdges: boolean }): string {
  return `Stainless demo plate ${o.barcode} — SIMULATED, not acquired data.

Made by \`stainless demo\` (seed ${o.seed}): a ${o.format}-well plate of virtual ${o.cellLine}-like cells,
${o.wells} wells × ${o.sites} sites, ${o.size}×${o.size} px at about 1.26 µm/px, written exactly like a
PerkinElmer Phenix/Harmony export in the Cell Painting Gallery (JUMP cpg0000) so that it imports
through the same path as a real plate. The same seed and options always give the same bytes.

Images/rRRcCCfFFp01-chNsk1fk1fl1.tiff   16-bit; JUMP Phenix channels:
    ch1 Mito, ch2 AGP, ch3 RNA, ch4 ER, ch5 DNA,
    ch6 BFHigh (brightfield 5 µm above focus), ch7 BFLow (5 µm below), ch8 BF (at focus)
groundtruth/rRRcCCfFF-nuclei.tiff, -cells.tiff
    16-bit label images, one id per object, 0 = background; a nucleus has its cell's id
    (the two nuclei of a multinucleated cell share it)
metadata/barcode_platemap.csv            Assay_Plate_Barcode → Plate_Map_Name (${o.mapName})
metadata/platemap/${o.mapName}.txt     well_position, broad_sample, mmoles_per_liter, solvent
metadata/external_metadata/compound_metadata.tsv
    broad_sample, InChIKey, pert_iname, pert_type, control_type, smiles, target, moa.
    The compounds are virtual: names, ids (STN-…) and InChIKeys are made up; the SMILES are
    real structures of the compound class each one imitates; moa is the benchmark's MoA group.
    DMSO wells have an empty broad_sample (control_type negcon); the positive control has its
    own batch id (control_type poscon).
${o.emptyEdges ? '\nEdge wells were left empty (no cells, not in the plate map), as on plates that skip them.\n' : ''}`;
}
