import { RE2 } from 're2-wasm';
import { JUMP_PHENIX_CHANNELS, parseWellName, wellName } from '../../../shared/channels';

/** Where one image file sits on the plate, as its name says. Rows/cols zero-based. */
export interface NamedImage {
  row: number;
  col: number;
  field: number;
  /** channel key as written in the name (e.g. "ch5", "w2", or a pattern's capture) */
  channelKey: string;
  /** plate token when the naming carries one (ImageXpress) */
  plate?: string;
  /** z-plane when the naming carries one (Phenix p01) */
  plane?: number;
}

export type NamingKind = 'phenix' | 'imagexpress' | 'pattern';

export interface Naming {
  kind: NamingKind;
  /** parse a file's base name; null = not this naming; throws NamingError when it matches but is invalid */
  parse(base: string): NamedImage | null;
  /** files that match the naming but are to be skipped silently (ImageXpress thumbnails) */
  ignore?(base: string): boolean;
  /** default channel key → channel name mapping */
  defaultChannels: Record<string, string>;
  /** the file name this naming would give (for messages about missing images) */
  exampleName?(img: NamedImage): string;
}

export class NamingError extends Error {}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** PerkinElmer/Revvity Phenix/Operetta (Harmony) export: r01c01f01p01-ch1sk1fk1fl1.tiff */
export const phenixNaming: Naming = {
  kind: 'phenix',
  parse(base) {
    const m = /^r(\d{2,})c(\d{2,})f(\d{2,})p(\d{2,})-ch(\d+)sk\d+fk\d+fl\d+\.tiff?$/i.exec(base);
    if (!m) return null;
    const row = Number(m[1]) - 1;
    const col = Number(m[2]) - 1;
    if (row < 0 || col < 0) throw new NamingError(`row/column numbers start at 01 in Phenix names`);
    return { row, col, field: Number(m[3]), plane: Number(m[4]), channelKey: `ch${Number(m[5])}` };
  },
  defaultChannels: Object.fromEntries(Object.entries(JUMP_PHENIX_CHANNELS).map(([k, v]) => [`ch${k}`, v])),
  exampleName: (i) => `r${pad(i.row + 1)}c${pad(i.col + 1)}f${pad(i.field)}p${pad(i.plane ?? 1)}-${i.channelKey}sk1fk1fl1.tiff`,
};

/**
 * Molecular Devices ImageXpress (MetaXpress) export: PLATE_A01_s1_w1.tif, often with a GUID
 * after the wavelength (PLATE_A01_s1_w1<GUID>.tif); single-site plates omit _s1. Thumbnails
 * (`_thumb`) are ignored.
 */
export const imageXpressNaming: Naming = {
  kind: 'imagexpress',
  parse(base) {
    const m = /^(.+?)_([A-Za-z]{1,2}\d{1,2})(?:_s(\d+))?_w(\d+)(?:[0-9A-Fa-f]{8}-?[0-9A-Fa-f]{4}-?[0-9A-Fa-f]{4}-?[0-9A-Fa-f]{4}-?[0-9A-Fa-f]{12})?\.tiff?$/i.exec(base);
    if (!m) return null;
    const well = parseWellName(m[2]);
    if (!well) throw new NamingError(`"${m[2]}" is not a well name`);
    return { ...well, field: m[3] ? Number(m[3]) : 1, channelKey: `w${Number(m[4])}`, plate: m[1] };
  },
  ignore: (base) => /_thumb/i.test(base),
  defaultChannels: {},
  exampleName: (i) => `${i.plate ?? 'PLATE'}_${wellName(i.row, i.col)}_s${i.field}_${i.channelKey}.tif`,
};

/**
 * A user pattern: a regular expression with named groups `row` + `col` (row as a letter or a
 * 1-based number, col 1-based) or `well` (A1/A01), optional `site` (1 when absent), `channel`,
 * optional `plate`. Matched against the file's base name.
 */
export function patternNaming(source: string): Naming {
  // RE2 matches in time linear in the name: a user's pattern cannot backtrack for seconds
  // (`^(?<well>(a|a)*)(?<channel>!)` took 6.6 s on one name with RegExp). The price: no
  // lookaround and no backreferences, which a file-name pattern does not need.
  let re: RE2;
  try {
    re = new RE2(source, 'u');
  } catch (e) {
    const why = (e as Error).message.split('/u: ').pop();
    const hint = /\(\?(=|!|<=|<!)|\\[1-9]|\\k</.test(source) ? ' (lookaround and backreferences are not supported: patterns run in linear time)' : '';
    throw new NamingError(`--pattern is not a valid regular expression: ${why}${hint}`);
  }
  const groups = new Set([...source.matchAll(/\(\?<([A-Za-z_]\w*)>/g)].map((m) => m[1]));
  const hasWell = groups.has('well');
  if (!hasWell && !(groups.has('row') && groups.has('col')))
    throw new NamingError(`--pattern needs named groups (?<well>…) or both (?<row>…) and (?<col>…); it has: ${[...groups].join(', ') || 'none'}`);
  if (!groups.has('channel')) throw new NamingError('--pattern needs a named group (?<channel>…)');
  return {
    kind: 'pattern',
    parse(base) {
      const m = re.exec(base);
      if (!m?.groups) return null;
      const g = m.groups;
      let row: number;
      let col: number;
      if (hasWell && g.well !== undefined) {
        const w = parseWellName(g.well);
        if (!w) throw new NamingError(`"${g.well}" is not a well name`);
        ({ row, col } = w);
      } else {
        row = /^\d+$/.test(g.row ?? '') ? Number(g.row) - 1 : (parseWellName(`${g.row}1`)?.row ?? -1);
        col = Number(g.col) - 1;
        if (row < 0 || !Number.isInteger(col) || col < 0) throw new NamingError(`row "${g.row}" / column "${g.col}" is not a well position`);
      }
      const field = g.site === undefined ? 1 : Number(g.site);
      if (!Number.isInteger(field) || field < 0) throw new NamingError(`site "${g.site}" is not a number`);
      if (!g.channel) throw new NamingError('empty channel');
      return { row, col, field, channelKey: g.channel, plate: g.plate };
    },
    defaultChannels: {},
  };
}

export const BUILTIN_NAMINGS: Naming[] = [phenixNaming, imageXpressNaming];

/** Files with these extensions are expected to be images; anything else in the folder is skipped. */
export const IMAGE_EXT = /\.(tiff?|png|jpe?g)$/i;

/**
 * Parse "ch1=Mito,ch2=AGP" (or "1=Mito" for Phenix, "w1=DNA" for ImageXpress) into a map.
 * Keys are normalised to the naming's channel keys.
 */
export function parseChannelMap(spec: string, kind?: NamingKind): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of spec.split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = /^([^=]+)=(.+)$/.exec(part);
    if (!m) throw new NamingError(`channel map entry "${part}" is not KEY=NAME`);
    let key = m[1].trim();
    if (/^\d+$/.test(key) && kind === 'phenix') key = `ch${Number(key)}`;
    else if (/^\d+$/.test(key) && kind === 'imagexpress') key = `w${Number(key)}`;
    else if (kind === 'phenix' || kind === 'imagexpress') key = key.toLowerCase().replace(/^(ch|w)0*(\d+)$/, '$1$2');
    out[key] = m[2].trim();
  }
  return out;
}
