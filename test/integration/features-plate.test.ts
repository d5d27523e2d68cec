import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { readParquet } from 'parquet-wasm';
import { tableFromIPC, type Table } from 'apache-arrow';
import { createCore } from '../../src/main/core/core';
import { writeTiff } from '../../src/main/core/io/tiff';
import { main } from '../../src/main/cli';
import { dispatch, handlers } from '../../src/main/core/api';
import { wellName } from '../../src/shared/channels';

// A real 384-well plate in a real catalog: one small site (2 cells) per well with five 16-bit Cell Painting
// channels; DMSO (negcon) in columns 1–2, a compound that enlarges and brightens cells elsewhere.
const ws = mkdtempSync(join(tmpdir(), 'stainless-features-plate-'));
const out = mkdtempSync(join(tmpdir(), 'stainless-export-'));
after(() => {
  rmSync(ws, { recursive: true, force: true });
  rmSync(out, { recursive: true, force: true });
});

const SIZE = 48;
const CHANNELS = ['DNA', 'ER', 'RNA', 'AGP', 'Mito'];

function renderSite(seed: number, treated: boolean): Record<string, Uint16Array> {
  let s = seed >>> 0;
  const rand = () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32;
  const nuc = new Uint8Array(SIZE * SIZE);
  const cell = new Uint8Array(SIZE * SIZE);
  // two cells per site, jittered around fixed spots so none touches the image border
  const centres: Array<[number, number]> = [
    [15 + rand() * 2, 15 + rand() * 2],
    [32 + rand() * 2, 32 + rand() * 2],
  ];
  const rn = treated ? 6 : 4.5;
  for (let y = 0; y < SIZE; y++)
    for (let x = 0; x < SIZE; x++)
      for (const [cx, cy] of centres) {
        const d = Math.hypot(x - cx, y - cy);
        if (d <= rn) nuc[y * SIZE + x] = 1;
        if (d <= rn * 1.7) cell[y * SIZE + x] = 1;
      }
  const out: Record<string, Uint16Array> = {};
  CHANNELS.forEach((ch, k) => {
    const img = new Uint16Array(SIZE * SIZE);
    for (let i = 0; i < img.length; i++) {
      const fg = ch === 'DNA' ? nuc[i] : cell[i];
      img[i] = Math.round(2000 + rand() * 800 + (fg ? (treated ? 30000 : 20000) + 2000 * k : 0));
    }
    out[ch] = img;
  });
  return out;
}

async function buildPlate(): Promise<void> {
  const core = createCore({ workspace: ws, transport: 'inprocess' });
  const db = core.db;
  const plateId = (db.prepare(`INSERT INTO plates (barcode, format, platemap_name) VALUES ('P384', 384, 'map1') RETURNING id`).get() as { id: number }).id;
  const dmso = (db.prepare(`INSERT INTO compounds (broad_sample, name, moa, target, pert_type, control_type) VALUES ('DMSO', 'DMSO', NULL, NULL, 'control', 'negcon') RETURNING id`).get() as { id: number }).id;
  const cpd = (db.prepare(`INSERT INTO compounds (broad_sample, name, moa, target, pert_type) VALUES ('BRD-K0001', 'bigcellin', 'cell growth', 'TGT1', 'trt') RETURNING id`).get() as { id: number }).id;
  const insWell = db.prepare(`INSERT INTO wells (plate_id, row, col, name, compound_id, concentration, control_type, annotated) VALUES (?, ?, ?, ?, ?, ?, ?, 1) RETURNING id`);
  const insSite = db.prepare(`INSERT INTO sites (well_id, field) VALUES (?, 1) RETURNING id`);
  const insImg = db.prepare(`INSERT INTO images (site_id, channel, kind, path, width, height, bit_depth) VALUES (?, ?, 'acquired', ?, ?, ?, 16)`);
  for (let r = 0; r < 16; r++)
    for (let c = 0; c < 24; c++) {
      const neg = c < 2;
      const wid = (insWell.get(plateId, r, c, wellName(r, c), neg ? dmso : cpd, neg ? null : 10, neg ? 'negcon' : 'trt') as { id: number }).id;
      const sid = (insSite.get(wid) as { id: number }).id;
      const imgs = renderSite(r * 24 + c + 1, !neg);
      for (const ch of CHANNELS) {
        const file = join(ws, 'acquired', `${wellName(r, c)}_${ch}.tiff`);
        await writeTiff(file, { width: SIZE, height: SIZE, bitDepth: 16, data: imgs[ch] });
        insImg.run(sid, ch, file, SIZE, SIZE);
      }
    }
  core.close();
}

