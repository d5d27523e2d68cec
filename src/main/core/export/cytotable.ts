import type { Db } from '../catalog/db';
import { openParquet } from '../io/parquetRead';
import type { FeatureSetRow } from '../features/store';
import { REWRITE_SLICE_VALUES } from '../features/cellStore';
import { cellSpecs, decodedGroups, sliceOf, toValues } from './cellGroups';
import { compartmentOf, COMPARTMENTS, indexSites, kept, present, siteFiles, siteKey, tableNumber } from './fieldKeys';
import { parquetSink } from './parquet';
import type { ColumnSpec, ColumnValues } from './table';

/**
 * CytoTable's order of joined columns (cytotable/utils.py `_column_sort`, applied after an
 * alphabetical sort): table number, image number, object number keys first, then every column
 * with "metadata" anywhere in its name, then the Image, Cytoplasm, Cells and Nuclei columns, the
 * rest last; code-point order within a rank.
 */
export function cytotableRank(name: string): number {
  const low = name.toLowerCase();
  const first = ['tablenumber', 'metadata_tablenumber', 'imagenumber', 'metadata_imagenumber', 'objectnumber', 'object_number'].indexOf(low);
  if (first >= 0) return first;
  if (low.includes('metadata')) return 6;
  const later = ['image', 'cytoplasm', 'cells', 'nuclei'].findIndex((p) => low.startsWith(p));
  return later >= 0 ? 7 + later : 11;
}

const byCytotable = (a: string, b: string) => cytotableRank(a) - cytotableRank(b) || (a < b ? -1 : a > b ? 1 : 0);

/** Where an output column's values come from in a row of the per-cell file. */
type Source = { store: string } | { fn: (i: number) => number | string | null };

export interface CytotableSummary {
  rows: number;
  columns: number;
  /** cells left out: touching the border, or without a cytoplasm or a nucleus (CytoTable's join of the compartments needs both) */
  leftOut: number;
}

/**
 * `export --layout cytotable`: one Parquet file per plate in the layout CytoTable's
 * `cellprofiler_sqlite_cpg0016_jump` / `cellprofiler_csv` presets give when they join a
 * CellProfiler run: one row per cytoplasm object joined to its parent cell and nucleus
 * (`Metadata_Cytoplasm_Parent_Cells`, `Metadata_Cytoplasm_Parent_Nuclei`), keyed by
 * `Metadata_TableNumber`, `Metadata_ImageNumber`, `Metadata_ObjectNumber`; the image table's
 * `Metadata_Plate`, `Metadata_Well`, `Image_Metadata_Site`, `Image_FileName_*`/`Image_PathName_*`
 * and `Image_Count_*`; compartment features with their `Cells_`/`Cytoplasm_`/`Nuclei_` prefixes.
 * Values are the stored ones (float32 features, float64 positions; all float64 with 'double'); cells touching the border are
 * left out (fieldKeys.ts says why). A model's run adds its domain verdict as the image-level
 * `Image_Metadata_DomainVerdict` (`domain`; null for acquired images). Streamed a row group at a time.
 */
