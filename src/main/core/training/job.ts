import { availableParallelism } from 'node:os';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Core } from '../core';
import { JobCancelled } from '../jobs/manager';
import { getPlate, platePixelSize } from '../catalog/queries';
import { plateMagnification } from '../catalog/magnification';
import { trainingConditionsOf } from './conditions';
import { loadModel } from '../inference/model';
import { addModel } from '../inference/registry';
import { parseManifest } from '../../../shared/manifest';
import { BF_CHANNELS, PAINT_CHANNELS } from '../../../shared/channels';
import { mean } from '../../../shared/stats';
import type { TrainParams, TrainSummary } from '../../../shared/contract/training';
import { trainJobDir } from '../workspace';
import { trainingScriptsDir } from '../paths';
import { stainlessBuild } from '../campaign/slurm';
import { APP_VERSION } from '../version';
import { findPython } from './python';
import { plateSites, splitSites } from './split';
import { writePairFolder } from './pairs';
import { presetArgs } from './presets';
import { ProcessCancelled, runTraining } from './process';
import { BASELINE_TEXT, SCALE_TEXT, evaluateHeldOut } from './evaluate';

const BOUNDARIES = ['NucleiBoundary', 'CellBoundary'];
const safe = (s: string) => s.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '');

/** Channels in and out: given, else brightfield in and every stain the plate has (plus boundaries when it has labels). */
function channelsFor(core: Core, plateId: number, p: TrainParams): { inputs: string[]; stains: string[]; boundaries: string[] } {
  const inputs = p.inputs ?? [...BF_CHANNELS];
  if (p.model === 'resdiff' && (p.inputs || p.outputs)) throw new Error('--inputs/--outputs work with --model direct only (the diffusion model is brightfield → the seven outputs)');
  let outputs = p.outputs;
  if (!outputs) {
    const { sites } = plateSites(core.db, plateId, inputs);
    const stains = PAINT_CHANNELS.filter((c) => !inputs.includes(c) && sites.length > 0 && sites.every((s) => s.files.has(c)));
    const labelled = sites.length > 0 && sites.every((s) => s.labels);
    outputs = p.model === 'resdiff' ? [...PAINT_CHANNELS, ...BOUNDARIES] : [...stains, ...(labelled && inputs.every((c) => (BF_CHANNELS as readonly string[]).includes(c)) ? BOUNDARIES : [])];
  }
  const stains = outputs.filter((c) => !BOUNDARIES.includes(c));
  if (!stains.length) throw new Error('nothing to learn: the plate has no acquired stain besides the inputs (give --outputs)');
  const overlap = stains.filter((c) => inputs.includes(c));
  if (overlap.length) throw new Error(`${overlap.join(', ')} cannot be both an input and an output`);
  return { inputs, stains, boundaries: outputs.filter((c) => BOUNDARIES.includes(c)) };
}

/**
 * Job kind 'train': a plate's acquired pairs → training/train.py (the user's Python, CUDA when
 * torch sees it) → held-out scores by Stainless' own metrics → the model registered with its
 * provenance. Progress is training steps then held-out sites; cancelling kills the Python's
 * process group. Re-running (resume) continues from the job's checkpoint.
 */
