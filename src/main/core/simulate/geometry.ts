/**
 * One site's geometry: where the cells are, their outlines and nuclei, as label images plus
 * per-pixel radial coordinates that the channel renderers use (0 at a centre, 1 at the outline).
 *
 * Outlines are star shapes r(θ) = R·(1 + Σ a_k cos(kθ − φ_k)) on a rotated, stretched frame. Cells
 * compete for pixels as a multiplicatively weighted Voronoi diagram: a pixel belongs to the cell
 * whose normalised radius d/r(θ) is smallest, if below 1. Dense seeds give a packed monolayer with
 * curved, irregular borders; sparse seeds leave gaps. Nuclei are drawn only inside their own cell,
 * so every nucleus lies in exactly one cell and carries that cell's id.
 */
import { gaussBlur, standardise } from './filters';
import type { CellLineParams } from './cellLines';
import type { Phenotype } from './library';
import { Rng } from './prng';

export const HARMONICS = 4; // k = 2..5

/** A star-shaped outline. */
export interface Shape {
  x: number;
  y: number;
  r: number;
  elong: number;
  angle: number;
  /** a_k·cos φ_k, a_k·sin φ_k for k = 2..5 */
  harm: number[];
}

export type CellState = 'interphase' | 'mitotic' | 'apoptotic';

export interface CellGeom {
  id: number;
  shape: Shape;
  state: CellState;
  nuclei: Shape[];
  /** nucleoli centres and radii (px) */
  nucleoli: Array<{ x: number; y: number; r: number }>;
  golgi: { x: number; y: number; r: number };
  fibreAngle: number;
  /** per-cell stain multipliers DNA, ER, RNA, AGP, Mito */
  expr: [number, number, number, number, number];
  thickness: number;
  /** mitochondrial fragmentation 0..1 */
  mitoFrag: number;
  /** chromatin texture strength */
  chromatin: number;
}

export interface SiteGeometry {
  width: number;
  height: number;
  cells: CellGeom[];
  /** cell label per pixel (0 background), ids 1..cells.length */
  cellLabels: Uint16Array;
  nucleusLabels: Uint16Array;
  /** normalised radius within the pixel's cell (1 outside cells) */
  cellS: Float32Array;
  /** normalised radius within the pixel's nucleus (≥ 1 outside, continues outward for the envelope) */
  nucS: Float32Array;
}

export interface GeometryOptions {
  width: number;
  height: number;
  line: CellLineParams;
  pheno: Phenotype;
  /** cell density multiplier (edge wells, empty wells) */
  density: number;
}

function randomShape(rng: Rng, x: number, y: number, r: number, elong: number, irregularity: number): Shape {
  const harm: number[] = [];
  for (let k = 0; k < HARMONICS; k++) {
    // lower harmonics vary more: broad lobes, then finer ruffles
    const a = irregularity * rng.uniform(0.3, 1) / (1 + 0.5 * k);
    const phi = rng.uniform(0, 2 * Math.PI);
    harm.push(a * Math.cos(phi), a * Math.sin(phi));
  }
  return { x, y, r, elong, angle: rng.uniform(0, Math.PI), harm };
}

/**
 * Normalised radius of (px, py) in a shape; 0 at the centre, 1 on the outline.
 * The trigonometry is done with a cos/sin recurrence (no atan2 per pixel).
 */
export function shapeS(s: Shape, px: number, py: number, ca: number, sa: number, se: number): number {
  const dx = px - s.x;
  const dy = py - s.y;
  const u = (dx * ca + dy * sa) / se;
  const v = (-dx * sa + dy * ca) * se;
  const d = Math.sqrt(u * u + v * v);
  if (d < 1e-6) return 0;
  const c1 = u / d;
  const s1 = v / d;
  // k = 2..5 via angle addition
  let ck = c1 * c1 - s1 * s1;
  let sk = 2 * c1 * s1;
  let rr = 1;
  const h = s.harm;
  for (let k = 0; k < HARMONICS; k++) {
    rr += h[2 * k] * ck + h[2 * k + 1] * sk;
    const c = ck * c1 - sk * s1;
    sk = sk * c1 + ck * s1;
    ck = c;
  }
  return d / (s.r * Math.max(0.35, rr));
}

