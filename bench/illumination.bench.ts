// Illumination correction (core/illumination) at JUMP's site size, 1080×1080 16-bit, on one thread in
// CPU-seconds: CorrectIlluminationCalculate's per-image step (rescale, Resize 0.2 with its
// anti-aliasing, accumulate), its per-plate-and-channel finish (median filter, robust rescale,
// Resize back), and CorrectIlluminationApply of one image. The image is CellProfiler's ExampleHuman
// DNA (512², 8-bit) tiled to 1080² and spread to 16 bits; median of 3 runs after a warm-up.
import type { BenchRow } from './types';
import { readGray, type Gray } from '../src/main/core/io/tiff';
import { IllumAccumulator } from '../src/main/core/illumination/calculate';
import { divideByIllum } from '../src/main/core/illumination/apply';

const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

function median3(f: () => void): number {
  const t: number[] = [];
  for (let r = 0; r < 4; r++) {
    const t0 = cpu();
    f();
    if (r) t.push(cpu() - t0);
  }
  return t.sort((a, b) => a - b)[1];
}

export default async function (): Promise<BenchRow[]> {
  const src = await readGray(new URL('../../shared/data/cellprofiler-examplehuman/AS_09125_050116030001_D03f00d0.tif', import.meta.url).pathname).catch(() =>
    readGray('/work/shared/data/cellprofiler-examplehuman/AS_09125_050116030001_D03f00d0.tif'),
  );
  const N = 1080;
  const data = new Uint16Array(N * N);
  for (let y = 0; y < N; y++) for (let x = 0; x < N; x++) data[y * N + x] = src.data[(y % src.height) * src.width + (x % src.width)] * 257;
  const img: Gray = { width: N, height: N, bitDepth: 16, data };
  const acc = new IllumAccumulator();
  const add = median3(() => acc.add(img, 'bench'));
  let fn: ReturnType<IllumAccumulator['finish']> = null;
  const finish = median3(() => (fn = acc.finish()));
  const apply = median3(() => divideByIllum(img, fn!, 'bench'));
  return [
    { stage: 'illumination', figure: 'CorrectIlluminationCalculate, per image (1080², Resize 0.2 + sum)', value: add, unit: 'cpu-s/image' },
    { stage: 'illumination', figure: 'CorrectIlluminationCalculate, per plate and channel (median 20, rescale, Resize back)', value: finish, unit: 'cpu-s/channel' },
    { stage: 'illumination', figure: 'CorrectIlluminationApply, per image (divide, float64)', value: apply, unit: 'cpu-s/image' },
  ];
}
