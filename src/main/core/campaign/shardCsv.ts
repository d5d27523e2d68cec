import { basename, dirname } from 'node:path';
import { readFileSync } from 'node:fs';

/** One site of a shard: its identity and the acquired input file of each channel. */
export interface ShardSite {
  plate: string;
  well: string;
  field: number;
  /** channel → absolute path */
  files: Record<string, string>;
}

const quote = (v: string) => (/[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

/**
 * A shard's sites as a CellProfiler LoadData CSV (FileName_Orig<Ch>/PathName_Orig<Ch> +
 * Metadata_Plate/Well/Site), the unit of work Distributed-CellProfiler hands to a node.
 */
export function shardCsv(sites: ShardSite[], channels: string[]): string {
  const head = [...channels.flatMap((c) => [`FileName_Orig${c}`, `PathName_Orig${c}`]), 'Metadata_Plate', 'Metadata_Well', 'Metadata_Site'];
  const rows = sites.map((s) => [...channels.flatMap((c) => [basename(s.files[c]), dirname(s.files[c])]), s.plate, s.well, String(s.field)].map(quote).join(','));
  return [head.join(','), ...rows].join('\n') + '\n';
}

/** RFC 4180 fields (quotes, doubled quotes, separators inside quotes). */
function parseCsv(text: string): string[][] {
  const out: string[][] = [];
  let row: string[] = [];
  let f = '';
  let q = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (q) {
      if (c === '"' && text[i + 1] === '"') (f += '"'), i++;
      else if (c === '"') q = false;
      else f += c;
    } else if (c === '"') q = true;
    else if (c === ',') row.push(f), (f = '');
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(f), out.push(row), (row = []), (f = '');
    } else f += c;
  }
  if (f || row.length) row.push(f), out.push(row);
  return out.filter((r) => r.length > 1 || r[0] !== '');
}

/** Reads a shard CSV back; a malformed one is refused naming the file, the row and the problem. */
export function readShardCsv(file: string): ShardSite[] {
  const [head, ...rows] = parseCsv(readFileSync(file, 'utf8'));
  if (!head) throw new Error(`${file}: empty shard CSV`);
  const col = (n: string) => {
    const i = head.indexOf(n);
    if (i < 0) throw new Error(`${file}: no ${n} column`);
    return i;
  };
  const [ip, iw, is] = ['Metadata_Plate', 'Metadata_Well', 'Metadata_Site'].map(col);
  const channels = head.filter((h) => h.startsWith('FileName_Orig')).map((h) => h.slice('FileName_Orig'.length));
  return rows.map((r, k) => {
    if (r.length !== head.length) throw new Error(`${file}: row ${k + 2} has ${r.length} fields, the header ${head.length}`);
    const field = Number(r[is]);
    if (!Number.isInteger(field) || field < 1) throw new Error(`${file}: row ${k + 2}: Metadata_Site "${r[is]}" is not a site number`);
    const files = Object.fromEntries(channels.map((c) => [c, `${r[col(`PathName_Orig${c}`)]}/${r[col(`FileName_Orig${c}`)]}`]));
    return { plate: r[ip], well: r[iw], field, files };
  });
}
