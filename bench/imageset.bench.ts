// The Image_ set's costliest steps one by one (CPU-seconds for all five channels of the features
// bench's 1080² site, one thread, median of 3 after a warm-up): where `module image` of
// features.bench.ts goes.
import type { BenchRow } from './types';
import { simulateSite } from '../src/main/core/simulate/site';
import { unitImage } from '../src/main/core/features/objects';
import { haralickCorrelations, powerLogLogSlope } from '../src/main/core/features/quality';
import { otsuThreshold } from '../src/main/core/features/threshold';
import { jumpThresholds } from '../src/main/core/features/thresholdStep';
import { tubeness } from '../src/main/core/features/tubeness';
import { imageIntensity, localFocusScores, QUALITY_SCALES } from '../src/main/core/features/image';

const SIZE = 1080;
const CHANNELS = ['DNA', 'ER', 'RNA', 'AGP', 'Mito'] as const;

export default async function (): Promise<BenchRow[]> {
  const s = simulateSite({ seed: 5, row: 4, col: 6, site: 1, size: SIZE, cellLine: 'U2OS', compound: null, doseMm: 0, density: 0.4 });
  const unit = new Map<string, Float64Array>(CHANNELS.map((c) => [c, unitImage({ bitDepth: 16, data: s.channels[c] })]));
  const images = [...unit.values()];
  const cpu = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1e6;
  };
  const time = (f: () => unknown) => {
    const xs: number[] = [];
    for (let r = 0; r < 4; r++) {
      const t = cpu();
      f();
      xs.push(cpu() - t);
    }
    return xs.slice(1).sort((a, b) => a - b)[1];
  };
  const tube = tubeness(unit.get('Mito')!, SIZE, SIZE);
  const row = (figure: string, value: number, note: string): BenchRow => ({ stage: 'imageset', figure, value, unit: 'cpu-s/site', note });
  return [
    row('Image_Threshold_* (3 threshold steps)', time(() => jumpThresholds(unit, SIZE, SIZE, tube)), 'DNA Li σ-smoothed, RNA log 3-class Otsu, Mito tubeness Li'),
    row('ImageQuality PowerLogLogSlope', time(() => images.forEach((u) => powerLogLogSlope(u, SIZE, SIZE))), '5 channels, one 1080² FFT each'),
    row('ImageQuality ThresholdOtsu', time(() => [otsuThreshold(unit.get('DNA')!, 2), otsuThreshold(unit.get('RNA')!, 3, true)]), 'DNA 2 classes, RNA 3 classes'),
    row('ImageQuality Correlation', time(() => images.forEach((u) => haralickCorrelations(u, SIZE, SIZE, QUALITY_SCALES))), `5 channels × scales ${QUALITY_SCALES.join(', ')}`),
    row('ImageQuality LocalFocusScore', time(() => images.forEach((u) => localFocusScores(u, SIZE, SIZE, QUALITY_SCALES))), `5 channels × scales ${QUALITY_SCALES.join(', ')}`),
    row('ImageIntensity (whole channel)', time(() => images.forEach((u) => imageIntensity(u))), '5 channels'),
  ];
}