export async function exportCytotable(db: Db, set: FeatureSetRow & { barcode: string }, out: string, precision: 'single' | 'double' = 'single', domain: string | null = null): Promise<CytotableSummary> {
  const pf = await openParquet(set.cellsPath!);
  // 'double': every float32 feature written as float64 (the stored values, widened)
  const stored = cellSpecs(pf).map((c) => (precision === 'double' && c.kind === 'float32' ? { ...c, kind: 'float64' as const } : c));
  const has = new Set(pf.columns);
  const sites = await indexSites(pf);
  const files = siteFiles(db, set.plateId, set);
  const tn = tableNumber(set.barcode, set);
  // the decoded group's columns, set per group before the sources are read
  let g: Map<string, ArrayLike<unknown>> = new Map();
  const site = (i: number) => sites.get(siteKey(g.get('Metadata_Well')![i], g.get('Metadata_Site')![i]))!;
  const objectOf = (comp: string) => (i: number) => (present(g.get(`${comp}_Number_Object_Number`), i) ? Number(g.get(`${comp}_Number_Object_Number`)![i]) : 0);
  const specs: Array<ColumnSpec & { from: Source }> = [
    { name: 'Metadata_TableNumber', kind: 'int', from: { fn: () => tn } },
    { name: 'Metadata_ImageNumber', kind: 'int', from: { fn: (i) => site(i).imageNumber } },
    { name: 'Metadata_Cytoplasm_Parent_Cells', kind: 'int', from: { fn: (i) => Number(g.get('Metadata_ObjectNumber')![i]) } },
    { name: 'Metadata_Cytoplasm_Parent_Nuclei', kind: 'int', from: { fn: objectOf('Nuclei') } },
    { name: 'Metadata_Cells_Parent_Nuclei', kind: 'int', from: { fn: objectOf('Nuclei') } },
    ...files.names.map((n) => ({ name: `Image_${n}`, kind: 'string' as const, from: { fn: (i: number) => files.bySite.get(siteKey(g.get('Metadata_Well')![i], g.get('Metadata_Site')![i]))?.[n] ?? null } })),
    ...(domain !== null && !has.has('Metadata_DomainVerdict') ? [{ name: 'Image_Metadata_DomainVerdict', kind: 'string' as const, from: { fn: () => domain } }] : []),
    ...COMPARTMENTS.map((c) => ({ name: `Image_Count_${c}`, kind: 'int' as const, from: { fn: (i: number) => site(i).counts[c] } })),
    ...stored.map((c) => ({ ...c, name: c.name === 'Metadata_Site' ? 'Image_Metadata_Site' : c.name, from: { store: c.name } })),
  ];
  specs.sort((a, b) => byCytotable(a.name, b.name));
  // the join keeps a cell when each compartment the file has is there
  const joined = COMPARTMENTS.slice(1).filter((c) => stored.some((s) => compartmentOf(s.name) === c) && has.has(`${c}_Number_Object_Number`));
  const kv = Object.fromEntries((pf.metadata.key_value_metadata ?? []).map((k) => [k.key, k.value ?? '']));
  const sink = await parquetSink(out, specs, { ...kv, 'stainless.layout': 'cytotable' });
  let rows = 0;
  try {
    for await (const group of decodedGroups(pf)) {
      g = group.columns;
      const keep: number[] = [];
      const border = g.get('Metadata_TouchesBorder');
      for (let i = 0; i < group.rows; i++) if (kept(border, i) && joined.every((c) => present(g.get(`${c}_Number_Object_Number`), i))) keep.push(i);
      // slices of the group (one copy of a slice's kept rows at a time, as exportCells rewrites)
      const vals = specs.map((c) => ('store' in c.from ? toValues(g.get(c.from.store)!, c.kind) : null));
      const step = Math.max(1, Math.floor(REWRITE_SLICE_VALUES / specs.length));
      for (let a = 0; a < keep.length; a += step) {
        const idx = keep.slice(a, a + step);
        const run = idx[idx.length - 1] - idx[0] === idx.length - 1;
        const cols = specs.map((c, j): ColumnValues => {
          if ('fn' in c.from) {
            const fn = c.from.fn;
            return c.kind === 'int' ? Int32Array.from(idx, (i) => fn(i) as number) : idx.map((i) => fn(i));
          }
          const v = vals[j]!;
          if (run) return sliceOf(v, idx[0], idx[0] + idx.length);
          return Array.isArray(v) ? idx.map((i) => v[i]) : gather(v, idx);
        });
        await sink.write(cols);
      }
      rows += keep.length;
      g = new Map();
      group.columns.clear();
    }
    await sink.finish();
  } catch (e) {
    await sink.abort();
    throw e;
  }
  return { rows, columns: specs.length, leftOut: pf.rows - rows };
}

function gather(v: Float32Array | Float64Array | Int32Array, idx: number[]): Float32Array | Float64Array | Int32Array {
  const out = new (v.constructor as Float32ArrayConstructor | Float64ArrayConstructor | Int32ArrayConstructor)(idx.length);
  for (let k = 0; k < idx.length; k++) out[k] = v[idx[k]];
  return out;
}
