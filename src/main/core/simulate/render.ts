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
import type { SiteGeometry } from './geometry';
import type { Phenotype } from './library';
import type { CellLineParams } from './cellLines';
import { Rng } from './prng';
import { textures, TEX_SIZE } from './textures';

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

const smooth = (e0: number, e1: number, x: number) => {
  const t = Math.min(1, Math.max(0, (x - e0) / (e1 - e0)));
  return t * t * (3 - 2 * t);
};

export function renderPlanes(rng: Rng, g: SiteGeometry, line: CellLineParams, pheno: Phenotype): Planes {
  const { width: w, height: h, cells, cellLabels, nucleusLabels, cellS, nucS } = g;
  const n = w * h;
  const tex = textures();
  // each texture is read at its own seeded offset into the periodic table (no copies)
  const offs = Array.from({ length: 7 }, () => [rng.int(TEX_SIZE), rng.int(TEX_SIZE)]);
  const { bandFine, bandMid, smooth3, smooth5 } = tex;
  const fineT = tex.fine;
  const M = TEX_SIZE - 1;

  const DNA = new Float32Array(n);
  const ER = new Float32Array(n);
  const RNA = new Float32Array(n);
  const AGP = new Float32Array(n);
  const Mito = new Float32Array(n);
  const T = new Float32Array(n);

  // per-cell constants looked up by label (index 0 unused): typed arrays keep the pixel loop monomorphic
  const m = cells.length + 1;
  const fibreCos = new Float32Array(m);
  const fibreSin = new Float32Array(m);
  const fibrePer = new Float32Array(m);
  const state = new Uint8Array(m);
  const chromatin = new Float32Array(m);
  const frag = new Float32Array(m);
  const thick = new Float32Array(m);
  const ex = new Float32Array(5 * m);
  for (const c of cells) {
    fibreCos[c.id] = Math.cos(c.fibreAngle + Math.PI / 2);
    fibreSin[c.id] = Math.sin(c.fibreAngle + Math.PI / 2);
    fibrePer[c.id] = (2 * Math.PI) / (5.5 + 3 * ((c.id * 0.618) % 1));
    state[c.id] = c.state === 'interphase' ? 0 : c.state === 'mitotic' ? 1 : 2;
    chromatin[c.id] = c.chromatin;
    frag[c.id] = c.mitoFrag;
    thick[c.id] = c.thickness;
    for (let k = 0; k < 5; k++) ex[5 * c.id + k] = c.expr[k];
  }
  const fibres = line.fibres * Math.max(0, 1 + pheno.agp);
  const nucThick = line.nucleusThickness;

  for (let y = 0, p = 0; y < h; y++) {
    const r0 = ((y + offs[0][1]) & M) * TEX_SIZE;
    const r1 = ((y + offs[1][1]) & M) * TEX_SIZE;
    const r2 = ((y + offs[2][1]) & M) * TEX_SIZE;
    const r3 = ((y + offs[3][1]) & M) * TEX_SIZE;
    const r4 = ((y + offs[4][1]) & M) * TEX_SIZE;
    const r5 = ((y + offs[5][1]) & M) * TEX_SIZE;
    const r6 = ((y + offs[6][1]) & M) * TEX_SIZE;
    for (let x = 0; x < w; x++, p++) {
      const id = cellLabels[p];
      if (id === 0) continue;
      const s = cellS[p];
      const peri = 1 - s;
      const b = 5 * id;
      const fineV = fineT[r4 + ((x + offs[4][0]) & M)];
      if (nucleusLabels[p] !== 0) {
        const sn = nucS[p];
        const chromV = bandFine[r0 + ((x + offs[0][0]) & M)];
        const st = state[id];
        let dna = (0.72 + 0.28 * (1 - sn * sn)) * (1 + chromatin[id] * chromV);
        if (st === 1) dna = 2.6 * (0.8 + 0.4 * Math.max(0, chromV + 1));
        else if (st === 2) dna = 3.2 * (1 - 0.4 * sn * sn);
        DNA[p] = Math.max(0.05, dna) * ex[b];
        RNA[p] = 0.42 * ex[b + 2] * (1 + 0.25 * fineV);
        ER[p] = 0.1 * ex[b + 1];
        Mito[p] = 0.06 * ex[b + 4] * peri;
        AGP[p] = 0.12 * ex[b + 3];
        T[p] = thick[id] * Math.sqrt(Math.max(0, 1 - s * s)) * 0.9 + nucThick * Math.sqrt(Math.max(0, 1 - sn * sn));
        continue;
      }
      // cytoplasm
      const sn = nucS[p];
      const envelope = sn < 1.3 ? 1 - (sn - 1) / 0.3 : 0;
      const dens = peri;
      // ER: level lines of a noise field make a connected reticulum
      const e = bandMid[r1 + ((x + offs[1][0]) & M)];
      const ret = 0.3 + 0.7 * Math.exp(-(e * e) * 5.5);
      ER[p] = ex[b + 1] * ((0.12 + 1.1 * dens * Math.sqrt(dens)) * ret + 0.3 * envelope);
      // mitochondria: filaments (level lines, broken into segments by a mask) or puncta
      const mv = bandFine[r2 + ((x + offs[2][0]) & M)];
      const maskV = smooth3[r3 + ((x + offs[3][0]) & M)];
      const g2 = bandFine[r5 + ((x + offs[5][0]) & M)];
      const fil = Math.exp(-(mv * mv) * 10) * (maskV > -0.3 ? 1 : 0.15);
      const pun = smooth(1.1, 2.0, g2 + 0.3 * mv);
      const f = frag[id];
      Mito[p] = ex[b + 4] * (0.04 + (0.25 + 0.95 * dens) * ((1 - f) * fil + f * 1.7 * pun));
      RNA[p] = ex[b + 2] * (0.12 + 0.28 * dens) * (1 + 0.35 * fineV);
      // AGP: cortex + membrane at the outline, stress fibres, (Golgi stamped below)
      let agp = 0.16 + 0.95 * smooth(0.8, 1.0, s) * (0.7 + 0.3 * fineV);
      if (state[id] === 0) {
        // stress fibres: straight bundles along the long axis, present in patches, sparse
        const ph = (x * fibreCos[id] + y * fibreSin[id]) * fibrePer[id];
        const cv = Math.max(0, Math.cos(ph));
        const cv2 = cv * cv;
        const cv4 = cv2 * cv2;
        agp += fibres * 1.3 * cv4 * cv4 * smooth(-0.3, 0.5, smooth5[r6 + ((x + offs[6][0]) & M)]) * smooth(0.1, 0.5, s);
      } else agp += 0.5 * smooth(0.6, 1.0, s);
      AGP[p] = ex[b + 3] * agp;
      const q = Math.max(0, 1 - s * s);
      // q^0.6 via sqrt(q)·q^0.1 is close enough to a dome; granules (vesicles) add optical density
      T[p] = thick[id] * Math.sqrt(q) * (1 + 0.08 * fineV) + (g2 > 1.6 ? 0.18 * (g2 - 1.6) * dens : 0);
    }
  }

  // nucleoli: RNA-rich, DNA-poor, optically dense; Golgi: a compact AGP cap beside the nucleus
  for (const c of cells) {
    for (const o of c.nucleoli) stamp(o.x, o.y, o.r, (p, g) => {
      if (nucleusLabels[p] !== c.id) return;
      RNA[p] += 1.5 * c.expr[2] * g;
      DNA[p] *= 1 - 0.3 * g;
      T[p] += 0.3 * g;
    });
    if (c.state !== 'interphase') continue;
    const gl = c.golgi;
    stamp(gl.x, gl.y, gl.r, (p, g) => {
      if (cellLabels[p] !== c.id || nucleusLabels[p] !== 0) return;
      AGP[p] += 1.1 * c.expr[3] * g * (0.6 + 0.4 * Math.max(0, 1 + fineT[p & (TEX_SIZE * TEX_SIZE - 1)]));
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
