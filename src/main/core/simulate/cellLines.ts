/**
 * Morphology of the two JUMP cpg0000 cell lines, in pixels at the demo's ~1.26 µm/px.
 * A549: small, cobblestone epithelial cells in dense islands, round nuclei, thicker.
 * U2OS: large, flat, spread and elongated cells with protrusions, bigger oval nuclei, sparser.
 * The differences are deliberately large (size, shape, density, thickness, textures) so that a
 * model trained on one line degrades on the other, as the benchmark papers report for real cells.
 */
export type CellLine = 'A549' | 'U2OS';
export const CELL_LINES: readonly CellLine[] = ['A549', 'U2OS'];

export interface CellLineParams {
  /** cells per 512×512 site at full viability (scaled by area for other sizes) */
  cellsPerSite: number;
  /** median cell radius (px) and log-sd of its variation */
  cellRadius: number;
  cellRadiusSd: number;
  /** elongation: ratio of long to short axis (median) */
  elongation: number;
  /** amplitude of boundary harmonics 2..6 (irregularity) */
  irregularity: number;
  /** how strongly cells cluster into islands (0 uniform, 1 strong) */
  clustering: number;
  nucleusRadius: number;
  nucleusElongation: number;
  /** peak optical thickness of the cell body and nucleus (arbitrary phase units) */
  thickness: number;
  nucleusThickness: number;
  /** relative brightness of the five stains (DNA, ER, RNA, AGP, Mito) */
  stain: [number, number, number, number, number];
  /** stress fibre strength (AGP) */
  fibres: number;
  mitoticFraction: number;
  apoptoticFraction: number;
}

export const CELL_LINE_PARAMS: Record<CellLine, CellLineParams> = {
  A549: {
    cellsPerSite: 380,
    cellRadius: 11,
    cellRadiusSd: 0.18,
    elongation: 1.3,
    irregularity: 0.11,
    clustering: 0.75,
    nucleusRadius: 5.8,
    nucleusElongation: 1.15,
    thickness: 1.0,
    nucleusThickness: 0.7,
    stain: [1.0, 0.8, 0.75, 0.7, 0.9],
    fibres: 0.25,
    mitoticFraction: 0.03,
    apoptoticFraction: 0.015,
  },
  U2OS: {
    cellsPerSite: 150,
    cellRadius: 19,
    cellRadiusSd: 0.22,
    elongation: 1.7,
    irregularity: 0.16,
    clustering: 0.3,
    nucleusRadius: 7.0,
    nucleusElongation: 1.35,
    thickness: 0.55,
    nucleusThickness: 0.6,
    stain: [0.9, 1.0, 0.7, 1.0, 1.0],
    fibres: 0.8,
    mitoticFraction: 0.025,
    apoptoticFraction: 0.01,
  },
};
