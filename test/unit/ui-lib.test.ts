import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

// The renderer's pure modules belong to the web TypeScript project, not to the node one that
// checks tests, so they are loaded at run time (tsx compiles them) instead of imported statically.
const load = (p: string) => import(new URL(p, import.meta.url).href);
const { colourOf, scaleFor } = await load('../../src/renderer/src/lib/colour.ts');
const { zScoreValues } = await load('../../src/renderer/src/lib/valueSources.ts');
const { formatDuration, formatValue } = await load('../../src/renderer/src/lib/format.ts');
const { labelIndex, measureCell } = await load('../../src/renderer/src/viewer/cells.ts');
const { orderChannels } = await load('../../src/renderer/src/viewer/channels.ts');
const { heldOutRows } = await load('../../src/renderer/src/lib/heldOut.ts');

test('sequential scale spans the finite values; diverging is symmetric around 0; missing has no colour', () => {
  assert.deepEqual(scaleFor([3, null, 7, NaN, 5], 'viridis'), { kind: 'viridis', min: 3, max: 7 });
  assert.deepEqual(scaleFor([-1, 4, null], 'diverging'), { kind: 'diverging', min: -4, max: 4 });
  assert.equal(scaleFor([null, NaN], 'viridis'), null);
  const s = { kind: 'viridis' as const, min: 0, max: 1 };
  // The ends of the scale are viridis' published end colours #440154 and #fde725.
  assert.equal(colourOf(0, s), 'rgb(68,1,84)');
  assert.equal(colourOf(1, s), 'rgb(253,231,37)');
  assert.equal(colourOf(5, s), 'rgb(253,231,37)', 'values beyond the range clamp');
  assert.equal(colourOf(null, s), null);
  assert.equal(colourOf(NaN, s), null);
  // Zero on the diverging scale is the near-white middle (#f7f7f7).
  assert.equal(colourOf(0, { kind: 'diverging', min: -2, max: 2 }), 'rgb(247,247,247)');
});

test('plate-map robust z is pycytominer\'s mad_robustize against the negcon wells; none without spread', () => {
  const wells = [1, 2, 3, 4, 5, 6, 7].map((id) => ({ id, controlType: id <= 5 ? 'negcon' : 'trt' }));
  // negcon 1..5: median 3, MAD 1 → (x − 3) / (1.4826 + 1e-18)
  const values = new Map<number, number | null>([[1, 1], [2, 2], [3, 3], [4, 4], [5, 5], [6, 6], [7, null]]);
  const z = zScoreValues({ wells }, values);
  assert.equal(z.get(3), 0);
  assert.ok(Math.abs(z.get(6) - 3 / 1.4826) < 1e-12);
  assert.equal(z.get(7), null, 'a well without a value has no z');
  const flat = zScoreValues({ wells }, new Map(wells.map((w) => [w.id, 4])));
  assert.deepEqual([...flat.values()], wells.map(() => null), 'no spread in the controls → no z');
});

test('formatting for tables and legends', () => {
  assert.equal(formatValue(1234567), '1.23e+6');
  assert.equal(formatValue(1234), '1,234');
  assert.equal(formatValue(0.123456), '0.1235');
  assert.equal(formatValue(null), '—');
  assert.equal(formatDuration(3725), '1 h 02 min');
  assert.equal(formatDuration(65), '1 min 05 s');
});

test('cell lookup: pixel lists per label, area, centroid and mean intensity', () => {
  // 4×3 labels: object 1 is the left 2×2 block, object 2 the right column's top two pixels.
  const labels = { width: 4, height: 3, bitDepth: 16, data: new Uint16Array([1, 1, 0, 2, 1, 1, 0, 2, 0, 0, 0, 0]) };
  const idx = labelIndex(labels);
  assert.deepEqual([...(idx as Map<number, Uint32Array>).keys()].sort(), [1, 2]);
  assert.deepEqual([...idx.get(2)], [3, 7]);
  const dna = { width: 4, height: 3, bitDepth: 16, data: new Uint16Array([10, 20, 0, 100, 30, 40, 0, 300, 0, 0, 0, 0]) };
  const m = measureCell(1, idx.get(1), 4, [{ name: 'DNA', image: dna }]);
  assert.equal(m.area, 4);
  assert.deepEqual(m.centroid, [0.5, 0.5]);
  assert.equal(m.mean.DNA, 25);
  assert.deepEqual(orderChannels(['BF', 'Mito', 'DNA', 'NucleiBoundary', 'Extra']), ['DNA', 'Mito', 'BF', 'Extra']);
});

test('auto contrast: percentile window, and min..max for near-constant images', async () => {
  const { autoWindow } = await load('../../src/renderer/src/viewer/contrast.ts');
  const ramp = new Uint16Array(1000);
  for (let i = 0; i < ramp.length; i++) ramp[i] = i * 10;
  // ranks floor(0.005·999)=4 and floor(0.995·999)=994
  assert.deepEqual(autoWindow({ width: 1000, height: 1, bitDepth: 16, data: ramp }), [40, 9940]);
  const flat = new Uint16Array(1000).fill(30000);
  flat[0] = 29990;
  flat[1] = 30020;
  assert.deepEqual(autoWindow({ width: 1000, height: 1, bitDepth: 16, data: flat }), [29990, 30020]);
  assert.deepEqual(autoWindow({ width: 4, height: 1, bitDepth: 8, data: new Uint8Array([7, 7, 7, 7]) }), [7, 8]);
});

