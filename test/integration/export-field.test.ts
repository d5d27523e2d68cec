import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readParquet } from 'parquet-wasm';
import { tableFromIPC, type Table } from 'apache-arrow';
import { main } from '../../src/main/cli';
import { createCore } from '../../src/main/core/core';
import { dispatch, handlers } from '../../src/main/core/api';
import { wellName } from '../../src/shared/channels';
import { planTables } from '../../src/main/core/export/cellprofilerSqlite';
import { allFeatureColumns, setWellIds, wellPositions } from '../../src/main/core/features/store';
import { cytotableRank } from '../../src/main/core/export/cytotable';

/**
 * The field's per-cell layouts of a measured demo plate, read back by readers that share no code
 * with Stainless' writers: CytoTable Parquet through arrow-rs (parquet-wasm), CellProfiler SQLite
 * through Python's sqlite3 and pandas. Keys, column names, row counts and every value are checked
 * against the per-cell store (also read through parquet-wasm).
 */
const root = mkdtempSync(join(tmpdir(), 'stainless-field-'));
const ws = join(root, 'ws');
test.after(() => rmSync(root, { recursive: true, force: true }));
const cli = (...a: string[]) => main([...a, '--workspace', ws]);
const PLATE = 'SIM-A549-96-5';

const readBack = (file: string): Table => tableFromIPC(readParquet(new Uint8Array(readFileSync(file))).intoIPCStream());
const column = (t: Table, name: string) => Array.from(t.getChild(name)!.toArray() as ArrayLike<unknown>);

/** The per-cell store of the plate's acquired features, as rows keyed by well/site/object. */
interface Store {
  t: Table;
  names: string[];
  rowOf: Map<string, number>;
}

const ready = (async (): Promise<Store> => {
  const plate = join(root, 'plate');
  assert.equal(await cli('demo', '--out', plate, '--format', '96', '--sites', '2', '--size', '160', '--seed', '5', '--wells', 'A01,A02,B05', '--workers', '0'), 0);
  assert.equal(await cli('import', plate), 0);
  assert.equal(await cli('segment', '--plate', PLATE, '--source', 'acquired', '--method', 'classical', '--workers', '0'), 0);
  const core = createCore({ workspace: ws, transport: 'inprocess' });
  try {
    const { path } = core.db.prepare(`SELECT cells_path AS path FROM feature_sets WHERE source = 'acquired'`).get() as { path: string };
    const t = readBack(path);
    const [w, s, o] = ['Metadata_Well', 'Metadata_Site', 'Metadata_ObjectNumber'].map((n) => column(t, n));
    return { t, names: t.schema.fields.map((f) => f.name), rowOf: new Map(w.map((well, i) => [`${well}/${s[i]}/${o[i]}`, i])) };
  } finally {
    core.close();
  }
})();

/** Stored value as a comparable number (missing → null), whatever Arrow type holds it. */
const num = (v: unknown): number | null => {
  const n = typeof v === 'bigint' ? Number(v) : (v as number | null);
  return n === null || n === undefined || Number.isNaN(n) ? null : n;
};

