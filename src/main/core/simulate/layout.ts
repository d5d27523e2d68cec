/**
 * The demo plate map, laid out like a JUMP compound plate: DMSO negative controls and a positive
 * control spread over the plate on a fixed lattice (never on the edge), treatments (compounds ×
 * concentrations × replicates) shuffled into the remaining wells with a fixed seed, so every plate
 * of one format shares one plate map, as JUMP plates do.
 */
import { PLATE_FORMATS, wellName, type PlateFormat } from '../../../shared/channels';
import { COMPOUNDS, DOSES_MM, POSITIVE_CONTROL, type Compound } from './library';
import { hashSeed, Rng } from './prng';

export type ControlType = 'negcon' | 'poscon' | 'trt';

export interface WellPlan {
  row: number;
  col: number;
  well: string;
  /** null for DMSO */
  compound: Compound | null;
  /** broad_sample written to the plate map ('' for DMSO) */
  broadSample: string;
  doseMm: number;
  control: ControlType;
}

/** The positive control gets its own batch id (as JUMP plates list controls separately). */
export const POSCON_SAMPLE = POSITIVE_CONTROL.broadSample.replace(/-001-01-0$/, '-002-01-0');
export const POSCON_DOSE_MM = 0.01;

/** Doses per format chosen so treatments fill the non-control wells exactly. */
const DOSES: Record<PlateFormat, readonly number[]> = {
  96: [DOSES_MM[2], DOSES_MM[3], DOSES_MM[4]],
  384: [DOSES_MM[1], DOSES_MM[2], DOSES_MM[3], DOSES_MM[4]],
  1536: [DOSES_MM[1], DOSES_MM[2], DOSES_MM[3], DOSES_MM[4]],
};

export function platemapName(format: PlateFormat): string {
  return `STAINLESS-DEMO-${format}`;
}

export function isEdge(format: PlateFormat, row: number, col: number): boolean {
  const { rows, cols } = PLATE_FORMATS[format];
  return row === 0 || col === 0 || row === rows - 1 || col === cols - 1;
}

export function plateLayout(format: PlateFormat): WellPlan[] {
  const { rows, cols } = PLATE_FORMATS[format];
  const plans: WellPlan[] = [];
  const free: Array<{ row: number; col: number }> = [];
  for (let row = 0; row < rows; row++)
    for (let col = 0; col < cols; col++) {
      const base = { row, col, well: wellName(row, col) };
      if (row % 4 === 1 && col % 3 === 1) plans.push({ ...base, compound: null, broadSample: '', doseMm: 0, control: 'negcon' });
      else if (row % 4 === 2 && col % 6 === 2)
        plans.push({ ...base, compound: POSITIVE_CONTROL, broadSample: POSCON_SAMPLE, doseMm: POSCON_DOSE_MM, control: 'poscon' });
      else free.push({ row, col });
    }
  const conditions: Array<{ compound: Compound; dose: number }> = [];
  const doses = DOSES[format];
  while (conditions.length < free.length)
    for (const compound of COMPOUNDS) for (const dose of doses) conditions.push({ compound, dose });
  conditions.length = free.length;
  // Fisher–Yates with a fixed seed per format: same plate map for every demo plate of a format
  const rng = new Rng(hashSeed(format, 0x9a7e));
  for (let i = conditions.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [conditions[i], conditions[j]] = [conditions[j], conditions[i]];
  }
  free.forEach((w, i) => {
    const c = conditions[i];
    plans.push({ row: w.row, col: w.col, well: wellName(w.row, w.col), compound: c.compound, broadSample: c.compound.broadSample, doseMm: c.dose, control: 'trt' });
  });
  return plans.sort((a, b) => a.row - b.row || a.col - b.col);
}