type Row = { label: string; source: string; ssim: Record<string, number | null>; meanSsim: number | null; nucleiF1: number | null; cellsF1: number | null; featureR: number | null; channels: Array<{ channel: string; ssim: number | null; baselineSsim: number | null; skillSsim: number | null; r: number | null; nucleiSsim: number | null; cellsSsim: number | null }> };

test('held-out metrics of the bundled manifests become table rows (training and Stainless figures)', () => {
  for (const name of ['stainless-unet-direct', 'stainless-resdiff']) {
    const m = JSON.parse(readFileSync(join(import.meta.dirname, '../../resources/models', name, 'model.json'), 'utf8'));
    const { rows, other } = heldOutRows(m.heldOutMetrics) as { rows: Row[]; other: unknown[] };
    assert.deepEqual(other, [], name);
    const trainRows = rows.filter((r) => r.source === 'PyTorch');
    assert.ok(trainRows.some((r) => r.label.startsWith('A549')) && trainRows.some((r) => r.label.startsWith('U2OS')), name);
    const keys = Object.keys(m.heldOutMetrics).filter((k) => k !== 'app' && k !== 'targets');
    assert.equal(trainRows.length, keys.length);
    for (const [i, r] of trainRows.entries()) {
      assert.equal(r.ssim.DNA, m.heldOutMetrics[keys[i]].channels.DNA.ssim);
      assert.ok(r.meanSsim! > 0 && r.meanSsim! < 1 && r.nucleiF1! > 0 && r.cellsF1! > 0, `${name} ${r.label}`);
    }
    const app = m.heldOutMetrics.app;
    if (app) {
      const appRows = rows.filter((r) => r.source === 'Stainless');
      assert.equal(appRows.length, app.plates.length);
      // the per-channel table shows the manifest's own figures for each channel it scored
      for (const [i, r] of appRows.entries()) {
        const honest = app.plates[i].honest;
        assert.deepEqual(r.channels.map((c) => c.channel), Object.keys(honest), name);
        for (const c of r.channels)
          assert.deepEqual([c.ssim, c.baselineSsim, c.skillSsim, c.r, c.nucleiSsim, c.cellsSsim], ['ssim', 'baselineSsim', 'skillSsim', 'r', 'nucleiSsim', 'cellsSsim'].map((k) => honest[c.channel][k]), `${name} ${c.channel}`);
      }
    }
  }
  // a train job's model: one channel, no inside-object figures
  const trained: { rows: Row[] } = heldOutRows({ app: { plates: [{ cellLine: 'A549', plate: 'P', sites: 2, honest: { DNA: { ssim: 0.5, r: 0.7, mse: 30, baselineSsim: 0.4, baselineMse: 60, skillSsim: 0.1667, skillMse: 0.5 } } }] } });
  assert.deepEqual(trained.rows[0].channels, [{ channel: 'DNA', ssim: 0.5, baselineSsim: 0.4, skillSsim: 0.1667, r: 0.7, nucleiSsim: null, cellsSsim: null }]);
  const odd: { rows: Row[]; other: unknown[] } = heldOutRows({ A549: { channels: { DNA: { ssim: 0.9 } }, meanSsim: 0.7 }, note: 'free text', app: { plates: [{ cellLine: 'U2OS', plate: 'p', ssim: { DNA: 0.8 }, features: { meanR: 0.3 } }], steps: 15 } });
  assert.deepEqual(odd.other, [['note', 'free text']]);
  assert.deepEqual(odd.rows.map((r) => [r.label, r.ssim.DNA, r.ssim.ER, r.featureR]), [['A549', 0.9, null, null], ['U2OS (15 sampling steps)', 0.8, null, 0.3]]);
});

test('a job state is never taken back: a failure before the first site outlives a stale list answer saying running', async () => {
  const { newerJob } = await load('../../src/renderer/src/lib/jobState.ts');
  const base = { id: 1, kind: 'segment', title: 't', done: 0, total: 0, unit: 'sites', rate: null, eta: null, message: null, error: null, createdAt: '', startedAt: null, finishedAt: null, result: null, elsewherePid: null };
  const failed = { ...base, status: 'failed', error: 'x.npy: bad' };
  const running = { ...base, status: 'running' };
  assert.equal(newerJob(failed, running), failed);
  assert.equal(newerJob(running, failed), failed);
  assert.equal(newerJob(null, running), running);
  const later = { ...running, done: 3 };
  assert.equal(newerJob(running, later), later);
  assert.equal(newerJob(later, running), later);
  assert.equal(newerJob({ ...base, status: 'queued' }, running), running);
});