test("CytoTable layout: CytoTable's key and column names and order, one row per joined cell, the stored values", { timeout: 600_000 }, async () => {
  const store = await ready;
  const file = join(root, 'cytotable.parquet');
  assert.equal(await cli('export', '--plate', PLATE, '--source', 'acquired', '--layout', 'cytotable', '--out', file), 0);
  const t = readBack(file);
  const names = t.schema.fields.map((f) => f.name);
  assert.deepEqual(names.slice(0, 2), ['Metadata_TableNumber', 'Metadata_ImageNumber']);
  for (const n of ['Metadata_ObjectNumber', 'Metadata_Plate', 'Metadata_Well', 'Image_Metadata_Site', 'Metadata_Cytoplasm_Parent_Cells', 'Metadata_Cytoplasm_Parent_Nuclei', 'Metadata_Cells_Parent_Nuclei', 'Image_FileName_OrigDNA', 'Image_PathName_OrigDNA', 'Image_FileName_OrigBrightfield', 'Image_Count_Cells', 'Image_Count_Nuclei', 'Image_Count_Cytoplasm'])
    assert.ok(names.includes(n), n);
  assert.ok(!names.includes('Metadata_Site'), 'the site is an image-table column (Image_Metadata_Site)');
  // CytoTable's sort: keys, metadata, Image_, Cytoplasm_, Cells_, Nuclei_; code points within a rank
  const ranks = names.map(cytotableRank);
  for (let i = 1; i < names.length; i++) assert.ok(ranks[i - 1] < ranks[i] || (ranks[i - 1] === ranks[i] && names[i - 1] < names[i]), `${names[i - 1]} before ${names[i]}`);
  assert.equal(names.find((n) => ranks[names.indexOf(n)] === 8), names.find((n) => n.startsWith('Cytoplasm_')));
  // every stored feature column is there under its own name
  const features = store.names.filter((n) => /^(Cells|Cytoplasm|Nuclei|Image)_/.test(n));
  assert.deepEqual(features.filter((n) => !names.includes(n)), []);
  assert.equal(String(t.schema.fields.find((f) => f.name === 'Cells_AreaShape_Area')!.type), 'Float32');
  const wide = join(root, 'cytotable-double.parquet');
  assert.equal(await cli('export', '--plate', PLATE, '--source', 'acquired', '--layout', 'cytotable', '--precision', 'double', '--out', wide), 0);
  const td = readBack(wide);
  assert.equal(String(td.schema.fields.find((f) => f.name === 'Cells_AreaShape_Area')!.type), 'Float64');
  assert.deepEqual(column(td, 'Cells_AreaShape_Area'), column(t, 'Cells_AreaShape_Area'), 'the stored values, widened');
  // rows: the cells off the border (as CellProfiler keeps them) that CytoTable's join keeps (a cytoplasm and a nucleus)
  const cyto = column(store.t, 'Cytoplasm_Number_Object_Number').map(num);
  const nuc = column(store.t, 'Nuclei_Number_Object_Number').map(num);
  const border = column(store.t, 'Metadata_TouchesBorder').map(num);
  assert.ok(border.some((b) => b === 1), 'the demo plate has cells on the border');
  const joined = cyto.filter((c, i) => c !== null && nuc[i] !== null && border[i] === 0).length;
  assert.ok(joined > 50, `${joined} cells`);
  assert.equal(t.numRows, joined);
  const [tn, img, obj, well, site, pc, pn] = ['Metadata_TableNumber', 'Metadata_ImageNumber', 'Metadata_ObjectNumber', 'Metadata_Well', 'Image_Metadata_Site', 'Metadata_Cytoplasm_Parent_Cells', 'Metadata_Cytoplasm_Parent_Nuclei'].map((n) => column(t, n).map((v) => (typeof v === 'string' ? v : num(v))));
  assert.equal(new Set(tn).size, 1);
  // one ImageNumber per site, numbered 1… in plate order
  const siteOf = new Map<unknown, string>();
  img.forEach((n, i) => {
    const s = `${well[i]}/${site[i]}`;
    assert.equal(siteOf.get(n) ?? s, s, `ImageNumber ${n} is one site`);
    siteOf.set(n, s);
  });
  assert.deepEqual([...siteOf.keys()].sort((a, b) => (a as number) - (b as number)), Array.from({ length: 6 }, (_, i) => i + 1));
  assert.deepEqual(pc, obj);
  assert.deepEqual(pn, obj);
  for (let i = 0; i < t.numRows; i++) assert.equal(border[store.rowOf.get(`${well[i]}/${site[i]}/${obj[i]}`)!], 0, 'no border cell');
  // counts: the site's cells off the border in the store
  const counts = column(t, 'Image_Count_Cells').map(num);
  const sw = column(store.t, 'Metadata_Well');
  const ss = column(store.t, 'Metadata_Site');
  img.forEach((_, i) => assert.equal(counts[i], sw.filter((w, r) => w === well[i] && ss[r] === site[i] && border[r] === 0).length));
  // values: every column of every row equals the store's row of the same well, site and object
  const shared = names.filter((n) => store.names.includes(n));
  for (const n of shared) {
    const mine = column(t, n);
    const theirs = column(store.t, n);
    mine.forEach((v, i) => {
      const r = store.rowOf.get(`${well[i]}/${site[i]}/${obj[i]}`)!;
      assert.equal(typeof v === 'string' || v === null ? v : num(v), typeof theirs[r] === 'string' || theirs[r] === null ? theirs[r] : num(theirs[r]), `${n} row ${i}`);
    });
  }
});

