import { newBlock, type FeatureBlock, type ObjectIndex } from './objects';

/**
 * CellProfiler 4.2 MeasureObjectNeighbors, method Adjacent (distance 1, a plus-shaped
 * structuring element): neighbours are other objects within one 4-step of the object;
 * PercentTouching = outline pixels (centrosome.outline) within one 4-step of another object, over
 * all outline pixels; closest objects and their distances by centroid; angle between the vectors
 * to the first and second closest, in degrees.
 */
export const NEIGHBOR_NAMES = [
  'NumberOfNeighbors', 'PercentTouching', 'FirstClosestObjectNumber', 'FirstClosestDistance', 'SecondClosestObjectNumber',
  'SecondClosestDistance', 'AngleBetweenNeighbors',
].map((n) => `Neighbors_${n}_Adjacent`);

export function measureNeighbors(ix: ObjectIndex, outline: Uint8Array, cx: Float64Array, cy: Float64Array): FeatureBlock {
  const { width: w, height: h, labels, ids, start, pixels } = ix;
  const n = ids.length;
  const block = newBlock(NEIGHBOR_NAMES, n);
  const [NN, PT, F1, FD, S1, SD, ANG] = block.values;
  const seen = new Int32Array(Math.max(1, ids.length ? ids[n - 1] + 1 : 1)).fill(-1);
  for (let k = 0; k < n; k++) {
    const id = ids[k];
    let nn = 0, per = 0, touch = 0;
    for (let p = start[k]; p < start[k + 1]; p++) {
      const i = pixels[p];
      const y = (i / w) | 0;
      const x = i - y * w;
      let touches = false;
      for (let e = 0; e < 4; e++) {
        let j: number;
        if (e === 0) { if (x === 0) continue; j = i - 1; }
        else if (e === 1) { if (x === w - 1) continue; j = i + 1; }
        else if (e === 2) { if (y === 0) continue; j = i - w; }
        else { if (y === h - 1) continue; j = i + w; }
        const v = labels[j];
        if (!v || v === id) continue;
        touches = true;
        if (seen[v] !== k) {
          seen[v] = k;
          nn++;
        }
      }
      if (outline[i]) {
        per++;
        if (touches) touch++;
      }
    }
    NN[k] = nn;
    PT[k] = per ? (touch * 100) / per : 0;
    let b1 = -1, b2 = -1, d1 = Infinity, d2 = Infinity;
    for (let j = 0; j < n; j++) {
      if (j === k) continue;
      const d = Math.hypot(cx[j] - cx[k], cy[j] - cy[k]);
      if (d < d1) {
        d2 = d1;
        b2 = b1;
        d1 = d;
        b1 = j;
      } else if (d < d2) {
        d2 = d;
        b2 = j;
      }
    }
    F1[k] = b1 >= 0 ? ids[b1] : NaN;
    FD[k] = b1 >= 0 ? d1 : NaN;
    S1[k] = b2 >= 0 ? ids[b2] : NaN;
    SD[k] = b2 >= 0 ? d2 : NaN;
    if (b1 >= 0 && b2 >= 0) {
      const ax = cx[b1] - cx[k], ay = cy[b1] - cy[k], bx = cx[b2] - cx[k], by = cy[b2] - cy[k];
      const c = (ax * bx + ay * by) / (Math.hypot(ax, ay) * Math.hypot(bx, by));
      ANG[k] = (Math.acos(Math.max(-1, Math.min(1, c))) * 180) / Math.PI;
    } else ANG[k] = NaN;
  }
  return block;
}