async function cli(...args: string[]): Promise<number> {
  return main([...args, '--workspace', ws]);
}

/** Read a Parquet file with an independent implementation (arrow-rs's reader via parquet-wasm), not the writer's. */
function readBack(file: string): Table {
  return tableFromIPC(readParquet(new Uint8Array(readFileSync(file))).intoIPCStream());
}

const ready = buildPlate();

test('segment + measure a 384-well plate; per-well profiles, labels and segmentations are stored', async () => {
  await ready;
  assert.equal(await cli('segment', '--plate', 'P384', '--source', 'acquired', '--method', 'classical', '--workers', '2'), 0);
  const core = createCore({ workspace: ws, transport: 'inprocess' });
  try {
    const segs = core.db.prepare(`SELECT count(*) AS n, sum(n_nuclei) AS nuc, min(n_nuclei) AS lo FROM segmentations WHERE source = 'acquired' AND method = 'classical'`).get() as { n: number; nuc: number; lo: number };
    assert.equal(segs.n, 384);
    assert.equal(segs.lo, 2, 'every site has its 2 nuclei');
    const seg = core.db.prepare(`SELECT nuclei_path FROM segmentations LIMIT 1`).get() as { nuclei_path: string };
    assert.ok(existsSync(seg.nuclei_path) && seg.nuclei_path.startsWith(join(ws, 'labels')));
    const sets = (await dispatch(core, handlers, 'features.sets', { plate: 'P384' })) as Array<{ id: number; nCells: number; hasRobustZ: boolean; status: string }>;
    assert.equal(sets.length, 1);
    assert.equal(sets[0].status, 'done');
    assert.equal(sets[0].nCells, 384 * 2);
    assert.ok(sets[0].hasRobustZ);
    const names = (await dispatch(core, handlers, 'features.names', { setId: sets[0].id, query: 'Cells_AreaShape_Area' })) as { names: string[] };
    assert.ok(names.names.includes('Cells_AreaShape_Area'));
    const raw = (await dispatch(core, handlers, 'features.wellValues', { setId: sets[0].id, name: 'Nuclei_AreaShape_Area' })) as { wells: Array<{ col: number; value: number | null }> };
    assert.equal(raw.wells.length, 384);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const dmsoArea = mean(raw.wells.filter((w) => w.col < 2).map((w) => w.value!));
    const trtArea = mean(raw.wells.filter((w) => w.col >= 2).map((w) => w.value!));
    assert.ok(Math.abs(dmsoArea - Math.PI * 4.5 ** 2) < 12, `DMSO nucleus area ${dmsoArea}`);
    assert.ok(trtArea > dmsoArea * 1.5, `treated ${trtArea} vs DMSO ${dmsoArea}`);
    const z = (await dispatch(core, handlers, 'features.wellValues', { setId: sets[0].id, name: 'Nuclei_AreaShape_Area', normalize: 'robustz' })) as { wells: Array<{ col: number; value: number | null }> };
    const dz = z.wells.filter((w) => w.col < 2).map((w) => w.value!).sort((a, b) => a - b);
    assert.ok(Math.abs((dz[15] + dz[16]) / 2) < 1e-9, 'DMSO wells have median robust z 0');
    assert.ok(z.wells.filter((w) => w.col >= 2).every((w) => w.value! > 3), 'treated wells stand out in robust z');
    const site = core.db.prepare(`SELECT s.id FROM sites s JOIN wells w ON w.id = s.well_id WHERE w.name = 'A01'`).get() as { id: number };
    const labels = core.db.prepare(`SELECT cells_path FROM segmentations WHERE site_id = ?`).get(site.id) as { cells_path: string };
    const { readGray } = await import('../../src/main/core/io/tiff');
    const lab = await readGray(labels.cells_path);
    const i = lab.data.findIndex((v) => v > 0);
    const hit = (await dispatch(core, handlers, 'features.cellAt', { siteId: site.id, x: i % SIZE, y: Math.floor(i / SIZE) })) as { objectNumber: number; measurements: Record<string, number> } | null;
    assert.ok(hit && hit.objectNumber === lab.data[i]);
    assert.ok(hit!.measurements.Cells_AreaShape_Area > 50);
  } finally {
    core.close();
  }
});

