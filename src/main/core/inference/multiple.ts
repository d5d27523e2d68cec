import type { OnnxGraph } from './onnxGraph';

const DOWNSAMPLING = new Set(['Conv', 'MaxPool', 'AveragePool', 'LpPool']);

/**
 * The side every spatial input must be a multiple of, read from the graph: the product of the
 * strides of its downsampling ops (a UNet with four 2× poolings → 16). Its skip connections
 * concatenate encoder and decoder maps, which only line up when each pooling divides evenly —
 * the "Concat … mismatched dimensions 61 and 60" failure of a 500-px tile. For graphs with
 * parallel strided branches this over-counts, which only costs padding.
 */
export function spatialMultiple(g: OnnxGraph): number {
  let m = 1;
  for (const n of g.nodes) {
    if (!DOWNSAMPLING.has(n.op)) continue;
    const s = n.attrs.get('strides')?.ints ?? [];
    m *= Math.max(1, ...s);
  }
  return Math.min(m, 1 << 12);
}

export const roundUp = (n: number, multiple: number) => Math.ceil(n / multiple) * multiple;
