import { readFileSync } from 'node:fs';

/** A delimited text table: header names and rows keyed by them, with 1-based file line numbers. */
export interface Table {
  file: string;
  header: string[];
  rows: Array<{ line: number; cells: Record<string, string> }>;
}

export class TableError extends Error {}

/**
 * Read a CSV or TSV file (tab when the header line has a tab, else comma; RFC 4180 quoting,
 * BOM and CRLF tolerated). Short rows are padded with empty cells; a row with more cells than
 * the header is an error naming the line.
 */
export function readTable(file: string): Table {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new TableError(`${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
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
