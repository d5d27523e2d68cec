import { createReadStream } from 'node:fs';
import { open, rename, rm, mkdir } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseWellName } from '../../../shared/channels';
import { writeAll, writeError } from './output';

/**
 * CellProfiler LoadData CSVs: one row per image set (a site), `FileName_<Name>`/`PathName_<Name>`
 * per image, `Metadata_*` per row. JUMP and Distributed-CellProfiler hand work around as these.
 * Read as a stream (a plate of 100 000 rows never sits in memory as text).
 */

export class LoadDataError extends Error {}

/** LoadData image names (after `Orig`) that mean Stainless channels; JUMP's brightfield planes included. */
export const LOADDATA_CHANNELS: Record<string, string> = {
  DNA: 'DNA',
  ER: 'ER',
  RNA: 'RNA',
  AGP: 'AGP',
  Mito: 'Mito',
  Brightfield: 'BF',
  HighZBF: 'BFHigh',
  LowZBF: 'BFLow',
};

/** Stainless channel → LoadData name, the inverse of LOADDATA_CHANNELS (other names are written as they are). */
export function loadDataName(channel: string): string {
  for (const [k, v] of Object.entries(LOADDATA_CHANNELS)) if (v === channel) return k;
  return channel.replace(/[^A-Za-z0-9_]/g, '_');
}

/** One image set of a LoadData CSV. */
export interface LoadDataSite {
  /** 1-based line of the row in the file */
  line: number;
  plate: string | null;
  row: number;
  col: number;
  field: number;
  /** image name after `Orig` (e.g. DNA, Brightfield, Hoechst) → absolute path */
  images: Array<{ key: string; path: string }>;
  /** the other Metadata_* columns (name without the prefix) with a value */
  metadata: Record<string, string>;
}

export interface LoadDataLayout {
  header: string[];
  /** `Orig` images: key and the FileName/PathName column indexes, or (CellProfiler's other form) a URL_ column's */
  channels: Array<{ key: string; file: number; path: number; url: number }>;
  /** FileName_* columns that are not `Orig` images (illumination functions, synthetic channels): not read */
  ignored: string[];
  plate: number;
  well: number;
  row: number;
  col: number;
  site: number;
  metadata: Array<{ name: string; index: number }>;
}

/** Which column is what; a header without a well or without any Orig image is refused. */
export function loadDataLayout(header: string[], file: string): LoadDataLayout {
  const at = (n: string) => header.indexOf(n);
  const channels: LoadDataLayout['channels'] = [];
  const ignored: string[] = [];
  header.forEach((h, i) => {
    const m = /^(FileName|URL)_(.+)$/.exec(h);
    if (!m) return;
    const orig = /^Orig(.+)$/.exec(m[2]);
    if (!orig) return void ignored.push(h);
    if (m[1] === 'URL') {
      if (at(`FileName_${m[2]}`) < 0) channels.push({ key: orig[1], file: -1, path: -1, url: i });
      return;
    }
    const path = at(`PathName_${m[2]}`);
    if (path < 0) throw new LoadDataError(`${file}:1: column ${h} has no PathName_${m[2]} beside it`);
    channels.push({ key: orig[1], file: i, path, url: -1 });
  });
  if (!channels.length) throw new LoadDataError(`${file}:1: no FileName_Orig<Channel> (or URL_Orig<Channel>) column (header: ${header.slice(0, 8).join(', ')}${header.length > 8 ? ', …' : ''})`);
  const first = (...names: string[]) => names.map(at).find((i) => i >= 0) ?? -1;
  const layout: LoadDataLayout = {
    header,
    channels,
    ignored,
    plate: first('Metadata_Plate'),
    well: first('Metadata_Well'),
    row: first('Metadata_Row'),
    col: first('Metadata_Col', 'Metadata_Column'),
    site: first('Metadata_Site', 'Metadata_Field'),
    metadata: [],
  };
  if (layout.well < 0 && (layout.row < 0 || layout.col < 0)) throw new LoadDataError(`${file}:1: no Metadata_Well column (nor Metadata_Row and Metadata_Col)`);
  const used = new Set([layout.plate, layout.well, layout.row, layout.col, layout.site]);
  header.forEach((h, i) => {
    if (!used.has(i) && h.startsWith('Metadata_')) layout.metadata.push({ name: h.slice('Metadata_'.length), index: i });
  });
  return layout;
}

/**
 * Records of a CSV file, one at a time (RFC 4180: quoted fields may hold commas, "" and line
 * breaks; BOM and CRLF tolerated), with the line each record starts on.
 */
