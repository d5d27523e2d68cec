import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openCatalog } from '../../src/main/core/catalog/db';
import { importPlate } from '../../src/main/core/catalog/importPlate';
import { getPlate, getWell } from '../../src/main/core/catalog/queries';
import { simulatePlate, plateLayout, isEdge } from '../../src/main/core/simulate';
import { PLATE_FORMATS, wellName, type PlateFormat } from '../../src/shared/channels';

const root = mkdtempSync(join(tmpdir(), 'stainless-import-sim-'));
const CHANNELS = ['AGP', 'BF', 'BFHigh', 'BFLow', 'DNA', 'ER', 'Mito', 'RNA'];

interface Case {
  format: PlateFormat;
  /** imaged wells (all when absent) */
  wells?: string[];
  emptyEdges?: boolean;
  /** import the Images folder itself (metadata found in ../metadata) */
  viaImages?: boolean;
}

const grid = (rows: number[], cols: number[]) => rows.flatMap((r) => cols.map((c) => wellName(r, c)));

const CASES: Case[] = [
  { format: 96 },
  // First three rows imaged, edges empty and left out of the plate map.
  { format: 384, wells: grid([0, 1, 2], [...Array(24).keys()]), emptyEdges: true, viaImages: true },
  // Corners, middle, a DMSO (B02) and a positive control (C03) well.
  { format: 1536, wells: [...grid([0, 13, 31], [0, 24, 47]), 'B02', 'C03'] },
];

for (const c of CASES) {
  test(`simulated ${c.format}-well plate imports with exact counts and the simulator's annotation`, { timeout: 600_000 }, async () => {
    const out = join(root, `sim${c.format}`);
    const sim = await simulatePlate({ out, format: c.format, sites: 1, size: 64, seed: 7, wells: c.wells, emptyEdges: c.emptyEdges });
    const db = openCatalog(join(root, `sim${c.format}.sqlite`));
    try {
      const progress: Array<[number, number, number]> = [];
      const r = await importPlate(db, { dir: c.viaImages ? join(out, 'Images') : out, cellLine: sim.cellLine }, (p) => {
        if (p.phase === 'scan') progress.push([p.done, p.total, p.sitesFound]);
      });
      // Files scanned rise in steps of 200 to the total, reported once each; sites found reach the site count.
      const steps = progress.map(([d]) => d);
      assert.deepEqual(steps, [...Array(Math.ceil(r.images / 200)).keys()].map((i) => Math.min((i + 1) * 200, r.images)));
      assert.equal(progress.at(-1)![2], r.sites);
      const layout = plateLayout(c.format);
      const { rows, cols } = PLATE_FORMATS[c.format];
      const edge = (row: number, col: number) => !!c.emptyEdges && isEdge(c.format, row, col);
      const mapped = layout.filter((p) => !edge(p.row, p.col));
      const imaged = new Set(c.wells ?? layout.map((p) => p.well));
      const imagedUnmapped = [...imaged].filter((w) => !mapped.some((p) => p.well === w)).length;

      assert.equal(r.barcode, sim.barcode);
      assert.equal(r.format, c.format);
      assert.equal(r.naming, 'phenix');
      assert.deepEqual(r.channels, CHANNELS);
      assert.equal(r.wells, mapped.length + imagedUnmapped);
      assert.equal(r.sites, imaged.size);
      assert.equal(r.images, imaged.size * 8);
      assert.equal(r.annotatedWells, mapped.length);
      assert.equal(r.unannotatedWells, imagedUnmapped);
      assert.ok(r.problems.every((p) => p.severity === 'warning' && p.code === 'unimaged_wells'), JSON.stringify(r.problems));

      const detail = getPlate(db, sim.barcode);
      assert.deepEqual([detail.plate.wells, detail.plate.sites, detail.plate.images, detail.plate.cellLine], [r.wells, imaged.size, imaged.size * 8, sim.cellLine]);
      const byName = new Map(detail.wells.map((w) => [w.name, w]));
      for (const p of layout) {
        const w = byName.get(p.well);
        if (edge(p.row, p.col)) {
          if (imaged.has(p.well)) assert.deepEqual([w?.annotated, w?.compound, w?.controlType], [false, null, null], p.well);
          else assert.equal(w, undefined, p.well);
          continue;
        }
        assert.ok(w, `well ${p.well} is in the catalog`);
        assert.deepEqual(
          [w.broadSample, w.compound, w.moa, w.target, w.controlType, w.concentration, w.concentrationUnit, w.sites],
          [p.broadSample || 'DMSO', p.compound?.name ?? 'DMSO', p.compound?.moa ?? 'control', p.compound?.target || null, p.control, p.doseMm, 'mM', imaged.has(p.well) ? 1 : 0],
          p.well,
        );
        assert.ok(w.row < rows && w.col < cols);
      }
      // A well's site holds the eight channels, at the simulated size, pointing at the simulator's files.
      const first = detail.wells.find((w) => w.sites === 1)!;
      const wd = getWell(db, first.id);
      assert.deepEqual(
        wd.sites[0].images.map((i) => [i.channel, i.width, i.height, i.bitDepth]),
        CHANNELS.map((ch) => [ch, 64, 64, 16]),
      );
      assert.ok(wd.sites[0].images.every((i) => i.path.startsWith(join(out, 'Images'))));
      // the simulator's ground-truth labels (groundtruth/ beside Images/) became 'truth' segmentations of every site
      assert.equal(r.truthSites, imaged.size);
      const truth = db.prepare(`SELECT count(*) AS n, sum(n_nuclei) AS nuclei FROM segmentations WHERE source = 'truth'`).get() as { n: number; nuclei: number };
      assert.equal(truth.n, imaged.size);
      assert.ok(truth.nuclei > imaged.size, `${truth.nuclei} nuclei counted`);
    } finally {
      db.close();
    }
  });
}

test('an unreadable ground-truth label image is reported by name and skipped; the plate still imports', async () => {
  const out = join(root, 'badtruth');
  await simulatePlate({ out, format: 96, sites: 1, size: 64, seed: 8, wells: ['A01', 'B02'] });
  const bad = join(out, 'groundtruth', 'r01c01f01-nuclei.tiff');
  const cut = readFileSync(bad).subarray(0, 40);
  writeFileSync(bad, cut);
  const db = openCatalog(join(root, 'badtruth.sqlite'));
  try {
    const r = await importPlate(db, { dir: out });
    assert.equal(r.sites, 2);
    assert.equal(r.truthSites, 1);
    const p = r.problems.find((x) => x.file === bad);
    assert.ok(p && p.severity === 'warning' && /not registered/.test(p.message), JSON.stringify(r.problems));
    assert.deepEqual(readFileSync(bad), cut); // read, never repaired or rewritten
  } finally {
    db.close();
  }
});
