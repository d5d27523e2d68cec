import { basename, dirname } from 'node:path';
import { wellName } from '../../../shared/channels';
import { LOADDATA_CHANNELS, loadDataName, readLoadData, writeLoadData } from '../io/loaddata';

/** One site of a shard: its identity and the acquired input file of each channel. */
export interface ShardSite {
  plate: string;
  well: string;
  field: number;
  /** channel → absolute path */
  files: Record<string, string>;
}

/**
 * A shard's sites as a CellProfiler LoadData CSV (FileName_Orig<Ch>/PathName_Orig<Ch> +
 * Metadata_Plate/Well/Site), the unit of work Distributed-CellProfiler hands to a node; written
 * and read by the same LoadData module as `import --load-data` and `export --load-data`.
 */
export async function writeShardCsv(out: string, sites: ShardSite[], channels: string[]): Promise<void> {
  const names = channels.map((c) => [c, loadDataName(c)] as const);
  const columns = [...names.flatMap(([, n]) => [`FileName_Orig${n}`, `PathName_Orig${n}`]), 'Metadata_Plate', 'Metadata_Well', 'Metadata_Site'];
  const rows = sites.map((s) => ({
    ...Object.fromEntries(names.flatMap(([c, n]) => [[`FileName_Orig${n}`, basename(s.files[c])], [`PathName_Orig${n}`, dirname(s.files[c])]])),
    Metadata_Plate: s.plate,
    Metadata_Well: s.well,
    Metadata_Site: s.field,
  }));
  await writeLoadData(out, columns, rows);
}

/** Reads a shard CSV back; a malformed one is refused naming the file, the line and the problem. */
export async function readShardCsv(file: string): Promise<ShardSite[]> {
  const out: ShardSite[] = [];
  for await (const r of readLoadData(file))
    out.push({ plate: r.plate ?? '', well: wellName(r.row, r.col), field: r.field, files: Object.fromEntries(r.images.map((i) => [LOADDATA_CHANNELS[i.key] ?? i.key, i.path])) });
  return out;
}
