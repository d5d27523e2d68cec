import { basename, dirname } from 'node:path';
import { crc32 } from 'node:zlib';
import type { Db } from '../catalog/db';
import { loadDataName } from '../io/loaddata';
import type { ParquetFile } from '../io/parquetRead';
import { plateSites, resolveSource } from '../features/plateSites';
import type { FeatureSetRow } from '../features/store';
import { decodedGroups } from './cellGroups';

/**
 * The keys CellProfiler's own tables carry, for the field's layouts (CytoTable Parquet,
 * ExportToDatabase SQLite): a TableNumber per export, an ImageNumber per site, the object number
 * per compartment, and the Image table's file and count columns.
 *
 * Stainless' per-cell row is one cell with its nucleus and cytoplasm under the same object number
 * (cellTable joins them so); a compartment is present in a row when its Number_Object_Number is.
 * Cells touching the image border are left out, as CellProfiler's IdentifyPrimaryObjects discards
 * them and Stainless' per-well profiles leave them out: pycytominer's aggregation of these files
 * then sees the cells Stainless' profiles are the medians of. (Object numbers keep their gaps.)
 */
export const COMPARTMENTS = ['Cells', 'Cytoplasm', 'Nuclei'] as const;
export type Compartment = (typeof COMPARTMENTS)[number];

export const compartmentOf = (name: string): Compartment | null => COMPARTMENTS.find((c) => name.startsWith(`${c}_`)) ?? null;

/**
 * TableNumber: what tells ImageNumbers of different exports apart when tables are stacked
 * (cytominer-database and CytoTable use a checksum of the source). Here a 31-bit CRC of the plate
 * and feature set, so re-exports of the same set agree and two plates differ.
 */
export function tableNumber(barcode: string, set: Pick<FeatureSetRow, 'source' | 'runId' | 'method'>): number {
  return crc32(`stainless:${barcode}:${set.source}:${set.runId ?? 0}:${set.method}`) & 0x7fffffff;
}

export interface SiteEntry {
  imageNumber: number;
  well: string;
  site: number;
  /** objects of each compartment on the site (CellProfiler's Image Count_<Object>) */
  counts: Record<Compartment, number>;
}

export const siteKey = (well: unknown, site: unknown) => `${String(well)}\t${Number(site)}`;

/** `<Compartment>_Number_Object_Number` is a number in row i: the compartment has an object there. */
export function present(col: ArrayLike<unknown> | undefined, i: number): boolean {
  if (!col) return false;
  const v = col[i];
  return typeof v === 'number' ? Number.isFinite(v) : v !== null && v !== undefined;
}

/** Row i is a cell the field layouts carry (not touching the border; every row when the file has no flag). */
export const kept = (touchesBorder: ArrayLike<unknown> | undefined, i: number): boolean => !touchesBorder || Number(touchesBorder[i]) === 0;

/**
 * Every site of a per-cell file in file order (plate order), numbered 1… as CellProfiler numbers
 * image sets, with its counts of the objects kept: one pass over five narrow columns.
 */
export async function indexSites(pf: ParquetFile): Promise<Map<string, SiteEntry>> {
  const number = (c: Compartment) => `${c}_Number_Object_Number`;
  const keys = ['Metadata_Well', 'Metadata_Site', ...['Metadata_TouchesBorder', ...COMPARTMENTS.map(number)].filter((n) => pf.columns.includes(n))];
  const sites = new Map<string, SiteEntry>();
  for await (const g of decodedGroups(pf, keys)) {
    const well = g.columns.get('Metadata_Well')!;
    const site = g.columns.get('Metadata_Site')!;
    const nums = COMPARTMENTS.map((c) => g.columns.get(number(c)));
    const border = g.columns.get('Metadata_TouchesBorder');
    for (let i = 0; i < g.rows; i++) {
      const k = siteKey(well[i], site[i]);
      let e = sites.get(k);
      if (!e) sites.set(k, (e = { imageNumber: sites.size + 1, well: String(well[i]), site: Number(site[i]), counts: { Cells: 0, Cytoplasm: 0, Nuclei: 0 } }));
      // the row is a cell; its nucleus and cytoplasm count where the file has them
      if (kept(border, i))
        COMPARTMENTS.forEach((c, j) => (e.counts[c] += j === 0 || present(nums[j], i) ? 1 : 0));
    }
  }
  return sites;
}

/** The Image table's FileName_/PathName_ columns of each site: `Orig<Ch>` acquired, `Synth<Ch>` synthetic (as export --load-data names them). */
export function siteFiles(db: Db, plateId: number, set: FeatureSetRow & { barcode: string }): { names: string[]; bySite: Map<string, Record<string, string>> } {
  const ref = resolveSource(db, plateId, set.source === 'acquired' ? 'acquired' : 'synthetic', set.runId);
  const prefix = set.source === 'acquired' ? 'Orig' : 'Synth';
  const names = new Set<string>();
  const bySite = new Map<string, Record<string, string>>();
  for (const s of plateSites(db, ref)) {
    const r: Record<string, string> = {};
    for (const [ch, path] of Object.entries(s.images)) {
      const n = `${prefix}${loadDataName(ch)}`;
      names.add(n);
      r[`FileName_${n}`] = basename(path);
      r[`PathName_${n}`] = dirname(path);
    }
    bySite.set(siteKey(s.well, s.field), r);
  }
  return { names: [...names].sort().flatMap((n) => [`FileName_${n}`, `PathName_${n}`]), bySite };
}
