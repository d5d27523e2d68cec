/** Cell Painting channel names as used everywhere in Stainless (catalog, manifests, feature columns). */
export const PAINT_CHANNELS = ['DNA', 'ER', 'RNA', 'AGP', 'Mito'] as const;
export type PaintChannel = (typeof PAINT_CHANNELS)[number];

/** Brightfield planes: at focus, 5 µm above (BFHigh) and 5 µm below (BFLow), as in JUMP's Phenix sites. */
export const BF_CHANNELS = ['BFLow', 'BF', 'BFHigh'] as const;
export type BrightfieldChannel = (typeof BF_CHANNELS)[number];

/** JUMP cpg0000 Phenix export channel numbers (ch1..ch8). */
export const JUMP_PHENIX_CHANNELS: Record<number, string> = {
  1: 'Mito',
  2: 'AGP',
  3: 'RNA',
  4: 'ER',
  5: 'DNA',
  6: 'BFHigh',
  7: 'BFLow',
  8: 'BF',
};

/** Default display colours (hex) per channel, close to common Cell Painting composites. */
export const CHANNEL_COLOURS: Record<string, string> = {
  DNA: '#3b6cff',
  ER: '#2fd52f',
  RNA: '#ffd21f',
  AGP: '#ff3535',
  Mito: '#e040fb',
  BF: '#ffffff',
  BFLow: '#ffffff',
  BFHigh: '#ffffff',
  NucleiBoundary: '#00e5ff',
  CellBoundary: '#ff9100',
};

export const PLATE_FORMATS = {
  96: { rows: 8, cols: 12 },
  384: { rows: 16, cols: 24 },
  1536: { rows: 32, cols: 48 },
} as const;
export type PlateFormat = keyof typeof PLATE_FORMATS;

/** Row letters: A..P, then AA..AF for 1536-well plates (as Harmony and JUMP name them). */
export function rowName(row: number): string {
  return row < 26 ? String.fromCharCode(65 + row) : 'A' + String.fromCharCode(65 + row - 26);
}

/** Canonical well name with zero-padded column: A01, P24, AF48. */
export function wellName(row: number, col: number): string {
  return `${rowName(row)}${String(col + 1).padStart(2, '0')}`;
}

/** Parse "A1", "A01", "a01", "AF48" into zero-based row/col; null when it is not a well name. */
export function parseWellName(name: string): { row: number; col: number } | null {
  const m = /^([A-Za-z]{1,2})0*(\d{1,2})$/.exec(name.trim());
  if (!m) return null;
  const letters = m[1].toUpperCase();
  const row = letters.length === 1 ? letters.charCodeAt(0) - 65 : 26 + letters.charCodeAt(1) - 65;
  if (letters.length === 2 && letters[0] !== 'A') return null;
  const col = Number(m[2]) - 1;
  if (col < 0) return null;
  return { row, col };
}