test('per-well Parquet export reads back with an independent reader: one row per well, metadata then DOUBLE features', async () => {
  const file = join(out, 'wells.parquet');
  assert.equal(await cli('export', '--plate', 'P384', '--level', 'well', '--format', 'parquet', '--out', file, '--source', 'acquired'), 0);
  const t = readBack(file);
  assert.equal(t.numRows, 384);
  const type = Object.fromEntries(t.schema.fields.map((f) => [f.name, String(f.type)]));
  assert.deepEqual(
    t.schema.fields.slice(0, 11).map((f) => f.name),
    ['Metadata_Plate', 'Metadata_Well', 'Metadata_broad_sample', 'Metadata_pert_iname', 'Metadata_moa', 'Metadata_target', 'Metadata_control_type', 'Metadata_mmoles_per_liter', 'Metadata_Source', 'Metadata_Model', 'Metadata_DomainVerdict'],
  );
  assert.match(type.Metadata_Well, /^(Utf8|LargeUtf8|Utf8View)$/);
  assert.equal(type.Metadata_mmoles_per_liter, 'Float64');
  for (const f of ['Count_Cells', 'Cells_AreaShape_Area', 'Nuclei_Intensity_MeanIntensity_DNA', 'Cytoplasm_Granularity_3_Mito', 'Cells_Texture_Contrast_ER_3_00_256', 'Cells_RadialDistribution_FracAtD_RNA_2of4', 'Cells_Correlation_Correlation_DNA_ER', 'Cells_Neighbors_NumberOfNeighbors_Adjacent'])
    assert.equal(type[f], 'Float64', f);
  const wells = t.getChild('Metadata_Well')!.toArray() as string[];
  const controls = t.getChild('Metadata_control_type')!.toArray() as string[];
  const counts = Array.from(t.getChild('Count_Cells')!.toArray() as Float64Array);
  assert.equal(new Set(wells).size, 384);
  assert.equal(controls[wells.indexOf('A01')], 'negcon');
  assert.deepEqual([...new Set(counts)], [2]);
});

test('per-well CSV (robust z) loads in pandas with one row per well', async () => {
  const file = join(out, 'wells_z.csv');
  assert.equal(await cli('export', '--plate', 'P384', '--level', 'well', '--format', 'csv', '--out', file, '--source', 'acquired', '--normalize', 'robustz'), 0);
  const py = `import pandas as pd, json, sys
df = pd.read_csv(sys.argv[1])
print(json.dumps({"rows": len(df), "wells": int(df.Metadata_Well.nunique()), "area": str(df["Cells_AreaShape_Area"].dtype),
  "plate": df.Metadata_Plate.unique().tolist(), "dmso_median": float(df[df.Metadata_control_type == "negcon"]["Nuclei_AreaShape_Area"].median())}))`;
  const r = JSON.parse(execFileSync('/usr/bin/python3', ['-c', py, file], { encoding: 'utf8' }));
  assert.equal(r.rows, 384);
  assert.equal(r.wells, 384);
  assert.equal(r.area, 'float64');
  assert.deepEqual(r.plate, ['P384']);
  assert.ok(Math.abs(r.dmso_median) < 1e-9);
});