export function registerTrainJob(core: Core): void {
  core.jobs.register('train', {
    title: (p) => `Train a ${p.model} model on ${p.plate} (${p.preset})`,
    unit: 'steps',
    emits: () => ({ what: 'models' }),
    async run(ctx) {
      const p = ctx.params;
      const plate = getPlate(core.db, p.plate).plate;
      const ch = channelsFor(core, plate.id, p);
      const need = [...ch.inputs, ...ch.stains];
      const { sites, lacking } = plateSites(core.db, plate.id, need);
      if (!sites.length) throw new Error(`plate ${plate.barcode} has no site with acquired ${need.join(', ')}${lacking ? ` (${lacking} sites lack some)` : ''}`);
      const split = splitSites(sites, p.holdoutWells, p.holdoutRegion);
      const python = await findPython();
      ctx.progress(0, 1, `exporting ${split.train.length} training sites`);
      const dirs = trainJobDir(core.paths.training, ctx.id);
      await mkdir(dirs.root, { recursive: true });
      const nTrain = await writePairFolder(dirs.pairs, split.train, need, ch.boundaries.length > 0, plate.cellLine ?? null);

      const preset = presetArgs(p.preset, p.model);
      const length = p.epochs ? ['--epochs', String(p.epochs)] : 'steps' in preset.length ? ['--steps', String(preset.length.steps)] : ['--epochs', String(preset.length.epochs)];
      const name = p.name ?? safe(`trained-${plate.barcode}-${p.model}`);
      const version = `1.0.${ctx.id}`;
      const pixelSizeUm = platePixelSize(core.db, plate.id, ch.inputs);
      const args = [
        join(trainingScriptsDir(), 'train.py'),
        '--model', p.model === 'resdiff' ? 'residual-diffusion' : 'direct',
        '--train', dirs.pairs, '--out', dirs.model, '--work', dirs.work, '--fixture', join(dirs.root, 'parity'),
        '--name', name, '--version', version, '--seed', String(p.seed), ...length,
        '--threads', String(Math.min(availableParallelism(), 16)), '--progress-json',
        '--source', `Stainless train job ${ctx.id} on plate ${plate.barcode}`,
        ...(pixelSizeUm ? ['--pixel-size-um', String(pixelSizeUm)] : []),
        ...(p.model === 'direct' ? ['--inputs', ch.inputs.join(','), '--outputs', [...ch.stains, ...ch.boundaries].join(',')] : []),
        ...preset.args,
      ];
      let steps = 0;
      let device = 'cpu';
      const held = split.heldOut.length;
      try {
        await runTraining(python.exe, args, {
          cwd: trainingScriptsDir(),
          signal: ctx.signal,
          onProgress: (e) => {
            try {
              if (e.phase === 'start') {
                steps = e.steps;
                device = e.device;
                ctx.progress(0, steps + held, `training on ${device} (${e.sites} sites)`);
              } else if (e.phase === 'train') {
                steps = e.steps;
                ctx.progress(e.step, e.steps + held, `step ${e.step}/${e.steps}, loss ${e.loss.toFixed(4)}`);
              } else if (e.phase === 'export') ctx.progress(steps, steps + held, 'exporting ONNX');
            } catch (err) {
              // a cancel: the abort signal is already killing the process group
              if (!(err instanceof JobCancelled)) throw err;
            }
          },
        });
      } catch (e) {
        if (e instanceof ProcessCancelled) throw new JobCancelled();
        throw e;
      }

      const manifestFile = join(dirs.model, 'model.json');
      const trained = parseManifest(JSON.parse(await readFile(manifestFile, 'utf8')), manifestFile);
      const lm = await loadModel(trained, dirs.model, 'cpu');
      ctx.progress(steps, steps + held, `scoring ${held} held-out sites`);
      const ho = await evaluateHeldOut(lm, split, (d) => ctx.progress(steps + d, steps + held, `scored ${d}/${held} held-out sites`));
      const prov = trained.provenance as Record<string, unknown>;
      const trainWells = [...new Set(split.train.map((e) => e.site.well))];
      const heldWells = [...new Set(split.heldOut.map((e) => e.site.well))];
      const trainingConditions = await trainingConditionsOf(trained, split.train, { cellLine: plate.cellLine ?? null, magnification: plateMagnification(core.db, plate.id), jobId: ctx.id, plate: plate.barcode });
      const manifest = {
        ...trained,
        trainingConditions,
        description: `Trained by Stainless on plate ${plate.barcode} (${ch.inputs.join(', ')} → ${[...ch.stains, ...ch.boundaries].join(', ')}), preset ${p.preset}`,
        provenance: {
          ...prov,
          data: { plate: plate.barcode, cellLine: plate.cellLine ?? null, trainWells, heldOutWells: heldWells, split: split.describe, trainSites: nTrain, heldOutSites: held, source: 'acquired images of the plate (Stainless train job)' },
          cellLines: plate.cellLine ? [plate.cellLine] : [],
          preset: p.preset,
          job: ctx.id,
          app: { version: APP_VERSION, build: stainlessBuild() },
          python: { exe: python.exe, torch: python.torch, device },
          date: new Date().toISOString(),
        },
        heldOutMetrics: {
          app: {
            model: name,
            seed: p.seed,
            date: new Date().toISOString().slice(0, 10),
            split: split.describe,
            plates: [
              {
                plate: plate.barcode,
                cellLine: plate.cellLine ?? null,
                sites: ho.sites,
                ssim: Object.fromEntries(Object.entries(ho.channels).map(([c, f]) => [c, f.ssim])),
                meanSsim: mean(Object.values(ho.channels).map((f) => f.ssim)),
                meanBaselineSsim: mean(Object.values(ho.channels).map((f) => f.baselineSsim ?? NaN)),
                honest: ho.channels,
                baseline: BASELINE_TEXT,
                scale: SCALE_TEXT,
              },
            ],
          },
        },
      };
      await writeFile(manifestFile, JSON.stringify(manifest, null, 2) + '\n');
      const reg = await addModel(core.db, dirs.model, { modelsDir: core.paths.models });
      const summary: TrainSummary = {
        model: { name: reg.model.name, version: reg.model.version },
        plate: plate.barcode,
        device,
        python: `${python.exe} (torch ${python.torch})`,
        steps: Number(prov.steps ?? steps),
        epochs: Number(prov.epochs ?? 0),
        minutes: Number(prov.trainingMinutes ?? 0),
        trainSites: nTrain,
        heldOut: { sites: ho.sites, split: split.describe, channels: ho.channels },
      };
      return summary;
    },
  });
}