export async function* csvRecords(file: string): AsyncGenerator<{ line: number; fields: string[] }> {
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let afterQuote = false;
  let line = 1;
  let start = 1;
  let first = true;
  let any = false;
  for await (const chunk of createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 16 })) {
    let s = chunk as string;
    if (first) {
      if (s.charCodeAt(0) === 0xfeff) s = s.slice(1);
      first = false;
    }
    for (let i = 0; i < s.length; i++) {
      const c = s[i];
      if (quoted) {
        if (c === '"') {
          if (s[i + 1] === '"') (field += '"'), i++;
          else (quoted = false), (afterQuote = true); // at a chunk's end this may be half of a "": see below
        } else {
          if (c === '\n') line++;
          field += c;
        }
        continue;
      }
      if (c === '"' && afterQuote) {
        // the second half of a "" split across chunks
        field += '"';
        quoted = true;
        afterQuote = false;
      } else if (c === '"' && field === '') quoted = true;
      else if (c === ',') (fields.push(field), (field = ''), (afterQuote = false), (any = true));
      else if (c === '\n') {
        if (field.endsWith('\r')) field = field.slice(0, -1);
        fields.push(field);
        if (any || field !== '') yield { line: start, fields };
        fields = [];
        field = '';
        any = false;
        afterQuote = false;
        start = ++line;
      } else {
        field += c;
        afterQuote = false;
        if (c !== '\r') any = true;
      }
    }
  }
  if (quoted) throw new LoadDataError(`${file}:${start}: a quoted field is not closed`);
  if (field.endsWith('\r')) field = field.slice(0, -1);
  if (any || field !== '') yield { line: start, fields: [...fields, field] };
}

/**
 * The image sets of a LoadData CSV. Relative `PathName_*` values are resolved against the CSV's
 * folder (as Distributed-CellProfiler's relative paths are). A bad row throws LoadDataError
 * naming the file and line.
 */
export async function* readLoadData(file: string, onLayout?: (l: LoadDataLayout) => void): AsyncGenerator<LoadDataSite> {
  const base = dirname(resolve(file));
  let layout: LoadDataLayout | null = null;
  for await (const { line, fields } of csvRecords(file)) {
    if (!layout) {
      layout = loadDataLayout(fields.map((h) => h.trim()), file);
      onLayout?.(layout);
      continue;
    }
    const L = layout;
    if (fields.length > L.header.length) throw new LoadDataError(`${file}:${line}: ${fields.length} fields, the header has ${L.header.length}`);
    const get = (i: number) => (i >= 0 ? (fields[i] ?? '').trim() : '');
    let row: number;
    let col: number;
    if (L.well >= 0 && get(L.well)) {
      const w = parseWellName(get(L.well));
      if (!w) throw new LoadDataError(`${file}:${line}: Metadata_Well "${get(L.well)}" is not a well name`);
      ({ row, col } = w);
    } else {
      const r = get(L.row);
      row = /^\d+$/.test(r) ? Number(r) - 1 : (parseWellName(`${r}1`)?.row ?? -1);
      col = Number(get(L.col)) - 1;
      if (row < 0 || !Number.isInteger(col) || col < 0) throw new LoadDataError(`${file}:${line}: no well (Metadata_Well empty, Metadata_Row "${r}", Metadata_Col "${get(L.col)}")`);
    }
    const siteText = get(L.site);
    const field = siteText === '' ? 1 : Number(siteText);
    if (!Number.isInteger(field) || field < 0) throw new LoadDataError(`${file}:${line}: Metadata_Site "${siteText}" is not a whole number`);
    const images: LoadDataSite['images'] = [];
    for (const ch of L.channels) {
      if (ch.url >= 0) {
        const u = get(ch.url);
        if (!u) continue;
        if (!/^file:/i.test(u)) throw new LoadDataError(`${file}:${line}: URL_Orig${ch.key} "${u}" is not a file:// URL (only local files are read)`);
        let path: string;
        try {
          path = fileURLToPath(u);
        } catch (e) {
          throw new LoadDataError(`${file}:${line}: URL_Orig${ch.key} "${u}": ${(e as Error).message}`);
        }
        images.push({ key: ch.key, path });
        continue;
      }
      const name = get(ch.file);
      if (!name) continue; // this set lacks the image: reported as a missing channel
      const dir = get(ch.path);
      const p = isAbsolute(name) ? name : resolve(isAbsolute(dir) ? dir : resolve(base, dir), name);
      images.push({ key: ch.key, path: p });
    }
    const metadata: Record<string, string> = {};
    for (const m of L.metadata) {
      const v = get(m.index);
      if (v !== '') metadata[m.name] = v;
    }
    yield { line, plate: get(L.plate) || null, row, col, field, images, metadata };
  }
  if (!layout) throw new LoadDataError(`${file}: empty file (no header)`);
}

/** One field as CSV: quoted when it holds a comma, quote or line break. */
function csvField(v: string | number): string {
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * Write a LoadData CSV from rows given one at a time (the Slurm shards reuse this), through
 * `<out>.partial-PID` and a rename: the file is whole or absent. Returns the rows written.
 */
export async function writeLoadData(out: string, columns: string[], rows: Iterable<Record<string, string | number>> | AsyncIterable<Record<string, string | number>>): Promise<number> {
  const tmp = `${out}.partial-${process.pid}`;
  let n = 0;
  try {
    await mkdir(dirname(out), { recursive: true });
    const fh = await open(tmp, 'w');
    try {
      let buf = columns.map(csvField).join(',') + '\n';
      for await (const r of rows) {
        buf += columns.map((c) => csvField(r[c] ?? '')).join(',') + '\n';
        n++;
        if (buf.length > 1 << 20) (await writeAll(fh, buf, out), (buf = ''));
      }
      await writeAll(fh, buf, out);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, out);
  } catch (e) {
    await rm(tmp, { force: true }).catch(() => {});
    throw writeError(out, e);
  }
  return n;
}
