/**
 * Fluorescence and optical thickness from a site's geometry. All five stains and the thickness
 * map (for brightfield) are painted from the same cells in one pass over the pixels; textures
 * come from band-limited noise fields so that structure sits at realistic spatial scales:
 * - DNA: nuclei with chromatin texture, dark nucleoli, condensed mitotic / pyknotic apoptotic chromatin;
 * - RNA: nucleoli (1–4 per nucleus) bright, nucleoplasm moderate, cytoplasm dim and perinuclear;
 * - ER: reticular network (level lines of a noise field) dense around the nucleus, nuclear envelope rim;
 * - Mito: filaments (level lines, masked into segments) dense around the nucleus, or puncta when fragmented;
 * - AGP: cortical actin / plasma membrane at the outline, stress fibres along the long axis, Golgi cap.
 */
import { gaussBlur, standardise } from './filters';
import type { SiteGeometry } from './geometry';
import type { Phenotype } from './library';
import type { CellLineParams } from './cellLines';
import { Rng } from './prng';
import { textures, window, TEX_SIZE } from './textures';

export interface Planes {
  DNA: Float32Array;
  ER: Float32Array;
  RNA: Float32Array;
  AGP: Float32Array;
  Mito: Float32Array;
  /** optical thickness (phase) for brightfield */
  thickness: Float32Array;
  /** out-of-focus debris, added to every channel */
  debris: Float32Array;
}

/** Band-pass noise: white noise blurred at `fine`, minus the same at `coarse`, standardised. */
export function bandNoise(rng: Rng, w: number, h: number, fine: number, coarse: number): Float32Array {
  const white = new Float32Array(w * h);
  for (let i = 0; i < white.length; i++) white[i] = rng.next() - 0.5;
  const a = gaussBlur(white, w, h, fine);
  if (coarse > 0) {
    const b = gaussBlur(white, w, h, coarse);
    for (let i = 0; i < a.length; i++) a[i] -= b[i];
  }
  return standardise(a);
}

const smooth = (e0: number, e1: number, x: number) => {
  const t = Math.min(1, Math.max(0, (x - e0) / (e1 - e0)));
  return t * t * (3 - 2 * t);
};