test('per-cell exports: Parquet with site and object numbers; CSV of the same rows', async () => {
  const pq = join(out, 'cells.parquet');
  const csv = join(out, 'cells.csv');
  assert.equal(await cli('export', '--plate', 'P384', '--level', 'cell', '--format', 'parquet', '--out', pq, '--source', 'acquired'), 0);
  assert.equal(await cli('export', '--plate', 'P384', '--level', 'cell', '--format', 'csv', '--out', csv, '--source', 'acquired'), 0);
  const t = readBack(pq);
  assert.equal(t.numRows, 384 * 2);
  assert.equal(new Set(Array.from(t.getChild('Metadata_ObjectNumber')!.toArray() as ArrayLike<number>)).size, 2);
  assert.match(String(t.schema.fields.find((f) => f.name === 'Metadata_Site')!.type), /^U?Int(32|16|64)$/);
  const area2 = Array.from(t.getChild('Cells_AreaShape_Area')!.toArray() as Float64Array).reduce((a, b) => a + b, 0);
  const py = `import pandas as pd, json, sys
d = pd.read_csv(sys.argv[1])
print(json.dumps({"m": len(d), "area": float(d["Cells_AreaShape_Area"].sum()), "well": str(d["Metadata_Well"].min())}))`;
  const { m, area, well } = JSON.parse(execFileSync('/usr/bin/python3', ['-c', py, csv], { encoding: 'utf8' }));
  assert.equal(m, 384 * 2);
  assert.ok(Math.abs(area - area2) <= 1e-9 * Math.abs(area2), 'CSV and Parquet carry the same values');
  assert.equal(well, 'A01');
});

test('per-cell storage: float32 (positions float64) within 1e-6 of the float64 profiles; exports carry the stored values; the cell under the pointer comes from the store', async () => {
  const core = createCore({ workspace: ws, transport: 'inprocess' });
  try {
    const set = core.db.prepare(`SELECT id, cells_path AS path FROM feature_sets WHERE source = 'acquired'`).get() as { id: number; path: string };
    const stored = readBack(set.path);
    const type = (t: Table, name: string) => String(t.schema.fields.find((f) => f.name === name)!.type);
    assert.equal(type(stored, 'Cells_AreaShape_Area'), 'Float32');
    assert.equal(type(stored, 'Nuclei_Location_Center_X'), 'Float64', 'positions stay float64');
    const col = (t: Table, name: string) => Array.from(t.getChild(name)!.toArray() as ArrayLike<number>);
    const wellsCol = col(stored, 'Metadata_Well') as unknown as string[];
    // per-well profiles are medians of the float64 measurements (before storage); the stored
    // float32 cells give the same medians to the storage tolerance
    for (const name of ['Nuclei_Intensity_MeanIntensity_DNA', 'Cells_AreaShape_FormFactor', 'Cells_Texture_Contrast_ER_3_00_256']) {
      const prof = (await dispatch(core, handlers, 'features.wellValues', { setId: set.id, name })) as { wells: Array<{ row: number; col: number; value: number | null }> };
      const vals = col(stored, name);
      let worst = 0;
      assert.equal(prof.wells.length, 384);
      for (const w of prof.wells) {
        const xs = vals.filter((_, i) => wellsCol[i] === wellName(w.row, w.col)).sort((a, b) => a - b);
        assert.equal(xs.length, 2);
        const med = xs.length % 2 ? xs[(xs.length - 1) / 2] : (xs[xs.length / 2 - 1] + xs[xs.length / 2]) / 2;
        worst = Math.max(worst, Math.abs(med - w.value!) / Math.abs(w.value!));
      }
      assert.ok(worst <= 1e-6, `${name}: stored cells vs float64 profile, worst relative ${worst}`);
    }
    // --precision double: every feature column float64, values the stored ones exactly
    const dbl = join(out, 'cells-double.parquet');
    assert.equal(await cli('export', '--plate', 'P384', '--level', 'cell', '--format', 'parquet', '--precision', 'double', '--out', dbl, '--source', 'acquired'), 0);
    const d = readBack(dbl);
    assert.equal(d.numRows, stored.numRows);
    const feats = stored.schema.fields.filter((f) => !f.name.startsWith('Metadata_')).map((f) => f.name);
    assert.ok(feats.length > 500);
    for (const name of feats) {
      assert.equal(type(d, name), 'Float64', name);
      const a = col(stored, name);
      const b = col(d, name);
      assert.ok(a.every((v, i) => Object.is(v, b[i]) || v === b[i]), `${name}: widened values differ`);
    }
    // the CSV export (previous test) writes decimals that read back as the stored float32
    const lines = readFileSync(join(out, 'cells.csv'), 'utf8').trim().split('\n');
    const head = lines[0].split(',');
    const j = head.indexOf('Cells_Intensity_MeanIntensity_DNA');
    const stDNA = col(stored, 'Cells_Intensity_MeanIntensity_DNA');
    assert.equal(lines.length - 1, stDNA.length);
    lines.slice(1).forEach((l, r) => assert.equal(Math.fround(Number(l.split(',')[j])), stDNA[r], `CSV row ${r}`));
    // the cell under the pointer: its stored row, found by row-group statistics
    const site = core.db.prepare(`SELECT s.id FROM sites s JOIN wells w ON w.id = s.well_id WHERE w.name = 'B05'`).get() as { id: number };
    const labels = core.db.prepare(`SELECT cells_path FROM segmentations WHERE site_id = ?`).get(site.id) as { cells_path: string };
    const { readGray } = await import('../../src/main/core/io/tiff');
    const lab = await readGray(labels.cells_path);
    const px = lab.data.findIndex((v) => v > 0);
    const hit = (await dispatch(core, handlers, 'features.cellAt', { siteId: site.id, x: px % SIZE, y: Math.floor(px / SIZE) })) as { objectNumber: number; measurements: Record<string, number> };
    const obj = col(stored, 'Metadata_ObjectNumber');
    const row = wellsCol.findIndex((w, i) => w === 'B05' && obj[i] === hit.objectNumber);
    assert.ok(row >= 0);
    for (const name of ['Cells_AreaShape_Area', 'Cells_Intensity_MeanIntensity_DNA', 'Nuclei_AreaShape_Perimeter', 'Nuclei_Intensity_MeanIntensity_Mito'])
      assert.equal(hit.measurements[name], col(stored, name)[row], `${name} is the stored value`);
  } finally {
    core.close();
  }
});