const SQLITE_PY = String.raw`
import json, sqlite3, sys
import pandas as pd
con = sqlite3.connect(sys.argv[1])
out = {}
for (name,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"):
    info = con.execute(f'PRAGMA table_info("{name}")').fetchall()
    df = pd.read_sql(f'SELECT * FROM "{name}"', con)
    out[name] = {
        "columns": [r[1] for r in info],
        "types": {r[1]: r[2] for r in info},
        "pk": [r[1] for r in sorted(info, key=lambda r: r[5]) if r[5] > 0],
        "rows": len(df),
        "data": [[None if isinstance(v, float) and v != v else v for v in row] for row in con.execute(f'SELECT * FROM "{name}"')],
    }
print(json.dumps(out))
`;

test('CellProfiler SQLite: Image, Cells, Cytoplasm, Nuclei keyed by TableNumber/ImageNumber/ObjectNumber, read by sqlite3 and pandas, values equal to the store', { timeout: 600_000 }, async () => {
  const store = await ready;
  const file = join(root, 'cells.sqlite');
  assert.equal(await cli('export', '--plate', PLATE, '--source', 'acquired', '--format', 'sqlite', '--out', file), 0);
  const db = JSON.parse(execFileSync('/usr/bin/python3', ['-c', SQLITE_PY, file], { encoding: 'utf8', maxBuffer: 1 << 30 })) as Record<
    string,
    { columns: string[]; types: Record<string, string>; pk: string[]; rows: number; data: Array<Array<number | string | null>> }
  >;
  assert.deepEqual(Object.keys(db), ['Cells', 'Cytoplasm', 'Image', 'Nuclei']);
  assert.deepEqual(db.Image.pk, ['TableNumber', 'ImageNumber']);
  assert.equal(db.Image.rows, 6);
  // SingleCells' defaults: strata Metadata_Plate/Metadata_Well, image column Metadata_Site, Count_Cells
  for (const n of ['Metadata_Plate', 'Metadata_Well', 'Metadata_Site', 'FileName_OrigDNA', 'PathName_OrigDNA', 'Count_Cells', 'Count_Nuclei', 'Count_Cytoplasm']) assert.ok(db.Image.columns.includes(n), n);
  for (const t of ['Cells', 'Cytoplasm', 'Nuclei']) {
    assert.deepEqual(db[t].pk, ['TableNumber', 'ImageNumber', 'ObjectNumber']);
    assert.deepEqual(db[t].columns.slice(0, 3), ['TableNumber', 'ImageNumber', 'ObjectNumber']);
    assert.ok(db[t].columns.length < 2000);
    // the compartment's own columns, all of them, with its prefix
    const mine = db[t].columns.filter((c) => c.startsWith(`${t}_`) && !/_Parent_(Cells|Nuclei)$/.test(c));
    assert.deepEqual(mine, store.names.filter((n) => n.startsWith(`${t}_`)));
    assert.equal(db[t].types[`${t}_AreaShape_Area`], 'REAL');
  }
  assert.ok(db.Cytoplasm.columns.includes('Cytoplasm_Parent_Cells') && db.Cytoplasm.columns.includes('Cytoplasm_Parent_Nuclei'));
  // the cells off the border, as CellProfiler keeps them and Stainless' profiles count them
  const border = column(store.t, 'Metadata_TouchesBorder').map(num);
  assert.ok(border.some((b) => b === 1), 'the demo plate has cells on the border');
  assert.equal(db.Cells.rows, border.filter((b) => b === 0).length);
  const present = (n: string) => column(store.t, n).filter((v, i) => num(v) !== null && border[i] === 0).length;
  assert.equal(db.Nuclei.rows, present('Nuclei_Number_Object_Number'));
  assert.equal(db.Cytoplasm.rows, present('Cytoplasm_Number_Object_Number'));
  // image numbers, counts and metadata per site
  const image = new Map(db.Image.data.map((r) => [r[1], Object.fromEntries(db.Image.columns.map((c, j) => [c, r[j]]))]));
  assert.equal(new Set(db.Image.data.map((r) => r[0])).size, 1, 'one TableNumber');
  for (const t of ['Cells', 'Cytoplasm', 'Nuclei']) {
    const per = new Map<unknown, number>();
    for (const r of db[t].data) per.set(r[1], (per.get(r[1]) ?? 0) + 1);
    for (const [n, im] of image) assert.equal(im[`Count_${t}`], per.get(n) ?? 0, `${t} count of image ${n}`);
  }
  // per well, the image counts add up to the Count_Cells of Stainless' per-well profile
  const core = createCore({ workspace: ws, transport: 'inprocess' });
  try {
    const setId = (core.db.prepare(`SELECT id FROM feature_sets WHERE source = 'acquired'`).get() as { id: number }).id;
    const wv = (await dispatch(core, handlers, 'features.wellValues', { setId, name: 'Count_Cells' })) as { wells: Array<{ row: number; col: number; value: number | null }> };
    const perWell = new Map<string, number>();
    for (const im of image.values()) perWell.set(String(im.Metadata_Well), (perWell.get(String(im.Metadata_Well)) ?? 0) + Number(im.Count_Cells));
    for (const [w, n] of perWell) assert.equal(n, wv.wells.find((x) => wellName(x.row, x.col) === w)!.value, `Count_Cells of ${w}`);
  } finally {
    core.close();
  }
  // every value of every compartment row equals the store's row of the same site and object
  const storeCols = new Map(store.names.map((n) => [n, column(store.t, n)]));
  for (const t of ['Cells', 'Cytoplasm', 'Nuclei']) {
    const feats = db[t].columns.map((c, j) => [c, j] as const).filter(([c]) => storeCols.has(c));
    for (const r of db[t].data) {
      const im = image.get(r[1])!;
      const i = store.rowOf.get(`${im.Metadata_Well}/${im.Metadata_Site}/${r[2]}`);
      assert.ok(i !== undefined, `${t} image ${r[1]} object ${r[2]} is a stored cell`);
      for (const [c, j] of feats) assert.equal(r[j], num(storeCols.get(c)![i]), `${t}.${c} image ${r[1]} object ${r[2]}`);
      if (t === 'Cytoplasm') {
        assert.equal(r[db.Cytoplasm.columns.indexOf('Cytoplasm_Parent_Cells')], r[2]);
        assert.equal(r[db.Cytoplasm.columns.indexOf('Cytoplasm_Parent_Nuclei')], num(storeCols.get('Nuclei_Number_Object_Number')![i]) ?? 0);
      }
    }
  }
  // the image rows carry the site's stored Image_ features (under Image.csv's names) and annotations
  const imageFeats = store.names.filter((n) => n.startsWith('Image_'));
  assert.ok(imageFeats.length > 500);
  assert.deepEqual(imageFeats.filter((n) => !db.Image.columns.includes(n.slice(6))), []);
  for (const im of image.values()) {
    const i = [...store.rowOf.entries()].find(([k]) => k.startsWith(`${im.Metadata_Well}/${im.Metadata_Site}/`))![1];
    for (const c of imageFeats) assert.equal(im[c.slice(6)], num(storeCols.get(c)![i]), c);
    assert.equal(im.Metadata_Plate, PLATE);
    assert.equal(im.Metadata_broad_sample, storeCols.get('Metadata_broad_sample')![i]);
  }
});

