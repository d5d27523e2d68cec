import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/main/cli';
import { createCore } from '../../src/main/core/core';
import { readGray } from '../../src/main/core/io/tiff';
import { writeNpy } from '../../src/main/core/inference/npy';
import type { RunMetrics } from '../../src/shared/contract/metrics';

/**
 * Honest metrics of a real run: the bundled direct model on a simulator plate with ground truth,
 * its metrics computed by the app, then the same figures recomputed from the images by
 * scikit-image and scipy (SSIM map averaged in the ground-truth masks, constant baseline at the
 * median level of the other sites) in a Python child process.
 */
const root = mkdtempSync(join(tmpdir(), 'stainless-honest-'));
const ws = join(root, 'ws');
test.after(() => rmSync(root, { recursive: true, force: true }));
const cli = (...a: string[]) => main([...a, '--workspace', ws]);

const PY = String.raw`
import json, sys, glob, os
import numpy as np
from scipy.stats import pearsonr
from skimage.metrics import structural_similarity
d = sys.argv[1]
def to255(x):
    x = x.astype(np.float64)
    lo, hi = np.percentile(x, [0.5, 99.5])
    return (np.clip(x, lo, hi) - lo) * 255 / (hi - lo) if hi > lo else np.zeros(x.shape)
sites = sorted({os.path.basename(f).split('-')[0] for f in glob.glob(d + '/*-acq-*.npy')})
out = {}
for ch in ['DNA', 'Mito']:
    acq = [to255(np.load(f'{d}/{s}-acq-{ch}.npy')) for s in sites]
    syn = [to255(np.load(f'{d}/{s}-syn-{ch}.npy')) for s in sites]
    med = [np.median(a) for a in acq]
    r = {'ssim': [], 'base': [], 'nuc': [], 'nuc_base': [], 'cell': [], 'r': [], 'r_nuc': []}
    for i, s in enumerate(sites):
        nuc = np.load(f'{d}/{s}-nuclei.npy') > 0
        cell = np.load(f'{d}/{s}-cells.npy') > 0
        inner = np.zeros(nuc.shape, bool); inner[3:-3, 3:-3] = True
        level = np.median([m for j, m in enumerate(med) if j != i])
        const = np.full(acq[i].shape, level)
        m, S = structural_similarity(acq[i], syn[i], data_range=255, full=True)
        b, B = structural_similarity(acq[i], const, data_range=255, full=True)
        r['ssim'].append(m); r['base'].append(b)
        r['nuc'].append(S[nuc & inner].mean()); r['nuc_base'].append(B[nuc & inner].mean()); r['cell'].append(S[cell & inner].mean())
        r['r'].append(pearsonr(acq[i].ravel(), syn[i].ravel())[0]); r['r_nuc'].append(pearsonr(acq[i][nuc], syn[i][nuc])[0])
    out[ch] = {k: float(np.mean(v)) for k, v in r.items()}
print(json.dumps(out))
`;

test('skill over the constant baseline and SSIM/r inside objects of a real run equal scikit-image/scipy on the same images', { timeout: 600_000 }, async () => {
  const plate = join(root, 'plate');
  assert.equal(await cli('demo', '--out', plate, '--format', '96', '--sites', '2', '--size', '256', '--cell-line', 'U2OS', '--seed', '22', '--wells', 'A03,B03', '--workers', '1'), 0);
  assert.equal(await cli('import', plate), 0);
  assert.equal(await cli('infer', '--plate', 'SIM-U2OS-96-22', '--model', 'stainless-unet-direct'), 0);
  assert.equal(await cli('segment', '--plate', 'SIM-U2OS-96-22', '--source', 'synthetic', '--run', '1'), 0);
  assert.equal(await cli('metrics', 'run', '--run', '1'), 0);
  const core = createCore({ workspace: ws, transport: 'inprocess' });
  const npy = join(root, 'npy');
  let m: RunMetrics;
  try {
    m = JSON.parse((core.db.prepare(`SELECT summary FROM metrics_runs WHERE run_id = 1`).get() as { summary: string }).summary);
    const sites = core.db.prepare(`SELECT s.id FROM sites s ORDER BY s.id`).all() as Array<{ id: number }>;
    for (const { id } of sites) {
      const tag = `s${String(id).padStart(3, '0')}`;
      const imgs = core.db.prepare(`SELECT channel, kind, path FROM images WHERE site_id = ? AND channel IN ('DNA', 'Mito')`).all(id) as Array<{ channel: string; kind: string; path: string }>;
      for (const i of imgs) {
        const g = await readGray(i.path);
        await writeNpy(join(npy, `${tag}-${i.kind === 'acquired' ? 'acq' : 'syn'}-${i.channel}.npy`), { shape: [g.height, g.width], data: Float32Array.from(g.data) });
      }
      const seg = core.db.prepare(`SELECT nuclei_path AS n, cells_path AS c FROM segmentations WHERE site_id = ? AND source = 'truth'`).get(id) as { n: string; c: string };
      for (const [k, p] of [['nuclei', seg.n], ['cells', seg.c]] as const) {
        const g = await readGray(p);
        await writeNpy(join(npy, `${tag}-${k}.npy`), { shape: [g.height, g.width], data: Float32Array.from(g.data) });
      }
    }
  } finally {
    core.close();
  }
  const py = JSON.parse(execFileSync('/usr/bin/python3', ['-c', PY, npy], { encoding: 'utf8' })) as Record<string, Record<string, number>>;
  for (const ch of ['DNA', 'Mito']) {
    const p = m.pixel.find((x) => x.channel === ch)!;
    const h = p.honest!;
    const want = py[ch];
    const near = (a: number | null | undefined, b: number, what: string) => assert.ok(a !== null && a !== undefined && Math.abs(a - b) < 1e-6, `${ch} ${what}: app ${a} vs scikit-image ${b}`);
    near(p.ssim.mean, want.ssim, 'SSIM');
    near(h.baselineSsim, want.base, 'baseline SSIM');
    near(h.skillSsim, (want.ssim - want.base) / (1 - want.base), 'SSIM skill');
    near(h.nuclei!.ssim, want.nuc, 'SSIM inside nuclei');
    near(h.nuclei!.baselineSsim, want.nuc_base, 'baseline SSIM inside nuclei');
    near(h.cells!.ssim, want.cell, 'SSIM inside cells');
    near(h.r, want.r, 'Pearson r');
    near(h.nuclei!.r, want.r_nuc, 'Pearson r inside nuclei');
    assert.equal(h.objects, 'truth');
  }
  // what the honest view shows: the constant image scores a high whole-image DNA SSIM but nothing
  // inside nuclei, where the model's skill is
  const dna = m.pixel.find((x) => x.channel === 'DNA')!.honest!;
  assert.ok(dna.baselineSsim! > 0.3, `DNA baseline SSIM ${dna.baselineSsim}`);
  assert.ok(Math.abs(dna.nuclei!.baselineSsim!) < 0.1, `DNA baseline inside nuclei ${dna.nuclei!.baselineSsim}`);
  assert.ok(dna.nuclei!.skillSsim! > 0.3, `DNA skill inside nuclei ${dna.nuclei!.skillSsim}`);
  assert.match(m.baseline!, /median 0–255 level of the other sites/);
});
