/**
 * One imaged site: geometry → stains + brightfield → camera (illumination, background, shot and
 * read noise, 16-bit counts) plus ground-truth labels. Pure and deterministic in its options.
 */
import { CELL_LINE_PARAMS, type CellLine } from './cellLines';
import { buildGeometry } from './geometry';
import { phenotypeAt, type Compound } from './library';
import { hashSeed, Rng } from './prng';
import { binomial } from './filters';
import { renderPlanes } from './render';
import { renderBrightfield } from './brightfield';

/** Channel names in JUMP Phenix order ch1..ch8. */
export const SITE_CHANNELS = ['Mito', 'AGP', 'RNA', 'ER', 'DNA', 'BFHigh', 'BFLow', 'BF'] as const;
export type SiteChannel = (typeof SITE_CHANNELS)[number];

export interface SiteOptions {
  /** plate seed */
  seed: number;
  /** zero-based row and column, one-based site (field) */
  row: number;
  col: number;
  site: number;
  size: number;
  cellLine: CellLine;
  compound: Compound | null;
  doseMm: number;
  /** multiplies cell density (1 normal; edge wells lower; 0 empty well) */
  density?: number;
  /** multiplies stain brightness (dim edge wells) */
  brightness?: number;
}

export interface SiteImages {
  width: number;
  height: number;
  channels: Record<SiteChannel, Uint16Array>;
  /** ground truth, one id per object; a nucleus carries its cell's id */
  nuclei: Uint16Array;
  cells: Uint16Array;
  cellCount: number;
}

/** Camera counts per unit of stain (before per-line and per-cell factors) and background levels. */
const GAIN: Record<'DNA' | 'ER' | 'RNA' | 'AGP' | 'Mito', number> = { DNA: 5200, ER: 2600, RNA: 2300, AGP: 2600, Mito: 3000 };
const BACKGROUND: Record<SiteChannel, number> = { Mito: 420, AGP: 520, RNA: 470, ER: 450, DNA: 380, BFHigh: 0, BFLow: 0, BF: 0 };
const BF_LEVEL: Record<'BF' | 'BFHigh' | 'BFLow', number> = { BF: 11000, BFHigh: 10500, BFLow: 10200 };
const DEBRIS_GAIN: Record<'DNA' | 'ER' | 'RNA' | 'AGP' | 'Mito', number> = { DNA: 500, ER: 900, RNA: 700, AGP: 1100, Mito: 600 };
const READ_NOISE = 6;

/** Smooth illumination: a per-plate vignette (off-centre) with a per-channel tilt. */
const illumCache = new Map<string, Float32Array>();
function illumination(seed: number, channel: number, w: number, h: number): Float32Array {
  const key = `${seed}:${channel}:${w}:${h}`;
  let hit = illumCache.get(key);
  if (!hit) {
    if (illumCache.size > 64) illumCache.clear();
    illumCache.set(key, (hit = makeIllumination(seed, channel, w, h)));
  }
  return hit;
}

function makeIllumination(seed: number, channel: number, w: number, h: number): Float32Array {
  const r = new Rng(hashSeed(seed, 777, channel));
  const cx = w * r.uniform(0.4, 0.6);
  const cy = h * r.uniform(0.4, 0.6);
  const k = r.uniform(0.18, 0.32) / ((w * w + h * h) / 4);
  const tx = r.uniform(-0.06, 0.06) / w;
  const ty = r.uniform(-0.06, 0.06) / h;
  const out = new Float32Array(w * h);
  for (let y = 0, p = 0; y < h; y++)
    for (let x = 0; x < w; x++, p++) out[p] = (1 - k * ((x - cx) ** 2 + (y - cy) ** 2)) * (1 + tx * (x - w / 2) + ty * (y - h / 2));
  return out;
}

/** 64 Ki standard normal deviates, drawn once; pixels pick two at random per exposure. */
const NORMALS = (() => {
  const r = new Rng(0x5eed);
  const t = new Float32Array(65536);
  for (let i = 0; i < t.length; i++) t[i] = r.normal();
  return t;
})();

/** Counts with Poisson-like shot noise (Gaussian approximation) and read noise, clamped to 16 bits. */
function expose(signal: Float32Array, rng: Rng, out: Uint16Array): void {
  for (let i = 0; i < signal.length; i++) {
    const v = signal[i] > 0 ? signal[i] : 0;
    const u = (rng.next() * 4294967296) >>> 0;
    const g1 = NORMALS[u & 0xffff];
    const g2 = NORMALS[u >>> 16];
    const c = v + Math.sqrt(v * 0.6) * g1 + READ_NOISE * g2;
    out[i] = c <= 0 ? 0 : c >= 65535 ? 65535 : Math.round(c);
  }
}

export function simulateSite(o: SiteOptions): SiteImages {
  const w = o.size;
  const h = o.size;
  const n = w * h;
  const rng = new Rng(hashSeed(o.seed, o.row, o.col, o.site));
  const line = CELL_LINE_PARAMS[o.cellLine];
  const pheno = phenotypeAt(o.compound, o.doseMm);
  const geo = buildGeometry(rng.fork(1), { width: w, height: h, line, pheno, density: o.density ?? 1 });
  const planes = renderPlanes(rng.fork(2), geo, line, pheno);
  const bf = renderBrightfield(planes.thickness, planes.debris, w, h);
  const bright = o.brightness ?? 1;
  const noise = rng.fork(3);
  const channels = {} as Record<SiteChannel, Uint16Array>;
  const stainFactor = { DNA: line.stain[0], ER: line.stain[1] * (1 + pheno.er), RNA: line.stain[2] * (1 + pheno.rna), AGP: line.stain[3] * (1 + pheno.agp), Mito: line.stain[4] };
  SITE_CHANNELS.forEach((ch, ci) => {
    const illum = illumination(o.seed, ci, w, h);
    const sig = new Float32Array(n);
    if (ch === 'BF' || ch === 'BFHigh' || ch === 'BFLow') {
      const plane = bf[ch];
      const level = BF_LEVEL[ch];
      for (let i = 0; i < n; i++) sig[i] = level * plane[i] * (0.88 + 0.12 * illum[i]);
    } else {
      // widefield point-spread function; ER and Mito textures are finest, blur them least
      const plane = binomial(planes[ch], w, h, ch === 'DNA' ? 2 : 1);
      const gain = GAIN[ch] * stainFactor[ch] * bright;
      const bg = BACKGROUND[ch];
      const dg = DEBRIS_GAIN[ch];
      for (let i = 0; i < n; i++) sig[i] = illum[i] * (bg + gain * plane[i] + dg * planes.debris[i]);
    }
    const out = new Uint16Array(n);
    expose(sig, noise, out);
    channels[ch] = out;
  });
  return { width: w, height: h, channels, nuclei: geo.nucleusLabels, cells: geo.cellLabels, cellCount: geo.cells.length };
}
