// Metrics throughput: SSIM of a 1080×1080 pair, StarDist matching of two 512×512 label images.
import type { BenchRow } from './types';
import { ssim, type FloatImage } from '../src/main/core/metrics/pixel';
import { matchLabels } from '../src/main/core/metrics/matching';
import { mulberry32 } from '../src/main/core/metrics/rng';

/** A smooth-ish 0–255 image and a noisy copy (values only matter for realism, not speed). */
function pair(w: number, h: number): [FloatImage, FloatImage] {
  const rnd = mulberry32(1);
  const a = new Float64Array(w * h);
  const b = new Float64Array(w * h);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const v = 127 + 100 * Math.sin(x / 17) * Math.cos(y / 23);
      a[y * w + x] = v;
      b[y * w + x] = Math.min(255, Math.max(0, v + (rnd() - 0.5) * 40));
    }
  return [
    { width: w, height: h, data: a },
    { width: w, height: h, data: b },
  ];
}

/** ~n disc objects of radius 8–14 on a w×h canvas; the prediction is shifted and resized. */
function labels(w: number, h: number, n: number, seed: number, shift: number, grow: number): Uint16Array {
  const rnd = mulberry32(seed);
  const out = new Uint16Array(w * h);
  for (let k = 1; k <= n; k++) {
    const cx = rnd() * w;
    const cy = rnd() * h;
    const r = 8 + rnd() * 6 + grow;
    for (let y = Math.max(0, Math.floor(cy - r)); y < Math.min(h, cy + r + 1); y++)
      for (let x = Math.max(0, Math.floor(cx - r)); x < Math.min(w, cx + r + 1); x++)
        if ((x - cx - shift) ** 2 + (y - cy) ** 2 <= r * r) out[y * w + x] = k;
  }
  return out;
}

/** Repetitions per second of wall time and per second of this process's CPU time (the machine may be shared). */
function rate(fn: () => void, minSeconds: number): { wall: number; cpu: number } {
  fn(); // warm-up
  let n = 0;
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  while (performance.now() - t0 < minSeconds * 1000) {
    fn();
    n++;
  }
  const cpu = process.cpuUsage(c0);
  return { wall: n / ((performance.now() - t0) / 1000), cpu: n / ((cpu.user + cpu.system) / 1e6) };
}

export default async function (): Promise<BenchRow[]> {
  const [a, b] = pair(1080, 1080);
  const uni = rate(() => ssim(a, b), 5);
  const gau = rate(() => ssim(a, b, { window: 'gaussian' }), 5);
  const gt = { width: 512, height: 512, data: labels(512, 512, 150, 2, 0, 0) };
  const pred = { width: 512, height: 512, data: labels(512, 512, 150, 2, 2, 1) };
  const m = matchLabels(gt, pred, 0.5);
  const seg = rate(() => matchLabels(gt, pred, 0.5), 5);
  const rows = (figure: string, r: { wall: number; cpu: number }, note?: string): BenchRow[] => [
    { stage: 'metrics', figure, value: r.wall, unit: 'pairs/s', note },
    { stage: 'metrics', figure: `${figure} per CPU-second`, value: r.cpu, unit: 'pairs/cpu-s', note: 'single-threaded; unaffected by other load' },
  ];
  return [
    ...rows('SSIM 1080×1080 pair (7×7 uniform)', uni),
    ...rows('SSIM 1080×1080 pair (Gaussian σ 1.5)', gau),
    ...rows('matching 512×512, IoU 0.5', seg, `${m.n_true} true / ${m.n_pred} pred objects, f1 ${m.f1.toFixed(3)}`),
  ];
}
