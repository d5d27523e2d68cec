import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareDomain, rangeDistance, sampleIndices, statRanges, siteStats } from '../../src/main/core/inference/domain';
import { readManifest } from '../../src/main/core/inference/model';
import { join } from 'node:path';
import type { TrainingConditions } from '../../src/shared/domain';
import { readGray } from '../../src/main/core/io/tiff';

const conditions = (stats: TrainingConditions['stats']): TrainingConditions => ({ modality: 'brightfield', planes: ['BF'], pixelSizeUm: 1.26, magnification: null, cellLines: ['A549', 'U2OS'], sites: 4, stats, source: 'test' });
const meta = { cellLine: null, pixelSizeUm: null, modelPixelSizeUm: 1.26 };

test('distance outside a training range is measured in spreads (width, 4 sd or 5% of the level)', () => {
  const r = { lo: 1, hi: 2, mean: 1.5, sd: 0.1 };
  assert.equal(rangeDistance(1.5, r), 0);
  assert.equal(rangeDistance(3, r), 1);
  assert.equal(rangeDistance(-1, r), 2);
  assert.equal(rangeDistance(0.5, { lo: 1, hi: 1, mean: 1, sd: 0.5 }), 0.25, 'a narrow range widened by 4 sd');
  assert.deepEqual(sampleIndices(10, 4), [0, 3, 6, 9]);
  assert.deepEqual(sampleIndices(3, 4), [0, 1, 2]);
});

test('verdicts: in range, shifted (cell line, one statistic), out of range (a statistic far off); never silent without conditions', () => {
  const stats = statRanges([{ BF: { focus: 1, texture: 0.5, intensity: 0.2 } }, { BF: { focus: 1.2, texture: 0.6, intensity: 0.21 } }]);
  assert.deepEqual([stats.BF.focus.lo, stats.BF.focus.hi], [1, 1.2]);
  assert.ok(Math.abs(stats.BF.focus.mean - 1.1) < 1e-12 && Math.abs(stats.BF.focus.sd - Math.sqrt(0.02)) < 1e-12, 'sample sd');
  const tc = conditions(stats);
  assert.equal(compareDomain(tc, [{ BF: { focus: 1.1, texture: 0.55, intensity: 0.205 } }], meta).verdict, 'in range');
  const line = compareDomain(tc, [{ BF: { focus: 1.1, texture: 0.55, intensity: 0.205 } }], { ...meta, cellLine: 'HeLa' });
  assert.equal(line.verdict, 'shifted');
  assert.match(line.reasons[0].text, /cell line HeLa is not among the training cell lines \(A549, U2OS\)/);
  const shifted = compareDomain(tc, [{ BF: { focus: 1.1, texture: 0.9, intensity: 0.205 } }], meta);
  assert.equal(shifted.verdict, 'shifted', JSON.stringify(shifted.reasons));
  const out = compareDomain(tc, [{ BF: { focus: 5, texture: 0.55, intensity: 0.205 } }], meta);
  assert.equal(out.verdict, 'out of range');
  assert.match(out.reasons[0].text, /^BF: focus \(variance of the Laplacian\) 5\.000 vs training 1\.000 to 1\.200/);
  // raw level is normalised away before the model: far off, it only shifts
  assert.equal(compareDomain(tc, [{ BF: { focus: 1.1, texture: 0.55, intensity: 0.9 } }], meta).verdict, 'shifted');
  const none = compareDomain(undefined, [{ BF: { focus: 1 } }], meta);
  assert.equal(none.verdict, 'shifted');
  assert.match(none.reasons[0].text, /no training conditions/);
});

test('the bundled manifests carry training conditions for every input plane, measured the way infer measures', () => {
  for (const name of ['stainless-unet-direct', 'stainless-resdiff']) {
    const m = readManifest(join(import.meta.dirname, '../../resources/models', name)).manifest;
    const tc = m.trainingConditions!;
    assert.ok(tc, `${name}: trainingConditions`);
    assert.deepEqual(tc.cellLines, ['A549', 'U2OS']);
    assert.equal(tc.pixelSizeUm, m.pixelSizeUm);
    assert.equal(tc.sites, 32);
    for (const ch of m.inputs) assert.deepEqual(Object.keys(tc.stats[ch]).sort(), ['contrast', 'focus', 'intensity', 'q10', 'q50', 'q90', 'texture']);
    const lowHigh = tc.stats.stack['r(BFLow,BFHigh)'];
    assert.ok(lowHigh.hi < 0, 'brightfield below and above focus have inverted contrast: anti-correlated');
  }
  // and siteStats gives the same keys
  const m = readManifest(join(import.meta.dirname, '../../resources/models/stainless-unet-direct')).manifest;
  const g = { width: 32, height: 32, bitDepth: 16 as const, data: Uint16Array.from({ length: 1024 }, (_, i) => (i * 37) % 5000) };
  const s = siteStats([g, g, g], m, null);
  assert.deepEqual(Object.keys(s).sort(), ['BF', 'BFHigh', 'BFLow', 'stack']);
  assert.deepEqual(Object.keys(s.stack), ['r(BFLow,BF)', 'r(BFLow,BFHigh)', 'r(BF,BFHigh)']);
  assert.ok(Math.abs(s.stack['r(BFLow,BFHigh)'] - 1) < 1e-9, 'identical planes correlate perfectly');
});

test('the real phase-contrast planes are out of range for both bundled models (whatever their input order)', async () => {
  const DATA = join(import.meta.dirname, '../../../shared/data/isl-rat-cortex-phase-left');
  const planes = Object.fromEntries(await Promise.all((['BFLow', 'BF', 'BFHigh'] as const).map(async (ch, i) => [ch, await readGray(join(DATA, `phase_z${['00', '06', '12'][i]}.png`))] as const)));
  for (const name of ['stainless-unet-direct', 'stainless-resdiff']) {
    const m = readManifest(join(import.meta.dirname, '../../resources/models', name)).manifest;
    const d = compareDomain(m.trainingConditions, [siteStats(m.inputs.map((ch) => planes[ch]), m, null)], meta);
    assert.equal(d.verdict, 'out of range', `${name}: ${JSON.stringify(d.reasons)}`);
    assert.match(d.reasons[0].text, /^planes: correlation of the (BFLow and BFHigh|BF and BFLow) planes .* vs training/);
  }
});
