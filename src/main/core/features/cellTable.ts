import { COMPARTMENTS, type SiteMeasurements } from './measure';

/**
 * One row per cell: the Cells, Cytoplasm and Nuclei measurements of the same object number side
 * by side, with CellProfiler's compartment prefixes (Cells_AreaShape_Area, Nuclei_...). Column-major.
 */
export interface CellTable {
  objectNumbers: Int32Array;
  touchesBorder: Uint8Array;
  names: string[];
  columns: Float64Array[];
}

export function cellTable(m: SiteMeasurements): CellTable {
  const cells = m.Cells;
  const n = cells.objectNumbers.length;
  const names: string[] = [];
  const columns: Float64Array[] = [];
  for (const comp of COMPARTMENTS) {
    const t = m[comp];
    const pos = new Map<number, number>();
    t.objectNumbers.forEach((id, k) => pos.set(id, k));
    const rows = Int32Array.from(cells.objectNumbers, (id) => pos.get(id) ?? -1);
    t.names.forEach((name, j) => {
      names.push(`${comp}_${name}`);
      const src = t.values[j];
      columns.push(Float64Array.from(rows, (k) => (k < 0 ? NaN : src[k])));
    });
  }
  const touches = Uint8Array.from(cells.touchesBorder);
  // a cell whose nucleus touches the border is cut as well
  const nucPos = new Map<number, number>();
  m.Nuclei.objectNumbers.forEach((id, k) => nucPos.set(id, k));
  cells.objectNumbers.forEach((id, k) => {
    const p = nucPos.get(id);
    if (p !== undefined && m.Nuclei.touchesBorder[p]) touches[k] = 1;
  });
  // the site's whole-image measurements on every cell row, as pycytominer merges the Image table
  if (m.Image)
    m.Image.names.forEach((name, j) => {
      names.push(`Image_${name}`);
      columns.push(new Float64Array(n).fill(m.Image!.values[j]));
    });
  return { objectNumbers: Int32Array.from(cells.objectNumbers), touchesBorder: touches, names, columns: n ? columns : columns.map(() => new Float64Array(0)) };
}
