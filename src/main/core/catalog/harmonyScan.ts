import { channelFromHarmonyName, HarmonyError, readHarmonyIndex, type HarmonyIndex } from '../io/harmony';
import type { Problems } from './problems';

/**
 * Index.idx.xml of a Phenix export, or null: absent or without channels (an empty index), the
 * import goes on as without it; unreadable, a warning says so (the images are still good).
 */
export async function scanHarmony(file: string | null, problems: Problems): Promise<HarmonyIndex | null> {
  if (!file) return null;
  try {
    const idx = await readHarmonyIndex(file);
    return idx.channels.length ? idx : null;
  } catch (e) {
    if (!(e instanceof HarmonyError)) throw e;
    problems.add('warning', 'harmony', `${e.message}; imported without it (pixel size unknown, channels by number)`, file);
    return null;
  }
}

/**
 * Channel keys (`ch<n>`) → names from Harmony's channel names. A name that is a Cell Painting dye
 * (HOECHST 33342 → DNA …) names its channel. When those agree with the naming's defaults (JUMP's
 * numbering), the other channels keep their defaults (JUMP names its Alexa channels by number);
 * when one contradicts them the plate is not numbered as JUMP's, and every other channel takes its
 * Harmony name.
 */
export function harmonyChannelMap(idx: HarmonyIndex, defaults: Record<string, string>): Record<string, string> {
  const known = new Map<string, string>();
  const counts = new Map<string, number>();
  for (const c of idx.channels) {
    const nm = c.name ? channelFromHarmonyName(c.name) : null;
    if (nm) counts.set(nm, (counts.get(nm) ?? 0) + 1);
  }
  for (const c of idx.channels) {
    const nm = c.name ? channelFromHarmonyName(c.name) : null;
    if (nm && counts.get(nm) === 1) known.set(`ch${c.number}`, nm); // two channels with one dye: the numbering decides
  }
  const jump = [...known].every(([k, nm]) => defaults[k] === nm);
  const out: Record<string, string> = {};
  const taken = new Set(known.values());
  for (const c of idx.channels) {
    const k = `ch${c.number}`;
    if (known.has(k)) out[k] = known.get(k)!;
    else if (!jump && c.name && !taken.has(c.name)) out[k] = c.name;
  }
  return out;
}

/** The plate's pixel size: the brightfield channel's (the models' input) when known, else the most common. */
export function platePixelSize(idx: HarmonyIndex, nameOf: (key: string) => string): number | null {
  const bf = idx.channels.find((c) => nameOf(`ch${c.number}`) === 'BF' && c.pixelSizeUm !== null);
  if (bf) return bf.pixelSizeUm;
  const counts = new Map<number, number>();
  for (const c of idx.channels) if (c.pixelSizeUm !== null) counts.set(c.pixelSizeUm, (counts.get(c.pixelSizeUm) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0] ?? null;
}
