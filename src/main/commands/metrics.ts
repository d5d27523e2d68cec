import type { Command, CliContext } from './types';
import { UsageError } from './types';
import { readGray, type Gray } from '../core/io/tiff';
import { pixelMetrics } from '../core/metrics/pixel';
import { DEFAULT_SCALE, asFloat, describeScale, to255 } from '../core/metrics/scale';
import { matchLabels } from '../core/metrics/matching';
import { computeRunMetrics } from '../core/metrics/run';
import { MetricsStartInput, type RunMetrics } from '../../shared/contract/metrics';

const USAGE = [
  'stainless metrics image --ref A --pred B [--data-range 255] [--scale auto|none|percentile|minmax] [--window uniform|gaussian] [--json]',
  'stainless metrics seg --gt A --pred B [--iou 0.5] [--json]',
  'stainless metrics run --run ID [--iou 0.5] [--window uniform|gaussian] [--qc-feature COLUMN] [--json]',
].join('\n');

const num = (v: unknown, flag: string, def: number) => {
  if (v === undefined) return def;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new UsageError(`metrics: ${flag} must be a number (got "${v}")`);
  return n;
};

/** 'auto': 8-bit images are already 0–255; anything deeper is scaled by the documented percentile rule. */
function scaled(img: Gray, mode: string) {
  if (mode === 'none' || (mode === 'auto' && img.bitDepth === 8)) return asFloat(img);
  if (mode === 'minmax') return to255(img, { mode: 'minmax', low: 0, high: 100 });
  return to255(img, DEFAULT_SCALE);
}

async function image(values: Record<string, unknown>, ctx: CliContext) {
  if (typeof values.ref !== 'string' || typeof values.pred !== 'string') throw new UsageError('metrics image: --ref and --pred are required');
  const scale = (values.scale as string | undefined) ?? 'auto';
  if (!['auto', 'none', 'percentile', 'minmax'].includes(scale)) throw new UsageError(`metrics image: --scale must be auto, none, percentile or minmax (got "${scale}")`);
  const window = (values.window as string | undefined) ?? 'uniform';
  if (window !== 'uniform' && window !== 'gaussian') throw new UsageError(`metrics image: --window must be uniform or gaussian (got "${window}")`);
  const dataRange = num(values['data-range'], '--data-range', 255);
  const [ref, pred] = await Promise.all([readGray(values.ref), readGray(values.pred)]);
  if (ref.width !== pred.width || ref.height !== pred.height)
    throw new UsageError(`metrics image: ${values.ref} is ${ref.width}×${ref.height} but ${values.pred} is ${pred.width}×${pred.height}`);
  const m = pixelMetrics(scaled(ref, scale), scaled(pred, scale), { dataRange, window });
  const scaleUsed =
    scale === 'none' || (scale === 'auto' && ref.bitDepth === 8 && pred.bitDepth === 8)
      ? 'pixel values as stored'
      : scale === 'minmax'
        ? describeScale({ mode: 'minmax', low: 0, high: 100 })
        : scale === 'auto' && (ref.bitDepth === 8) !== (pred.bitDepth === 8)
          ? `8-bit image as stored; the other: ${describeScale(DEFAULT_SCALE)}`
          : describeScale(DEFAULT_SCALE);
  ctx.say(`MSE ${m.mse.toFixed(4)}  PSNR ${m.psnr.toFixed(4)} dB  SSIM ${m.ssim.toFixed(6)}  (${scaleUsed}; data range ${dataRange}, ${window} window)`);
  // JSON has no Infinity: PSNR of identical images is reported as null
  return { mse: m.mse, psnr: Number.isFinite(m.psnr) ? m.psnr : null, ssim: m.ssim, dataRange, window, scale: scaleUsed };
}

async function seg(values: Record<string, unknown>, ctx: CliContext) {
  if (typeof values.gt !== 'string' || typeof values.pred !== 'string') throw new UsageError('metrics seg: --gt and --pred are required');
  const iou = num(values.iou, '--iou', 0.5);
  if (iou < 0 || iou > 1) throw new UsageError(`metrics seg: --iou must be in [0, 1] (got ${iou})`);
  const [gt, pred] = await Promise.all([readGray(values.gt), readGray(values.pred)]);
  if (gt.width !== pred.width || gt.height !== pred.height)
    throw new UsageError(`metrics seg: ${values.gt} is ${gt.width}×${gt.height} but ${values.pred} is ${pred.width}×${pred.height}`);
  const m = matchLabels(gt, pred, iou);
  ctx.say(
    `IoU ≥ ${iou}: tp ${m.tp}  fp ${m.fp}  fn ${m.fn}  precision ${m.precision.toFixed(4)}  recall ${m.recall.toFixed(4)}  f1 ${m.f1.toFixed(4)}  ` +
      `mean true ${m.mean_true_score.toFixed(4)}  mean matched ${m.mean_matched_score.toFixed(4)}  PQ ${m.panoptic_quality.toFixed(4)}  (${m.n_true} true, ${m.n_pred} predicted objects)`,
  );
  return m;
}

const f = (v: number | null | undefined, d = 3) => (v === null || v === undefined ? '—' : v.toFixed(d));