test('segment --precision double stores float64 features, and export --precision double then carries the float64 measurements', async () => {
  assert.equal(await cli('segment', '--plate', 'P384', '--source', 'acquired', '--method', 'classical', '--workers', '2', '--precision', 'double'), 0);
  const file = join(out, 'cells-f64.parquet');
  assert.equal(await cli('export', '--plate', 'P384', '--level', 'cell', '--format', 'parquet', '--precision', 'double', '--out', file, '--source', 'acquired'), 0);
  const t = readBack(file);
  const name = 'Nuclei_Intensity_MeanIntensity_DNA';
  assert.equal(String(t.schema.fields.find((f) => f.name === name)!.type), 'Float64');
  const v = Array.from(t.getChild(name)!.toArray() as Float64Array);
  assert.ok(v.filter((x) => Math.fround(x) !== x).length > v.length / 2, 'values carry more than float32 precision');
  const wells = Array.from(t.getChild('Metadata_Well')!.toArray() as ArrayLike<string>);
  const core = createCore({ workspace: ws, transport: 'inprocess' });
  try {
    const set = core.db.prepare(`SELECT id FROM feature_sets WHERE source = 'acquired'`).get() as { id: number };
    const prof = (await dispatch(core, handlers, 'features.wellValues', { setId: set.id, name })) as { wells: Array<{ row: number; col: number; value: number | null }> };
    // two cells a well: the profile (median over cells, float64) is their mean, to the last bits
    for (const w of prof.wells) {
      const xs = v.filter((_, i) => wells[i] === wellName(w.row, w.col));
      assert.ok(Math.abs((xs[0] + xs[1]) / 2 - w.value!) <= 1e-15 * Math.abs(w.value!), wellName(w.row, w.col));
    }
  } finally {
    core.close();
  }
});

test('bad export requests fail with a clear message', async () => {
  assert.equal(await cli('export', '--plate', 'NOPE', '--out', join(out, 'x.csv'), '--source', 'acquired'), 1);
  // a well-formed command the handler refuses fails (1); flags the schema rejects are usage errors (2)
  assert.equal(await cli('export', '--plate', 'P384', '--out', join(out, 'x.csv'), '--format', 'parquet', '--source', 'acquired'), 1);
  assert.equal(await cli('export', '--plate', 'P384', '--out', join(out, 'x.csv'), '--level', 'plate', '--source', 'acquired'), 2);
  const core = createCore({ workspace: ws, transport: 'inprocess' });
  try {
    await assert.rejects(dispatch(core, handlers, 'export.start', { plate: 'P384', out: 'relative.csv' }), /absolute path/);
  } finally {
    core.close();
  }
});