test("pycytominer's SingleCells (defaults) on the SQLite export: its per-well medians and cell counts are Stainless' profiles (fixture)", async () => {
  await ready;
  // made by test/fixtures/export/make_pycytominer_sqlite.py (pycytominer v1.6.1) on this plate
  const ref = JSON.parse(gunzipSync(readFileSync(new URL('../fixtures/export/pycytominer-singlecells.json.gz', import.meta.url))).toString()) as {
    plate: string;
    merged: { rows: number; metadata: string[] };
    cell_count: Record<string, number>;
    wells: string[];
    features: string[];
    median: Array<Array<number | null>>;
  };
  assert.equal(ref.plate, PLATE);
  for (const k of ['Metadata_TableNumber', 'Metadata_ImageNumber', 'Metadata_Plate', 'Metadata_Well', 'Metadata_Site', 'Metadata_Cytoplasm_Parent_Cells', 'Metadata_Cytoplasm_Parent_Nuclei']) assert.ok(ref.merged.metadata.includes(k), k);
  const core = createCore({ workspace: ws, transport: 'inprocess' });
  try {
    const setId = (core.db.prepare(`SELECT id FROM feature_sets WHERE source = 'acquired'`).get() as { id: number }).id;
    const { names, columns } = allFeatureColumns(core.db, setId, 'none');
    const wellIds = Array.from(setWellIds(core.db, setId));
    const pos = wellPositions(core.db, wellIds).map((p) => wellName(p.row, p.col));
    const at = (name: string, well: string) => columns[names.indexOf(name)][pos.indexOf(well)];
    assert.equal(ref.merged.rows, ref.wells.reduce((n, w) => n + at('Count_Cells', w), 0));
    for (const w of ref.wells) assert.equal(ref.cell_count[w], at('Count_Cells', w), `cell count of ${w}`);
    // every compartment feature pycytominer aggregates, but the parent link it reads as a feature
    assert.deepEqual(ref.features.filter((f) => !names.includes(f)), ['Cells_Parent_Nuclei']);
    let compared = 0;
    ref.features.forEach((f, k) => {
      if (!names.includes(f)) return;
      ref.wells.forEach((w, j) => {
        const theirs = ref.median[k][j];
        const ours = at(f, w);
        if (theirs === null) return assert.ok(!Number.isFinite(ours), `${f} ${w}: pycytominer has no value, Stainless ${ours}`);
        // the file holds the float32-stored values; Stainless' medians are of the float64 measurements
        assert.ok(Math.abs(ours - theirs) <= 1e-6 * Math.max(Math.abs(ours), Math.abs(theirs)), `${f} ${w}: Stainless ${ours}, pycytominer ${theirs}`);
        compared++;
      });
    });
    assert.ok(compared > 10_000, `${compared} values compared`);
  } finally {
    core.close();
  }
});

