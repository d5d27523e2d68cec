// MeasureObjectSkeleton (features/objectSkeleton.ts) of the Nuclei on mito_skel for CellProfiler's
// ExampleHuman site (512×512, its nuclei and the reference script's mito_skel), on one thread, in
// CPU-seconds: the median of 3 runs after a warm-up.
import type { BenchRow } from './types';
import { readGray } from '../src/main/core/io/tiff';
import { grayToLabels } from '../src/main/core/segment/labels';
import { indexObjects } from '../src/main/core/features/objects';
import { measureObjectSkeleton } from '../src/main/core/features/objectSkeleton';

export default async function (): Promise<BenchRow[]> {
  const dir = new URL('../test/fixtures/features/examplehuman-labels/', import.meta.url);
  const nuclei = grayToLabels(await readGray(new URL('nuclei.tiff', dir).pathname));
  const skel = await readGray(new URL('mito-skel.tiff', dir).pathname);
  const mask = Uint8Array.from(skel.data, (v) => (v ? 1 : 0));
  const ids = indexObjects(nuclei).ids;
  const cpu = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1e6;
  };
  const times: number[] = [];
  for (let r = 0; r < 4; r++) {
    const t0 = cpu();
    measureObjectSkeleton(nuclei.data, mask, nuclei.width, nuclei.height, ids, 'mito_skel');
    if (r) times.push(cpu() - t0);
  }
  const median = [...times].sort((a, b) => a - b)[1];
  return [{ stage: 'skeleton', figure: `MeasureObjectSkeleton, ExampleHuman 512² (${ids.length} nuclei)`, value: median, unit: 'cpu-s/site' }];
}
