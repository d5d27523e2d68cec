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
/** `strength` scales the fall-off (brightfield's Köhler illumination is flatter than epifluorescence). */
function illumination(seed: number, channel: number, w: number, h: number, strength: number): Float32Array {
  const key = `${seed}:${channel}:${w}:${h}:${strength}`;
  let hit = illumCache.get(key);
  if (!hit) {
    if (illumCache.size > 64) illumCache.clear();
    hit = makeIllumination(seed, channel, w, h);
    if (strength !== 1) for (let i = 0; i < hit.length; i++) hit[i] = 1 - strength * (1 - hit[i]);
    illumCache.set(key, hit);
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

/**
 * Camera: signal = illum·(bias + gain·plane + debrisGain·debris), then shot noise (Gaussian
 * approximation of Poisson) and read noise, rounded and clamped to 16 bits, in one pass.
 * Noise indices come from an inline xorshift32 seeded per image (fast and deterministic).
 */
function expose(plane: Float32Array, illum: Float32Array, bias: number, gain: number, debris: Float32Array, debrisGain: number, seed: number, out: Uint16Array): void {
  let x = seed | 0 || 0x1234567;
  for (let i = 0; i < out.length; i++) {
    const v0 = illum[i] * (bias + gain * plane[i] + debrisGain * debris[i]);
    const v = v0 > 0 ? v0 : 0;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    const c = v + Math.sqrt(v * 0.6) * NORMALS[x & 0xffff] + READ_NOISE * NORMALS[(x >>> 16) & 0xffff];
    out[i] = c <= 0 ? 0 : c >= 65534.5 ? 65535 : (c + 0.5) | 0;
  }
}

export function simulateSite(o: SiteOptions): SiteImages {
  const w = o.size;
  const h = o.size;
  const n = w * h;
  const rng = new Rng(hashSeed(o.seed, o.row, o.col, o.site));
  const line = CELL_LINE_PARAMS[o.cellLine];
  const pheno = phenotypeAt(o.compound, o.doseMm);
  // well-to-well variation (seeding density, staining), shared by the sites of a well
  const well = new Rng(hashSeed(o.seed, o.row, o.col, 0x3e11));
  const wellDensity = well.logNormal(0.1);
  const wellStain = [well.logNormal(0.07), well.logNormal(0.07), well.logNormal(0.07), well.logNormal(0.07), well.logNormal(0.07)];
  const geo = buildGeometry(rng.fork(1), { width: w, height: h, line, pheno, density: (o.density ?? 1) * wellDensity });
  const planes = renderPlanes(rng.fork(2), geo, line, pheno);
  const bf = renderBrightfield(planes.thickness, planes.debris, w, h);
  const bright = o.brightness ?? 1;
  const noise = rng.fork(3);
  const channels = {} as Record<SiteChannel, Uint16Array>;
  const stainFactor = {
    DNA: line.stain[0] * wellStain[0],
    ER: line.stain[1] * (1 + pheno.er) * wellStain[1],
    RNA: line.stain[2] * (1 + pheno.rna) * wellStain[2],
    AGP: line.stain[3] * (1 + pheno.agp) * wellStain[3],
    Mito: line.stain[4] * wellStain[4],
  };
  SITE_CHANNELS.forEach((ch, ci) => {
    const out = new Uint16Array(n);
    const seed = noise.int(0x7fffffff) + 1;
    if (ch === 'BF' || ch === 'BFHigh' || ch === 'BFLow') {
      // brightfield: lamp level × a flatter illumination (Köhler), no debris gain (it is in the phase)
      expose(bf[ch], illumination(o.seed, ci, w, h, 0.12), 0, BF_LEVEL[ch], planes.debris, 0, seed, out);
    } else {
      // widefield point-spread function: DNA a bit softer, ER and Mito textures keep their detail
      const plane = binomial(planes[ch], w, h, ch === 'DNA' ? 2 : 1);
      expose(plane, illumination(o.seed, ci, w, h, 1), BACKGROUND[ch], GAIN[ch] * stainFactor[ch] * bright, planes.debris, DEBRIS_GAIN[ch], seed, out);
    }
    channels[ch] = out;
  });
  return { width: w, height: h, channels, nuclei: geo.nucleusLabels, cells: geo.cellLabels, cellCount: geo.cells.length };
}
