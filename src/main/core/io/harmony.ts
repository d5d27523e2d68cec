import { createReadStream, existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Harmony's (Revvity/PerkinElmer Phenix, Operetta CLS) export metadata, `Index.idx.xml` (4.x) or
 * `Index.xml` (5.x): `<EvaluationInputData>` with `<Plates>`, `<Wells>`, optionally `<Maps>` of
 * per-channel `<Entry ChannelID="n">`, and one `<Image>` per plane (row, col, field, plane,
 * channel, its position in metres). Read as a stream: a 384-well plate's file is tens of MB.
 */

export class HarmonyError extends Error {}

export interface HarmonyChannel {
  /** Harmony's ChannelID = the `ch<n>` of the file names */
  number: number;
  name: string | null;
  pixelSizeUm: number | null;
  excitationNm: number | null;
  emissionNm: number | null;
}

export interface HarmonyIndex {
  file: string;
  plate: { id: string | null; name: string | null; rows: number | null; cols: number | null; typeName: string | null };
  objective: { magnification: number | null; na: number | null };
  channels: HarmonyChannel[];
  /** PlaneID → z (µm), from the first image of each plane */
  planes: Array<{ plane: number; zUm: number }>;
  /** FieldID → stage position in the well (µm), from the first image of each field */
  fields: Array<{ field: number; xUm: number; yUm: number }>;
  images: number;
}

/** The export's index file in a plate folder (or its Images/ folder), or null. */
export function findHarmonyIndex(...dirs: string[]): string | null {
  for (const d of dirs) for (const n of ['Index.idx.xml', 'Index.xml']) if (existsSync(join(d, n))) return join(d, n);
  return null;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const unescape = (s: string) => s.replace(/&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-f]+);/gi, (_, e: string) => (e[0] === '#' ? String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : Number(e.slice(1))) : ENTITIES[e]));

/** Leaf elements of one block: tag → text (first occurrence), with a value in metres given as `Unit="m"` converted by the caller. */
function leaves(block: string): Map<string, { text: string; unit: string | null }> {
  const out = new Map<string, { text: string; unit: string | null }>();
  for (const m of block.matchAll(/<([A-Za-z][\w.]*)((?:\s+[\w:.]+="[^"]*")*)\s*>([^<]*)<\/\1>/g)) {
    if (out.has(m[1])) continue;
    const unit = /\sUnit="([^"]*)"/.exec(m[2])?.[1] ?? null;
    out.set(m[1], { text: unescape(m[3].trim()), unit });
  }
  return out;
}

/** A length in µm from a value and its unit (Harmony writes metres). */
function micrometres(v: { text: string; unit: string | null } | undefined, file: string, tag: string): number | null {
  if (!v || v.text === '' || v.text === 'NaN') return null;
  const x = Number(v.text);
  if (!Number.isFinite(x)) throw new HarmonyError(`${file}: <${tag}> "${v.text}" is not a number`);
  const scale = v.unit === 'm' ? 1e6 : v.unit === 'mm' ? 1e3 : v.unit === 'um' || v.unit === 'µm' ? 1 : v.unit === 'nm' ? 1e-3 : null;
  if (scale === null) throw new HarmonyError(`${file}: <${tag}> has unit "${v.unit ?? ''}"; expected m`);
  return x * scale;
}

const num = (v: { text: string } | undefined) => (v && v.text !== '' && Number.isFinite(Number(v.text)) ? Number(v.text) : null);

/**
 * Read an Index.idx.xml / Index.xml. Blocks (`<Plate>`, `<Entry>`, `<Image>`) are cut out of the
 * stream as they complete; nothing else of the file is kept.
 */