test('a table over SQLite’s 2,000 columns is refused before anything is written, naming the table', () => {
  const stored = [
    { name: 'Metadata_Well', kind: 'string' as const },
    { name: 'Metadata_Site', kind: 'int' as const },
    ...Array.from({ length: 10 }, (_, i) => ({ name: `Cells_F${i}`, kind: 'float32' as const })),
    ...Array.from({ length: 3 }, (_, i) => ({ name: `Nuclei_F${i}`, kind: 'float32' as const })),
  ];
  assert.deepEqual(
    planTables(stored, [], 20).map((t) => [t.name, t.columns.length]),
    [
      ['Image', 7],
      ['Cells', 14],
      ['Nuclei', 6],
    ],
  );
  assert.throws(() => planTables(stored, [], 12), /the Cells table would have 14 columns, over SQLite's limit of 12/);
});

test('the field layouts are per cell: a per-well request is refused in one line', async () => {
  await ready;
  const code = await cli('export', '--plate', PLATE, '--source', 'acquired', '--format', 'sqlite', '--level', 'well', '--out', join(root, 'w.sqlite'));
  assert.notEqual(code, 0);
});

test("a model's run: both field layouts carry its domain verdict as an image-level Metadata_ column; acquired exports have none", { timeout: 900_000 }, async () => {
  await ready;
  assert.equal(await cli('infer', '--plate', PLATE, '--model', 'stainless-unet-direct'), 0);
  const core0 = createCore({ workspace: ws, transport: 'inprocess' });
  let runId: number;
  let verdict: string;
  try {
    const run = core0.db.prepare(`SELECT id, domain FROM runs ORDER BY id DESC LIMIT 1`).get() as { id: number; domain: string };
    runId = run.id;
    verdict = JSON.parse(run.domain).verdict;
  } finally {
    core0.close();
  }
  assert.ok(['in range', 'shifted', 'out of range'].includes(verdict), verdict);
  assert.equal(await cli('segment', '--plate', PLATE, '--source', 'synthetic', '--run', String(runId), '--method', 'classical', '--workers', '0'), 0);

  const pq = join(root, 'run-cytotable.parquet');
  assert.equal(await cli('export', '--plate', PLATE, '--source', 'synthetic', '--run', String(runId), '--layout', 'cytotable', '--format', 'parquet', '--out', pq), 0);
  const t = readBack(pq);
  const names = t.schema.fields.map((f) => f.name);
  assert.ok(names.includes('Image_Metadata_DomainVerdict'), 'CytoTable layout: Image_Metadata_DomainVerdict');
  assert.ok(!names.includes('Metadata_DomainVerdict'));
  assert.deepEqual(names, [...names].sort((a, b) => cytotableRank(a) - cytotableRank(b) || (a < b ? -1 : a > b ? 1 : 0)), "in CytoTable's order");
  const values = column(t, 'Image_Metadata_DomainVerdict');
  assert.ok(values.length > 0);
  assert.deepEqual([...new Set(values)], [verdict], 'every row carries the run verdict');

  const sq = join(root, 'run-cells.sqlite');
  assert.equal(await cli('export', '--plate', PLATE, '--source', 'synthetic', '--run', String(runId), '--format', 'sqlite', '--out', sq), 0);
  const db = JSON.parse(execFileSync('/usr/bin/python3', ['-c', SQLITE_PY, sq], { encoding: 'utf8', maxBuffer: 1 << 30 })) as Record<string, { columns: string[]; types: Record<string, string>; data: unknown[][] }>;
  const j = db.Image.columns.indexOf('Metadata_DomainVerdict');
  assert.ok(j > 0, 'CellProfiler SQLite: Image.Metadata_DomainVerdict');
  assert.equal(db.Image.types.Metadata_DomainVerdict, 'TEXT');
  assert.equal(db.Image.data.length, 6);
  assert.deepEqual([...new Set(db.Image.data.map((r) => r[j]))], [verdict]);
  for (const c of ['Cells', 'Cytoplasm', 'Nuclei']) assert.ok(!db[c].columns.includes('Metadata_DomainVerdict'), `${c}: image-level only`);

  // the acquired images have no model, so no verdict
  const acq = join(root, 'acq-cells.sqlite');
  assert.equal(await cli('export', '--plate', PLATE, '--source', 'acquired', '--format', 'sqlite', '--out', acq), 0);
  const adb = JSON.parse(execFileSync('/usr/bin/python3', ['-c', SQLITE_PY, acq], { encoding: 'utf8', maxBuffer: 1 << 30 })) as Record<string, { columns: string[] }>;
  assert.ok(!adb.Image.columns.includes('Metadata_DomainVerdict'));
});
