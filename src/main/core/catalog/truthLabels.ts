import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ImportProblem } from '../../../shared/contract/catalog';
import { labelFileName } from '../simulate/naming';
import { readGray } from '../io/tiff';
import type { Db } from './db';

/**
 * Ground-truth label images beside a plate's images — `groundtruth/rRRcCCfFF-{nuclei,cells}.tiff`, as
 * the simulator and `stainless export --pairs` write them — registered as segmentations of source
 * 'truth', so segmentation metrics of any run on the plate have a reference. A label image that
 * cannot be read is reported and skipped; the files are only read.
 */
export async function registerTruthLabels(db: Db, plateId: number, dir: string): Promise<{ sites: number; problems: ImportProblem[] }> {
  const problems: ImportProblem[] = [];
  if (!existsSync(dir)) return { sites: 0, problems };
  const sites = db
    .prepare(`SELECT s.id, w.row, w.col, s.field FROM sites s JOIN wells w ON w.id = s.well_id WHERE w.plate_id = ?`)
    .all(plateId) as Array<{ id: number; row: number; col: number; field: number }>;
  const rows: Array<[number, string, string, number, number]> = [];
  for (const s of sites) {
    const nuclei = join(dir, labelFileName(s.row, s.col, s.field, 'nuclei'));
    const cells = join(dir, labelFileName(s.row, s.col, s.field, 'cells'));
    if (!existsSync(nuclei) || !existsSync(cells)) continue;
    try {
      rows.push([s.id, nuclei, cells, countLabels((await readGray(nuclei)).data), countLabels((await readGray(cells)).data)]);
    } catch (e) {
      problems.push({ severity: 'warning', code: 'unreadable_image', file: nuclei, message: `ground-truth labels of site ${s.id} not registered: ${(e as Error).message}` });
    }
  }
  const insert = db.prepare(
    `INSERT INTO segmentations (site_id, source, method, run_id, nuclei_path, cells_path, n_nuclei, n_cells) VALUES (?, 'truth', 'truth', NULL, ?, ?, ?, ?)
     ON CONFLICT DO UPDATE SET nuclei_path = excluded.nuclei_path, cells_path = excluded.cells_path, n_nuclei = excluded.n_nuclei, n_cells = excluded.n_cells`,
  );
  db.transaction(() => rows.forEach((r) => insert.run(...r)))();
  return { sites: rows.length, problems };
}

function countLabels(data: ArrayLike<number>): number {
  const seen = new Set<number>();
  for (let i = 0; i < data.length; i++) if (data[i]) seen.add(data[i]);
  return seen.size;
}