export function renderPlanes(rng: Rng, g: SiteGeometry, line: CellLineParams, pheno: Phenotype): Planes {
  const { width: w, height: h, cells, cellLabels, nucleusLabels, cellS, nucS } = g;
  const n = w * h;
  const tex = textures();
  const win = (t: Float32Array) => window(t, w, h, rng.int(TEX_SIZE), rng.int(TEX_SIZE), rng.next() < 0.5);
  const chrom = win(tex.bandFine);
  const er = win(tex.bandMid);
  const mito = win(tex.bandFine);
  const mitoMask = win(tex.smooth3);
  const fine = win(tex.fine);
  const gran = win(tex.bandFine);
  const wobble = win(tex.smooth5);

  const DNA = new Float32Array(n);
  const ER = new Float32Array(n);
  const RNA = new Float32Array(n);
  const AGP = new Float32Array(n);
  const Mito = new Float32Array(n);
  const T = new Float32Array(n);

  // per-cell constants looked up by label (index 0 unused)
  const m = cells.length + 1;
  const fibreCos = new Float32Array(m);
  const fibreSin = new Float32Array(m);
  const fibrePer = new Float32Array(m);
  for (const c of cells) {
    fibreCos[c.id] = Math.cos(c.fibreAngle + Math.PI / 2);
    fibreSin[c.id] = Math.sin(c.fibreAngle + Math.PI / 2);
    fibrePer[c.id] = 2 * Math.PI / (3.2 + 1.5 * ((c.id * 0.618) % 1));
  }
  const fibres = line.fibres * Math.max(0, 1 + pheno.agp);

  for (let y = 0, p = 0; y < h; y++)
    for (let x = 0; x < w; x++, p++) {
      const id = cellLabels[p];
      if (id === 0) continue;
      const c = cells[id - 1];
      const s = cellS[p];
      const peri = 1 - s;
      const [eD, eE, eR, eA, eM] = c.expr;
      if (nucleusLabels[p] !== 0) {
        const sn = nucS[p];
        let dna = (0.72 + 0.28 * (1 - sn * sn)) * (1 + c.chromatin * chrom[p]);
        if (c.state === 'mitotic') dna = 2.6 * (0.8 + 0.4 * Math.max(0, chrom[p] + 1));
        else if (c.state === 'apoptotic') dna = 3.2 * (1 - 0.4 * sn * sn);
        DNA[p] = Math.max(0.05, dna) * eD;
        RNA[p] = 0.42 * eR * (1 + 0.25 * fine[p]);
        ER[p] = 0.1 * eE;
        Mito[p] = 0.06 * eM * peri;
        AGP[p] = 0.12 * eA;
        T[p] = c.thickness * Math.sqrt(Math.max(0, 1 - s * s)) * 0.9 + line.nucleusThickness * Math.sqrt(Math.max(0, 1 - sn * sn));
        continue;
      }
      // cytoplasm
      const sn = nucS[p];
      const envelope = sn < 1.4 ? 1 - (sn - 1) / 0.4 : 0;
      const dens = Math.pow(peri, 0.9);
      // ER: level lines of a noise field make a connected reticulum
      const e = er[p];
      const ret = 0.3 + 0.7 * Math.exp(-(e * e) / 0.18);
      ER[p] = eE * ((0.2 + 0.8 * dens * dens) * ret + 0.8 * envelope);
      // mitochondria: filaments (level lines, broken into segments by a mask) or puncta
      const mv = mito[p];
      const fil = Math.exp(-(mv * mv) / 0.1) * (mitoMask[p] > -0.3 ? 1 : 0.15);
      const pun = smooth(1.1, 2.0, gran[p] + 0.3 * mv);
      const f = c.mitoFrag;
      Mito[p] = eM * (0.04 + (0.25 + 0.95 * dens) * ((1 - f) * fil + f * 1.7 * pun));
      RNA[p] = eR * (0.12 + 0.28 * dens) * (1 + 0.35 * fine[p]);
      // AGP: cortex + membrane at the outline, stress fibres, (Golgi stamped below)
      let agp = 0.16 + 0.95 * smooth(0.8, 1.0, s) * (0.7 + 0.3 * fine[p]);
      if (c.state === 'interphase') {
        const ph = (x * fibreCos[id] + y * fibreSin[id]) * fibrePer[id] + 2.2 * wobble[p];
        const cv = Math.max(0, Math.cos(ph));
        agp += fibres * cv * cv * cv * cv * cv * cv * (0.35 + 0.65 * Math.max(0, 0.6 + 0.4 * mitoMask[p])) * smooth(0.1, 0.5, s);
      } else agp += 0.5 * smooth(0.6, 1.0, s);
      AGP[p] = eA * agp;
      const g2 = gran[p];
      T[p] = c.thickness * Math.pow(Math.max(0, 1 - s * s), 0.6) * (1 + 0.08 * fine[p]) + (g2 > 1.6 ? 0.18 * (g2 - 1.6) * dens : 0);
    }

  // nucleoli: RNA-rich, DNA-poor, optically dense; Golgi: a compact AGP cap beside the nucleus
  for (const c of cells) {
    for (const o of c.nucleoli) stamp(o.x, o.y, o.r, (p, g) => {
      if (nucleusLabels[p] !== c.id) return;
      RNA[p] += 1.5 * c.expr[2] * g;
      DNA[p] *= 1 - 0.65 * g;
      T[p] += 0.3 * g;
    });
    if (c.state !== 'interphase') continue;
    const gl = c.golgi;
    stamp(gl.x, gl.y, gl.r, (p, g) => {
      if (cellLabels[p] !== c.id || nucleusLabels[p] !== 0) return;
      AGP[p] += 1.1 * c.expr[3] * g * (0.6 + 0.4 * Math.max(0, 1 + fine[p]));
    });
  }

  function stamp(cx: number, cy: number, r: number, fn: (p: number, g: number) => void) {
    const R = Math.ceil(2.5 * r);
    const x0 = Math.max(0, Math.floor(cx) - R);
    const x1 = Math.min(w - 1, Math.floor(cx) + R);
    const y0 = Math.max(0, Math.floor(cy) - R);
    const y1 = Math.min(h - 1, Math.floor(cy) + R);
    const k = -1 / (2 * r * r);
    for (let y = y0; y <= y1; y++)
      for (let x = x0; x <= x1; x++) {
        const d2 = (x + 0.5 - cx) ** 2 + (y + 0.5 - cy) ** 2;
        fn(y * w + x, Math.exp(d2 * k));
      }
  }

  // out-of-focus debris: a few soft blobs per site
  const debris = new Float32Array(n);
  const nd = rng.poisson(1.2 * (n / (512 * 512)));
  for (let i = 0; i < nd; i++) {
    const cx = rng.next() * w;
    const cy = rng.next() * h;
    const r = rng.uniform(2, 9);
    const a = rng.uniform(0.3, 1.5);
    stamp(cx, cy, r, (p, g) => {
      debris[p] += a * g;
    });
  }
  return { DNA, ER, RNA, AGP, Mito, thickness: T, debris };
}