/** Bounding radius of a shape (generous). */
function reach(s: Shape): number {
  let a = 0;
  for (let k = 0; k < HARMONICS; k++) a += Math.hypot(s.harm[2 * k], s.harm[2 * k + 1]);
  return s.r * Math.sqrt(s.elong) * (1 + a) + 1;
}

/** Low-frequency field in [0, 1] for colony clustering. */
function densityField(rng: Rng, w: number, h: number, scale: number): Float32Array {
  // coarse grid of noise, blurred: cheap and smooth
  const gw = Math.ceil(w / 8);
  const gh = Math.ceil(h / 8);
  const g = new Float32Array(gw * gh);
  for (let i = 0; i < g.length; i++) g[i] = rng.next() - 0.5;
  const b = standardise(gaussBlur(g, gw, gh, scale / 8));
  const out = new Float32Array(gw * gh);
  for (let i = 0; i < b.length; i++) out[i] = 1 / (1 + Math.exp(-1.6 * b[i]));
  return out;
}

/** Place cells and rasterise labels. */
export function buildGeometry(rng: Rng, o: GeometryOptions): SiteGeometry {
  const { width: w, height: h, line, pheno } = o;
  const area = (w * h) / (512 * 512);
  const viability = Math.max(0, 1 - pheno.toxicity);
  const target = rng.poisson(line.cellsPerSite * area * viability * o.density);
  // survivors of a toxic dose spread a little into the room left
  const spread = (1 + pheno.spreading) * (1 + 0.25 * pheno.toxicity);
  const mitoticP = Math.min(0.6, line.mitoticFraction + pheno.mitoticArrest);
  const apoptoticP = Math.min(0.5, line.apoptoticFraction + pheno.apoptosis);

  // --- seeds: dart throwing against a colony-density field, with a minimum spacing
  const field = densityField(rng, w, h, 90);
  const gw = Math.ceil(w / 8);
  const placed: Array<{ x: number; y: number; r: number }> = [];
  const bucket = 24;
  const bw = Math.ceil(w / bucket);
  const bh = Math.ceil(h / bucket);
  const grid: number[][] = Array.from({ length: bw * bh }, () => []);
  const tries = target * 40;
  for (let t = 0; t < tries && placed.length < target; t++) {
    const x = rng.next() * w;
    const y = rng.next() * h;
    const d = field[Math.floor(y / 8) * gw + Math.floor(x / 8)];
    const accept = (1 - line.clustering) + line.clustering * d * d * 1.6;
    if (rng.next() > accept) continue;
    const r = line.cellRadius * spread * rng.logNormal(line.cellRadiusSd);
    const bx = Math.floor(x / bucket);
    const by = Math.floor(y / bucket);
    let ok = true;
    for (let yy = Math.max(0, by - 2); ok && yy <= Math.min(bh - 1, by + 2); yy++)
      for (let xx = Math.max(0, bx - 2); ok && xx <= Math.min(bw - 1, bx + 2); xx++)
        for (const j of grid[yy * bw + xx]) {
          const p = placed[j];
          const min = 0.62 * (p.r + r);
          if ((p.x - x) ** 2 + (p.y - y) ** 2 < min * min) {
            ok = false;
            break;
          }
        }
    if (!ok) continue;
    grid[by * bw + bx].push(placed.length);
    placed.push({ x, y, r });
  }

  // --- cells
  const cells: CellGeom[] = [];
  for (const p of placed) {
    const u = rng.next();
    const state: CellState = u < mitoticP ? 'mitotic' : u < mitoticP + apoptoticP ? 'apoptotic' : 'interphase';
    const multi = state === 'interphase' && rng.next() < pheno.multinucleation;
    // outlines reach past the nominal radius: neighbours overlap and the weighted Voronoi splits them
    let r = p.r * 1.5 * (multi ? 1.3 : 1);
    let elong = Math.max(1, line.elongation * rng.logNormal(0.2));
    let irr = line.irregularity;
    if (state === 'mitotic') {
      r *= 0.62;
      elong = 1.05;
      irr = 0.02;
    } else if (state === 'apoptotic') {
      r *= 0.5;
      elong = 1.1;
      irr = 0.25;
    }
    const shape = randomShape(rng, p.x, p.y, r, elong, irr);
    const nr0 = line.nucleusRadius * (1 + pheno.nucleusSize) * rng.logNormal(0.12) * (state === 'interphase' ? 1 : 0.8);
    const nuclei: Shape[] = [];
    // nucleus sits near the centre, pushed a little off it, as in spread cells
    const off = state === 'interphase' ? r * rng.uniform(0, 0.2) : 0;
    const oa = rng.uniform(0, 2 * Math.PI);
    const nx = p.x + off * Math.cos(oa);
    const ny = p.y + off * Math.sin(oa);
    if (state === 'mitotic') {
      // metaphase plate or anaphase pair of condensed chromatin
      if (rng.next() < 0.65) nuclei.push({ ...randomShape(rng, nx, ny, nr0 * 0.55, 3.2, 0.08), angle: shape.angle });
      else {
        const sep = nr0 * 0.9;
        for (const sgn of [-1, 1])
          nuclei.push(randomShape(rng, nx + sgn * sep * Math.cos(shape.angle), ny + sgn * sep * Math.sin(shape.angle), nr0 * 0.45, 1.8, 0.1));
      }
    } else if (state === 'apoptotic') {
      const n = 1 + rng.int(3);
      for (let i = 0; i < n; i++)
        nuclei.push(randomShape(rng, nx + rng.uniform(-2, 2), ny + rng.uniform(-2, 2), nr0 * rng.uniform(0.3, 0.45), 1.1, 0.1));
    } else if (multi) {
      const sep = nr0 * 0.95;
      for (const sgn of [-1, 1])
        nuclei.push(randomShape(rng, nx + sgn * sep * Math.cos(shape.angle), ny + sgn * sep * Math.sin(shape.angle), nr0 * 0.85, line.nucleusElongation, 0.05));
    } else {
      const ns = randomShape(rng, nx, ny, nr0, line.nucleusElongation * rng.logNormal(0.1), 0.05);
      ns.angle = shape.angle + rng.normal() * 0.3; // nuclei align with the cell's long axis
      nuclei.push(ns);
    }
    const nucleoli: CellGeom['nucleoli'] = [];
    if (state === 'interphase')
      for (const n of nuclei) {
        const k = 1 + rng.int(4);
        for (let i = 0; i < k; i++) {
          const a = rng.uniform(0, 2 * Math.PI);
          const d = n.r * rng.uniform(0, 0.5);
          nucleoli.push({ x: n.x + d * Math.cos(a), y: n.y + d * Math.sin(a), r: rng.uniform(0.9, 1.6) * (n.r / 5.5) });
        }
      }
    const ga = oa + Math.PI + rng.normal() * 0.5;
    const n0 = nuclei[0];
    cells.push({
      id: 0,
      shape,
      state,
      nuclei,
      nucleoli,
      golgi: { x: n0.x + 1.15 * n0.r * Math.cos(ga), y: n0.y + 1.15 * n0.r * Math.sin(ga), r: n0.r * rng.uniform(0.45, 0.7) },
      fibreAngle: shape.angle + rng.normal() * 0.25,
      expr: [rng.logNormal(0.15), rng.logNormal(0.25), rng.logNormal(0.22), rng.logNormal(0.25), rng.logNormal(0.28)],
      thickness: line.thickness * rng.logNormal(0.15) * (state === 'mitotic' ? 2.6 : state === 'apoptotic' ? 1.8 : 1),
      mitoFrag: Math.min(1, Math.max(0, 0.08 + pheno.mitoFragmentation + 0.08 * rng.normal() + (state === 'apoptotic' ? 0.6 : 0))),
      chromatin: Math.max(0.05, 0.22 * (1 + 1.8 * pheno.chromatin) * rng.logNormal(0.15)),
    });
  }
  return rasterise(w, h, cells);
}