function printRun(m: RunMetrics, ctx: CliContext) {
  ctx.say(`run ${m.runId}: ${m.model} on plate ${m.plate} (provider ${m.provider ?? 'unknown'}); metrics in ${m.seconds.total?.toFixed(1)} s`);
  ctx.say(`pixel metrics (${m.scale}; SSIM ${m.ssimWindow} window):`);
  for (const p of m.pixel) ctx.say(`  ${p.channel.padEnd(5)} sites ${p.sites}  MSE ${f(p.mse.mean, 2)}  PSNR ${f(p.psnr.mean, 2)} dB  SSIM ${f(p.ssim.mean)} (median ${f(p.ssim.median)})`);
  if (m.pixel.some((p) => p.honest)) {
    ctx.say(`honest pixel metrics (${m.baseline ?? 'constant baseline'}):`);
    for (const p of m.pixel) {
      const h = p.honest;
      if (!h) continue;
      const inside = (k: 'nuclei' | 'cells') => (h[k] ? `  ${k}: SSIM ${f(h[k]!.ssim)} (baseline ${f(h[k]!.baselineSsim)}, skill ${f(h[k]!.skillSsim)}) r ${f(h[k]!.r)}` : '');
      ctx.say(`  ${p.channel.padEnd(5)} SSIM ${f(p.ssim.mean)} baseline ${f(h.baselineSsim)} skill ${f(h.skillSsim)}  MSE skill ${f(h.skillMse)}  r ${f(h.r)}${inside('nuclei')}${inside('cells')}`);
    }
  }
  for (const s of m.segmentation)
    ctx.say(`  ${s.baseline ? `baseline — ${s.method}: ` : ''}${s.objects} vs ${s.truth} (IoU ≥ ${s.thresh}, ${s.sites} sites): precision ${f(s.precision)} recall ${f(s.recall)} F1 ${f(s.f1)} mean true ${f(s.mean_true_score)} mean matched ${f(s.mean_matched_score)} PQ ${f(s.panoptic_quality)}`);
  if (m.cellCount) ctx.say(`  cell count r ${f(m.cellCount.r)} over ${m.cellCount.wells} wells (vs ${m.cellCount.truth})`);
  if (m.features) {
    ctx.say(`  feature correlation: mean r ${f(m.features.meanR)} over ${m.features.features} features, ${m.features.wells} wells`);
    for (const c of m.features.table) ctx.say(`    ${c.group.padEnd(18)} ${(c.channel || '—').padEnd(5)} n ${String(c.n).padStart(4)}  mean r ${f(c.meanR)}`);
  }
  for (const s of m.separation) ctx.say(`  ${s.task} (${s.source}): 5-fold F1 ${f(s.f1)} over ${s.samples} wells, ${s.classes} classes`);
  for (const a of m.activity) ctx.say(`  phenotypic activity (${a.source}): mAP ${f(a.meanMAP)}, ${f((a.fractionActive ?? 0) * 100, 0)}% of ${a.compounds} compounds active`);
  if (m.frechet) ctx.say(`  Fréchet distance ${f(m.frechet.value)} over ${m.frechet.features} features`);
  for (const q of m.qc) ctx.say(`  QC ${q.value} (${q.source}): Z' ${f(q.zPrime)}  SSMD ${f(q.ssmd)}  (${q.positive} pos / ${q.negative} neg wells)`);
  for (const n of m.notes) ctx.say(`  note: ${n}`);
}

async function run(values: Record<string, unknown>, ctx: CliContext) {
  if (values.run === undefined) throw new UsageError('metrics run: --run ID is required');
  const parsed = MetricsStartInput.safeParse({
    runId: Number(values.run),
    iou: values.iou === undefined ? undefined : Number(values.iou),
    ssimWindow: values.window,
    qcFeature: values['qc-feature'],
  });
  if (!parsed.success) throw new UsageError(`metrics run: ${parsed.error.issues.map((i) => `${String(i.path[0])}: ${i.message}`).join('; ')}`);
  const core = ctx.core();
  let last = -1;
  const m = await computeRunMetrics(core.db, parsed.data, (done, total) => {
    const pct = Math.floor((100 * done) / Math.max(1, total));
    if (pct >= last + 10 || done === total) ctx.note(`metrics: ${done}/${total} sites (${(last = pct)}%)`);
  });
  printRun(m, ctx);
  return m;
}

export const metricsCommand: Command = {
  name: 'metrics',
  summary: 'Pixel (MSE/PSNR/SSIM), segmentation (StarDist matching) and biology metrics: of two images, two label images, or a whole run',
  usage: USAGE,
  options: {
    ref: { type: 'string' },
    pred: { type: 'string' },
    gt: { type: 'string' },
    'data-range': { type: 'string' },
    scale: { type: 'string' },
    window: { type: 'string' },
    iou: { type: 'string' },
    run: { type: 'string' },
    'qc-feature': { type: 'string' },
  },
  async run({ values, positionals }, ctx) {
    const sub = positionals[0];
    if (sub === 'image') return image(values, ctx);
    if (sub === 'seg') return seg(values, ctx);
    if (sub === 'run') return run(values, ctx);
    throw new UsageError(`metrics: expected image, seg or run (got ${sub ? `"${sub}"` : 'nothing'})\n${USAGE}`);
  },
};
