/**
 * Puts an app evaluation (training/evaluate_app.ts --out FILE) into a model's manifest as
 * heldOutMetrics.app, with the held-out targets judged on those figures — Stainless' own metrics,
 * one scaling for every figure (each image clipped at its own 0.5th/99.5th percentiles, scaled to
 * 0–255) — and the constant baseline beside them. A missed target is said so in the manifest.
 *
 *   npx tsx training/restate_targets.ts --model resources/models/stainless-unet-direct --eval training/results/app-eval-stainless-unet-direct.json
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values: a } = parseArgs({ options: { model: { type: 'string' }, eval: { type: 'string' } } });
if (!a.model || !a.eval) throw new Error('usage: --model DIR --eval APP_EVAL.json');
interface Row { plate: string; cellLine: string | null; ssim: Record<string, number>; meanSsim: number; meanBaselineSsim: number | null; nucleiF1: number | null; cellsF1: number | null }
const ev = JSON.parse(readFileSync(a.eval, 'utf8')) as { plates: Row[] };
// the targets training/README.md states
const TARGETS: Array<[string, (r: Row) => number | null, number]> = [
  ['SSIM DNA', (r) => r.ssim.DNA ?? null, 0.8],
  ['mean SSIM', (r) => r.meanSsim, 0.6],
  ['nuclei F1', (r) => r.nucleiF1, 0.9],
  ['cells F1', (r) => r.cellsF1, 0.75],
];
const met: string[] = [];
const missed: string[] = [];
for (const r of ev.plates)
  for (const [name, get, min] of TARGETS) {
    const v = get(r);
    (v !== null && v >= min ? met : missed).push(`${r.cellLine ?? r.plate} ${name} ${v ?? '—'} (target ≥ ${min})`);
  }
const file = join(a.model, 'model.json');
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a manifest edited in place, any shape
const man = JSON.parse(readFileSync(file, 'utf8')) as Record<string, any>;
man.heldOutMetrics = {
  ...man.heldOutMetrics,
  app: ev,
  targets: {
    judgedOn: 'heldOutMetrics.app: Stainless\' own metrics (each image clipped at its own 0.5th/99.5th percentiles, scaled to 0–255); the train.py figures above use the training scaling and are not the stated ones',
    met,
    missed,
    baseline: ev.plates.map((r) => `${r.cellLine ?? r.plate}: mean SSIM ${r.meanSsim} vs ${r.meanBaselineSsim} for a constant image at the other sites' median level`),
  },
};
const text = JSON.stringify(man, null, 2).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
writeFileSync(file, text + '\n');
console.log(`${file}: ${met.length} targets met, ${missed.length} missed${missed.length ? ` — ${missed.join('; ')}` : ''}`);
