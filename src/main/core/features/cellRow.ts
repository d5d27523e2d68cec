import { groupsMayHold, openParquet, rowGroups } from '../io/parquetRead';

/**
 * One cell's stored values from a per-cell Parquet file, read without loading the file: row-group
 * statistics of Metadata_Well and Metadata_Site pick the groups that may hold the site, only the
 * three key columns of those groups are decoded to find the row, then only `names` of its group.
 * Null when the file has no such cell; columns the file lacks are left out.
 */
export async function storedCellRow(
  path: string,
  key: { well: string; site: number; objectNumber: number },
  names: string[],
): Promise<Record<string, number | null> | null> {
  const pf = await openParquet(path);
  const keys = ['Metadata_Well', 'Metadata_Site', 'Metadata_ObjectNumber'];
  if (keys.some((k) => !pf.columns.includes(k))) return null;
  const site = new Set(groupsMayHold(pf, 'Metadata_Site', key.site));
  const groups = groupsMayHold(pf, 'Metadata_Well', key.well).filter((g) => site.has(g));
  for await (const g of rowGroups(pf, keys, groups)) {
    const [well, siteCol, obj] = keys.map((k) => g.columns.get(k)!);
    for (let i = 0; i < g.rows; i++) {
      if (obj[i] !== key.objectNumber || Number(siteCol[i]) !== key.site || well[i] !== key.well) continue;
      const have = names.filter((n) => pf.columns.includes(n));
      if (!have.length) return null;
      for await (const row of rowGroups(pf, have, [g.index])) {
        const out: Record<string, number | null> = {};
        for (const n of have) {
          const v = Number(row.columns.get(n)![i]);
          out[n] = Number.isFinite(v) ? v : null;
        }
        return out;
      }
    }
  }
  return null;
}
