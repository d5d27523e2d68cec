import { readFileSync } from 'node:fs';

/** A delimited text table: header names and rows keyed by them, with 1-based file line numbers. */
export interface Table {
  file: string;
  header: string[];
  rows: Array<{ line: number; cells: Record<string, string> }>;
}

export class TableError extends Error {}

/** How a table's bytes are text: UTF-8 (the default; a BOM is allowed) or, when the user says so, Latin-1. */
export type TextEncoding = 'utf8' | 'latin1';

/**
 * Bytes → text. A UTF-8 or UTF-16 byte-order mark decides; otherwise the bytes must be valid
 * UTF-8 unless `encoding` is latin1. Invalid UTF-8 is refused with its line and byte rather than
 * read with U+FFFD, which would silently rename compounds.
 */
export function decodeText(bytes: Uint8Array, file: string, encoding: TextEncoding = 'utf8'): string {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
  else if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  else if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  if (encoding === 'latin1') return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1');
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const at = firstInvalidUtf8(bytes);
    let line = 1;
    let lineStart = 0;
    for (let i = 0; i < at; i++) if (bytes[i] === 0x0a) (line++, (lineStart = i + 1));
    throw new TableError(
      `${file}:${line}: byte 0x${bytes[at].toString(16).toUpperCase().padStart(2, '0')} at column ${at - lineStart + 1} (offset ${at}) is not UTF-8; ` +
        'save the table as UTF-8, or give --encoding latin1 if it is Latin-1 (Windows-1252)',
    );
  }
}

/** Offset of the first byte that does not begin or continue a well-formed UTF-8 sequence. */
function firstInvalidUtf8(b: Uint8Array): number {
  for (let i = 0; i < b.length; ) {
    const c = b[i];
    const n = c < 0x80 ? 0 : c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : -1;
    if (n < 0) return i;
    for (let k = 1; k <= n; k++) if (i + k >= b.length || (b[i + k] & 0xc0) !== 0x80) return i;
    i += n + 1;
  }
  return b.length - 1;
}

/**
 * Read a CSV or TSV file (tab when the header line has a tab, else comma; RFC 4180 quoting,
 * BOM and CRLF tolerated; text decoded by decodeText). Short rows are padded with empty cells; a row with more cells than
 * the header is an error naming the line.
 */
export function readTable(file: string, encoding: TextEncoding = 'utf8'): Table {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    throw new TableError(`${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const text = decodeText(bytes, file, encoding);
  const firstLine = text.slice(0, text.search(/\r?\n|$/));
  const delim = firstLine.includes('\t') ? '\t' : ',';
  const records = splitRecords(text, delim, file);
  const headerRec = records.shift();
  if (!headerRec || headerRec.cells.every((c) => !c.trim())) throw new TableError(`${file}: empty file (no header line)`);
  const header = headerRec.cells.map((h) => h.trim());
  const rows: Table['rows'] = [];
  for (const r of records) {
    if (r.cells.every((c) => !c.trim())) continue;
    if (r.cells.length > header.length) throw new TableError(`${file}:${r.line}: ${r.cells.length} cells but the header has ${header.length} columns`);
    const cells: Record<string, string> = {};
    header.forEach((h, i) => (cells[h] = (r.cells[i] ?? '').trim()));
    rows.push({ line: r.line, cells });
  }
  return { file, header, rows };
}

function splitRecords(text: string, delim: string, file: string): Array<{ line: number; cells: string[] }> {
  const out: Array<{ line: number; cells: string[] }> = [];
  let cells: string[] = [];
  let cell = '';
  let line = 1;
  let start = 1;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (cell += '"'), i++;
      else if (c === '"') quoted = false;
      else {
        if (c === '\n') line++;
        cell += c;
      }
    } else if (c === '"' && cell === '') quoted = true;
    else if (c === delim) cells.push(cell), (cell = '');
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      cells.push(cell);
      out.push({ line: start, cells });
      cells = [];
      cell = '';
      line++;
      start = line;
    } else cell += c;
  }
  if (quoted) throw new TableError(`${file}:${start}: unterminated quoted cell`);
  if (cell !== '' || cells.length) cells.push(cell), out.push({ line: start, cells });
  return out;
}

/** Find a column by any of its accepted names (case-insensitive). */
export function findColumn(header: string[], names: readonly string[]): string | undefined {
  const lower = new Map(header.map((h) => [h.toLowerCase(), h]));
  for (const n of names) {
    const h = lower.get(n.toLowerCase());
    if (h !== undefined) return h;
  }
  return undefined;
}