export async function readHarmonyIndex(file: string): Promise<HarmonyIndex> {
  const idx: HarmonyIndex = { file, plate: { id: null, name: null, rows: null, cols: null, typeName: null }, objective: { magnification: null, na: null }, channels: [], planes: [], fields: [], images: 0 };
  const channels = new Map<number, HarmonyChannel>();
  const planes = new Map<number, number>();
  const fields = new Map<number, { xUm: number; yUm: number }>();
  let root = false;
  let buf = '';
  const channel = (n: number) => {
    let c = channels.get(n);
    if (!c) channels.set(n, (c = { number: n, name: null, pixelSizeUm: null, excitationNm: null, emissionNm: null }));
    return c;
  };
  const channelInfo = (c: HarmonyChannel, l: ReturnType<typeof leaves>) => {
    c.name ??= l.get('ChannelName')?.text || null;
    c.pixelSizeUm ??= micrometres(l.get('ImageResolutionX'), file, 'ImageResolutionX');
    c.excitationNm ??= num(l.get('MainExcitationWavelength'));
    c.emissionNm ??= num(l.get('MainEmissionWavelength'));
    idx.objective.magnification ??= num(l.get('ObjectiveMagnification'));
    idx.objective.na ??= num(l.get('ObjectiveNA'));
  };
  // an element with a body; the bare <Image id="…" /> references inside <Well> are not blocks
  const BLOCK = /<(Plate|Entry|Image)((?:\s+[\w:.]+="[^"]*")*)\s*>([\s\S]*?)<\/\1>/g;
  const OPEN = /<(Plate|Entry|Image)(?:\s+[\w:.]+="[^"]*")*\s*(\/?)>/g;
  for await (const chunk of createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 16 })) {
    buf += chunk as string;
    if (!root) {
      if (/<EvaluationInputData[\s/>]/.test(buf)) root = true;
      else if (buf.length > 4096) break; // the root element comes first
    }
    let last = 0;
    BLOCK.lastIndex = 0;
    for (let m = BLOCK.exec(buf); m; m = BLOCK.exec(buf)) {
      last = BLOCK.lastIndex;
      const [, tag, attrs = '', body] = m;
      const l = leaves(body);
      if (tag === 'Plate') {
        idx.plate = { id: l.get('PlateID')?.text ?? null, name: l.get('Name')?.text ?? null, rows: num(l.get('PlateRows')), cols: num(l.get('PlateColumns')), typeName: l.get('PlateTypeName')?.text ?? null };
      } else if (tag === 'Entry') {
        const id = /\sChannelID="(\d+)"/.exec(attrs)?.[1];
        if (id) channelInfo(channel(Number(id)), l);
      } else if (l.has('ChannelID')) {
        // an <Image> with its position (a bare <Image id="…" /> reference inside <Well> does not match)
        idx.images++;
        const ch = num(l.get('ChannelID'));
        if (ch === null) throw new HarmonyError(`${file}: an <Image> has ChannelID "${l.get('ChannelID')!.text}"`);
        channelInfo(channel(ch), l);
        const plane = num(l.get('PlaneID'));
        const z = micrometres(l.get('PositionZ'), file, 'PositionZ');
        if (plane !== null && z !== null && !planes.has(plane)) planes.set(plane, z);
        const field = num(l.get('FieldID'));
        const x = micrometres(l.get('PositionX'), file, 'PositionX');
        const y = micrometres(l.get('PositionY'), file, 'PositionY');
        if (field !== null && x !== null && y !== null && !fields.has(field)) fields.set(field, { xUm: x, yUm: y });
      }
    }
    // keep only the unfinished tail; a block cannot start before the last complete one ended
    buf = buf.slice(last);
    let open = -1;
    for (const o of buf.matchAll(OPEN))
      if (!o[2]) {
        open = o.index;
        break;
      }
    // no block open: keep a tail long enough for a tag cut in two by the chunk boundary
    if (open < 0) buf = buf.slice(Math.max(0, buf.length - 512));
    else if (open > 0) buf = buf.slice(open);
  }
  if (!root) throw new HarmonyError(`${file}: not a Harmony index (no <EvaluationInputData> root element)`);
  idx.channels = [...channels.values()].sort((a, b) => a.number - b.number);
  idx.planes = [...planes].map(([plane, zUm]) => ({ plane, zUm })).sort((a, b) => a.plane - b.plane);
  idx.fields = [...fields].map(([field, p]) => ({ field, ...p })).sort((a, b) => a.field - b.field);
  return idx;
}

/** Stainless channel names for Harmony's channel names (dyes of the Cell Painting panel), or null when unknown. */
export function channelFromHarmonyName(name: string): string | null {
  const n = name.toLowerCase();
  const exact = ['DNA', 'ER', 'RNA', 'AGP', 'Mito', 'BF', 'BFLow', 'BFHigh'].find((c) => c.toLowerCase() === n);
  if (exact) return exact;
  if (/hoechst|dapi|\bdna\b/.test(n)) return 'DNA';
  if (/mitotracker|\bmito\b/.test(n)) return 'Mito';
  if (/phalloidin|\bwga\b|\bagp\b/.test(n)) return 'AGP';
  if (/concanavalin|\bcona\b|\ber\b/.test(n)) return 'ER';
  if (/syto|\brna\b/.test(n)) return 'RNA';
  return null;
}