/** Rasterise cells (weighted Voronoi) and nuclei (inside their cell), then drop cells without a nucleus. */
function rasterise(w: number, h: number, cells: CellGeom[]): SiteGeometry {
  const n = w * h;
  const cellIdx = new Int32Array(n).fill(-1);
  const cellS = new Float32Array(n).fill(1);
  for (let i = 0; i < cells.length; i++) {
    const s = cells[i].shape;
    const R = reach(s);
    const ca = Math.cos(s.angle);
    const sa = Math.sin(s.angle);
    const se = Math.sqrt(s.elong);
    const x0 = Math.max(0, Math.floor(s.x - R));
    const x1 = Math.min(w - 1, Math.ceil(s.x + R));
    const y0 = Math.max(0, Math.floor(s.y - R));
    const y1 = Math.min(h - 1, Math.ceil(s.y + R));
    const R2 = R * R;
    for (let y = y0; y <= y1; y++)
      for (let x = x0; x <= x1; x++) {
        const dx = x + 0.5 - s.x;
        const dy = y + 0.5 - s.y;
        if (dx * dx + dy * dy > R2) continue; // outside the bounding circle: s ≥ 1 anyway
        const v = shapeS(s, x + 0.5, y + 0.5, ca, sa, se);
        const p = y * w + x;
        if (v < 1 && v < cellS[p]) {
          cellS[p] = v;
          cellIdx[p] = i;
        }
      }
  }
  const nucIdx = new Int32Array(n).fill(-1);
  const nucS = new Float32Array(n).fill(4);
  for (let i = 0; i < cells.length; i++)
    for (const s of cells[i].nuclei) {
      const R = reach(s) * 1.6; // keep going past the outline: the nuclear envelope uses nucS in 1..1.5
      const ca = Math.cos(s.angle);
      const sa = Math.sin(s.angle);
      const se = Math.sqrt(s.elong);
      const x0 = Math.max(0, Math.floor(s.x - R));
      const x1 = Math.min(w - 1, Math.ceil(s.x + R));
      const y0 = Math.max(0, Math.floor(s.y - R));
      const y1 = Math.min(h - 1, Math.ceil(s.y + R));
      for (let y = y0; y <= y1; y++)
        for (let x = x0; x <= x1; x++) {
          const p = y * w + x;
          if (cellIdx[p] !== i) continue;
          const v = shapeS(s, x + 0.5, y + 0.5, ca, sa, se);
          if (v < nucS[p]) {
            nucS[p] = v;
            if (v < 1) nucIdx[p] = i;
          }
        }
    }
  // a cell squeezed so much that its nucleus (nearly) vanished is dropped, as are its pixels
  const nucCount = new Int32Array(cells.length);
  for (let p = 0; p < n; p++) if (nucIdx[p] >= 0) nucCount[nucIdx[p]]++;
  const newId = new Int32Array(cells.length);
  const kept: CellGeom[] = [];
  for (let i = 0; i < cells.length; i++) {
    if (nucCount[i] >= 4) {
      newId[i] = kept.length + 1;
      cells[i].id = kept.length + 1;
      kept.push(cells[i]);
    }
  }
  const cellLabels = new Uint16Array(n);
  const nucleusLabels = new Uint16Array(n);
  for (let p = 0; p < n; p++) {
    const c = cellIdx[p];
    if (c < 0) continue;
    const id = newId[c];
    if (id === 0) {
      cellS[p] = 1;
      nucS[p] = 4;
      continue;
    }
    cellLabels[p] = id;
    if (nucIdx[p] >= 0) nucleusLabels[p] = id;
  }
  return { width: w, height: h, cells: kept, cellLabels, nucleusLabels, cellS, nucS };
}
