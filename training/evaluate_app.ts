/**
 * Held-out evaluation of a model with Stainless' own code, through the CLI a user runs, in a fresh
 * workspace: `import` each held-out plate (its groundtruth/ labels become 'truth' segmentations),
 * `infer`, `segment` the acquired images (classical) and the synthetic ones (the model's boundary
 * maps), then `metrics run`. Prints one row per plate and writes the figures as JSON; with
 * --write-manifest they also go into the model's model.json (heldOutMetrics.app).
 *
 *   npx tsx training/evaluate_app.ts --model stainless-resdiff \
 *     --plates data/heldout-A549-s21 data/heldout-U2OS-s22 --out training/results/app-eval-stainless-resdiff.json
 *
 * --model is a registered (e.g. bundled) model's name, or a model folder to add first.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { RunMetrics } from '../src/shared/contract/metrics';
import { PAINT_CHANNELS } from '../src/shared/channels';

const REPO = resolve(import.meta.dirname, '..');

const { values, positionals } = parseArgs({
  options: {
    model: { type: 'string' },
    plates: { type: 'string', multiple: true },
    seed: { type: 'string', default: '0' },
    steps: { type: 'string' },
    out: { type: 'string' },
    'write-manifest': { type: 'string' },
    keep: { type: 'boolean', default: false },
  },
  allowPositionals: true,
});
// `--plates A B` (what the usage shows): the folders after the first arrive as positionals
const plates = [...(values.plates ?? []), ...positionals];
if (!values.model || !plates.length) {
  console.error('usage: npx tsx training/evaluate_app.ts --model NAME|DIR --plates DIR... [--seed N] [--steps N] [--out FILE] [--write-manifest MODEL_DIR] [--keep]');
  process.exit(2);
}

const ws = mkdtempSync(join(tmpdir(), 'stainless-app-eval-'));

/** One CLI command in the evaluation workspace; its --json document. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each command has its own --json shape
function stainless(...args: string[]): any {
  const r = spawnSync(process.execPath, [join(REPO, 'bin/stainless.mjs'), ...args, '--workspace', ws, '--json'], { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`stainless ${args.join(' ')} failed (${r.status}): ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  return JSON.parse(r.stdout);
}

/** The cell line a simulator plate's README names ("virtual A549-like cells"), as training/ reads it. */
function cellLineOf(dir: string): string | null {
  const f = join(dir, 'README.txt');
  return existsSync(f) ? (/virtual ([A-Za-z0-9]+)-like cells/.exec(readFileSync(f, 'utf8'))?.[1] ?? null) : null;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const round = (v: number | null | undefined, d = 4) => (v === null || v === undefined || !Number.isFinite(v) ? null : Number(v.toFixed(d)));

function summarise(m: RunMetrics, cellLine: string | null, plate: string) {
  const ssim = Object.fromEntries(m.pixel.map((p) => [p.channel, round(p.ssim.mean)]));
  const paint = m.pixel.filter((p) => (PAINT_CHANNELS as readonly string[]).includes(p.channel));
  const seg = (objects: 'nuclei' | 'cells', baseline: boolean) => m.segmentation.find((s) => s.objects === objects && s.baseline === baseline && s.truth === 'truth');
  return {
    plate,
    cellLine,
    sites: paint[0]?.sites ?? 0,
    ssim,
    meanSsim: round(mean(paint.map((p) => p.ssim.mean ?? NaN))),
    meanPsnr: round(mean(paint.map((p) => p.psnr.mean ?? NaN)), 2),
    // beside each SSIM the constant baseline's and the skill over it; inside nuclei and cells too
    honest: Object.fromEntries(
      paint.filter((p) => p.honest).map((p) => {
        const h = p.honest!;
        return [p.channel, { ssim: round(p.ssim.mean), baselineSsim: round(h.baselineSsim), skillSsim: round(h.skillSsim), skillMse: round(h.skillMse), r: round(h.r), nucleiSsim: round(h.nuclei?.ssim), nucleiBaselineSsim: round(h.nuclei?.baselineSsim), nucleiSkillSsim: round(h.nuclei?.skillSsim), cellsSsim: round(h.cells?.ssim), cellsSkillSsim: round(h.cells?.skillSsim), nucleiR: round(h.nuclei?.r) }];
      }),
    ),
    meanBaselineSsim: round(mean(paint.map((p) => p.honest?.baselineSsim ?? NaN))),
    baseline: m.baseline ?? null,
    nucleiF1: round(seg('nuclei', false)?.f1 ?? null),
    cellsF1: round(seg('cells', false)?.f1 ?? null),
    baselineClassical: { nucleiF1: round(seg('nuclei', true)?.f1 ?? null), cellsF1: round(seg('cells', true)?.f1 ?? null) },
    cellCountR: round(m.cellCount?.r ?? null),
    features: m.features ? { wells: m.features.wells, features: m.features.features, meanR: round(m.features.meanR) } : null,
    frechet: m.frechet ? round(m.frechet.value, 2) : null,
    scale: m.scale,
    notes: m.notes,
  };
}

try {
  let model = values.model;
  if (existsSync(model)) model = stainless('models', 'add', model).model.name as string;
  const rows = [];
  for (const dir of plates) {
    const t0 = performance.now();
    const cellLine = cellLineOf(dir);
    const rep = stainless('import', resolve(dir), ...(cellLine ? ['--cell-line', cellLine] : []));
    if (!rep.truthSites) console.error(`${dir}: no ground-truth labels (groundtruth/): segmentation is scored against classical segmentation only`);
    const inferArgs = ['infer', '--plate', rep.barcode, '--model', model, '--seed', values.seed!];
    if (values.steps) inferArgs.push('--steps', values.steps);
    const run = stainless(...inferArgs);
    stainless('segment', '--plate', rep.barcode, '--source', 'acquired', '--method', 'classical');
    stainless('segment', '--plate', rep.barcode, '--source', 'synthetic', '--run', String(run.runId));
    const m = stainless('metrics', 'run', '--run', String(run.runId)) as RunMetrics;
    const row = { ...summarise(m, cellLine, basename(resolve(dir))), inferSecondsPerSite: round(run.seconds / Math.max(1, run.sitesComputed), 3), seconds: round((performance.now() - t0) / 1000, 1) };
    rows.push(row);
    const s = row.ssim;
    console.log(
      `${model} ${row.plate} (${row.cellLine ?? '?'}, ${row.sites} sites): SSIM ${PAINT_CHANNELS.map((c) => `${c} ${s[c] ?? '–'}`).join(' ')} | mean ${row.meanSsim} | PSNR ${row.meanPsnr} | ` +
        `F1 nuclei ${row.nucleiF1} cells ${row.cellsF1} (classical on acquired: ${row.baselineClassical.nucleiF1} / ${row.baselineClassical.cellsF1}) | ` +
        `count r ${row.cellCountR} | feature r ${row.features?.meanR ?? '–'} over ${row.features?.features ?? 0} features × ${row.features?.wells ?? 0} wells`,
    );
  }
  const result = { model, seed: Number(values.seed), steps: values.steps ? Number(values.steps) : null, date: new Date().toISOString().slice(0, 10), command: `npx tsx training/evaluate_app.ts ${process.argv.slice(2).join(' ')}`, plates: rows };
  if (values.out) writeFileSync(values.out, JSON.stringify(result, null, 2) + '\n');
  if (values['write-manifest']) {
    const f = join(values['write-manifest'], 'model.json');
    const man = JSON.parse(readFileSync(f, 'utf8'));
    man.heldOutMetrics = { ...man.heldOutMetrics, app: result };
    writeFileSync(f, JSON.stringify(man, null, 2) + '\n');
  }
} finally {
  if (!values.keep) rmSync(ws, { recursive: true, force: true });
  else console.error(`workspace kept: ${ws}`);
}
