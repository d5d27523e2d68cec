import type { Db } from '../catalog/db';
import { parseWellName, wellName } from '../../../shared/channels';
import type { Gray } from '../io/tiff';

/** One acquired site offered to training: its files per channel and, when the catalog has them, labels. */
export interface TrainSite {
  siteId: number;
  row: number;
  col: number;
  field: number;
  well: string;
  files: Map<string, string>;
  labels: { nuclei: string; cells: string } | null;
}

export type Region = 'top-three-quarters' | 'bottom-quarter';

export interface Split {
  train: Array<{ site: TrainSite; region: Region | null }>;
  heldOut: Array<{ site: TrainSite; region: Region | null }>;
  /** how the split was made, for the job result and the manifest */
  describe: string;
}

/** The acquired sites of a plate that have every needed channel (labels: ground truth first, else the classical segmentation). */
export function plateSites(db: Db, plateId: number, need: string[]): { sites: TrainSite[]; lacking: number } {
  const rows = db
    .prepare(
      `SELECT s.id AS site, w.row, w.col, s.field, i.channel, i.path FROM images i JOIN sites s ON s.id = i.site_id JOIN wells w ON w.id = s.well_id
       WHERE w.plate_id = ? AND i.kind = 'acquired' ORDER BY w.row, w.col, s.field`,
    )
    .all(plateId) as Array<{ site: number; row: number; col: number; field: number; channel: string; path: string }>;
  const seg = db.prepare(
    `SELECT nuclei_path AS nuclei, cells_path AS cells FROM segmentations WHERE site_id = ? AND (source = 'truth' OR (source = 'acquired' AND method = 'classical'))
     ORDER BY source = 'truth' DESC LIMIT 1`,
  );
  const by = new Map<number, TrainSite>();
  for (const r of rows) {
    let s = by.get(r.site);
    if (!s) by.set(r.site, (s = { siteId: r.site, row: r.row, col: r.col, field: r.field, well: wellName(r.row, r.col), files: new Map(), labels: null }));
    s.files.set(r.channel, r.path);
  }
  const all = [...by.values()];
  const sites = all.filter((s) => need.every((c) => s.files.has(c)));
  for (const s of sites) s.labels = (seg.get(s.siteId) as TrainSite['labels'] | undefined) ?? null;
  return { sites, lacking: all.length - sites.length };
}

/**
 * Which sites train and which are held out. Named wells are held out whole; a region holds out
 * the bottom quarter of every site (a plate of one site still gets an honest test); with neither,
 * every 8th well (at least one) is held out, or the bottom quarter when the plate has one well.
 */
export function splitSites(sites: TrainSite[], holdoutWells: string[], region: 'bottom-quarter' | undefined): Split {
  if (!sites.length) throw new Error('no sites to train on');
  if (region && holdoutWells.length) throw new Error('give held-out wells or a held-out region, not both');
  const wells = [...new Set(sites.map((s) => s.well))];
  const byRegion = (describe: string): Split => ({
    train: sites.map((site) => ({ site, region: 'top-three-quarters' as const })),
    heldOut: sites.map((site) => ({ site, region: 'bottom-quarter' as const })),
    describe,
  });
  if (region) return byRegion('trained on the top three quarters of every site, held out the bottom quarter');
  let held: Set<string>;
  if (holdoutWells.length) {
    held = new Set<string>();
    for (const w of holdoutWells) {
      const p = parseWellName(w);
      if (!p) throw new Error(`held-out well "${w}" is not a well name such as A01`);
      const name = wellName(p.row, p.col);
      if (!wells.includes(name)) throw new Error(`held-out well ${name} has no site with the channels training needs (wells: ${wells.slice(0, 12).join(', ')}${wells.length > 12 ? ', …' : ''})`);
      held.add(name);
    }
    if (held.size === wells.length) throw new Error('every well is held out: leave at least one to train on');
  } else {
    if (wells.length === 1) return byRegion(`one well (${wells[0]}): trained on the top three quarters of every site, held out the bottom quarter`);
    const step = Math.min(8, wells.length);
    held = new Set(wells.filter((_, i) => i % step === step - 1));
  }
  return {
    train: sites.filter((s) => !held.has(s.well)).map((site) => ({ site, region: null })),
    heldOut: sites.filter((s) => held.has(s.well)).map((site) => ({ site, region: null })),
    describe: `held out wells ${[...held].join(', ')}`,
  };
}

/** The rows of a region (the top three quarters, or the bottom quarter, of the image). */
export function cropRegion(g: Gray, region: Region | null): Gray {
  if (!region) return g;
  const cut = Math.floor((g.height * 3) / 4);
  const [y0, y1] = region === 'top-three-quarters' ? [0, cut] : [cut, g.height];
  return { width: g.width, height: y1 - y0, bitDepth: g.bitDepth, data: g.data.slice(y0 * g.width, y1 * g.width) };
}
