/** File names of a simulated plate, exactly as a Phenix/Harmony export in the Cell Painting Gallery. */
import { SITE_CHANNELS, type SiteChannel } from './site';

const pad2 = (n: number) => String(n).padStart(2, '0');

/** JUMP Phenix channel number (1-based) of a channel name. */
export function channelNumber(ch: SiteChannel): number {
  return SITE_CHANNELS.indexOf(ch) + 1;
}

/** `r01c01f01p01-ch1sk1fk1fl1.tiff` — row/col zero-based in, one-based out; site one-based. */
export function imageFileName(row: number, col: number, site: number, ch: SiteChannel): string {
  return `r${pad2(row + 1)}c${pad2(col + 1)}f${pad2(site)}p01-ch${channelNumber(ch)}sk1fk1fl1.tiff`;
}

/** Ground-truth label images: `r01c01f01-nuclei.tiff`, `r01c01f01-cells.tiff`. */
export function labelFileName(row: number, col: number, site: number, kind: 'nuclei' | 'cells'): string {
  return `r${pad2(row + 1)}c${pad2(col + 1)}f${pad2(site)}-${kind}.tiff`;
}
