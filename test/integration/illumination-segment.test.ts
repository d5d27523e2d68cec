import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCore } from '../../src/main/core/core';
import { readGray, writeTiff, type Gray } from '../../src/main/core/io/tiff';
import { readNpy } from '../../src/main/core/io/npy';
import { IllumAccumulator } from '../../src/main/core/illumination/calculate';
import { divideByIllum } from '../../src/main/core/illumination/apply';
import { measureSite } from '../../src/main/core/features/measure';
import { cellTable } from '../../src/main/core/features/cellTable';
import { columnMedians } from '../../src/main/core/features/profiles';
import { grayToLabels } from '../../src/main/core/segment/labels';
import { dispatch, handlers } from '../../src/main/core/api';
import { runCli } from '../support/cli';
import { openParquet } from '../../src/main/core/io/parquetRead';

// A real catalog and real TIFFs: well A01 is the demo feature site's five 16-bit channels, referenced
// where they are (acquired images are never modified); A02 and A03 are the same site mirrored and
// dimmed towards one corner (an uneven illumination the function should pick up).
const ws = mkdtempSync(join(tmpdir(), 'stainless-illum-'));
after(() => rmSync(ws, { recursive: true, force: true }));
const DEMO = fileURLToPath(new URL('../fixtures/features/demo-site/', import.meta.url));
const FIX = fileURLToPath(new URL('../fixtures/illumination/', import.meta.url));
const CHANNELS = ['DNA', 'ER', 'RNA', 'AGP', 'Mito'];
const sha = (f: string) => createHash('sha256').update(readFileSync(f)).digest('hex');
const files: Record<string, Record<string, string>> = {};
/** sha256 of the acquired images' computed functions, by channel (first test) */
const computedSha: Record<string, string> = {};

function variant(g: Gray, k: number): Gray {
  const data = new Uint16Array(g.data.length);
  for (let y = 0; y < g.height; y++)
    for (let x = 0; x < g.width; x++) {
      const sx = k === 1 ? g.width - 1 - x : x, sy = k === 2 ? g.height - 1 - y : y;
      const shade = 1 - 0.4 * ((x + y) / (g.width + g.height));
      data[y * g.width + x] = Math.round(g.data[sy * g.width + sx] * shade);
    }
  return { ...g, data };
}

const ready = (async () => {
  const core = createCore({ workspace: ws, transport: 'inprocess' });
  const db = core.db;
  const plateId = (db.prepare(`INSERT INTO plates (barcode, format) VALUES ('ILL1', 96) RETURNING id`).get() as { id: number }).id;
  const insWell = db.prepare(`INSERT INTO wells (plate_id, row, col, name, annotated) VALUES (?, 0, ?, ?, 1) RETURNING id`);
  const insSite = db.prepare(`INSERT INTO sites (well_id, field) VALUES (?, 1) RETURNING id`);
  const insImg = db.prepare(`INSERT INTO images (site_id, channel, kind, path, width, height, bit_depth) VALUES (?, ?, 'acquired', ?, 160, 160, 16)`);
  for (let k = 0; k < 3; k++) {
    const well = `A0${k + 1}`;
    const sid = (insSite.get((insWell.get(plateId, k, well) as { id: number }).id) as { id: number }).id;
    files[well] = {};
    for (const ch of CHANNELS) {
      let file = join(DEMO, `${ch}.tiff`);
      if (k > 0) await writeTiff((file = join(ws, 'acquired', `${well}_${ch}.tiff`)), variant(await readGray(join(DEMO, `${ch}.tiff`)), k));
      files[well][ch] = file;
      insImg.run(sid, ch, file);
    }
  }
  core.close();
})();

const cli = (...args: string[]) => runCli([...args, '--workspace', ws]);

test('segment divides acquired images by the plate\'s computed functions, measures the corrected images and records it', async () => {
  await ready;
  const before = Object.fromEntries(Object.values(files).flatMap((f) => Object.values(f)).map((f) => [f, sha(f)]));
  // on worker threads: the channels' functions and the sites
  const r = await cli('segment', '--plate', 'ILL1', '--source', 'acquired', '--method', 'classical', '--workers', '2');
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /illumination correction: DNA, ER, RNA, AGP, Mito computed \(CorrectIlluminationCalculate, 3 images\)$/m);
  for (const [f, h] of Object.entries(before)) assert.equal(sha(f), h, `${f} was modified`);
  const core = createCore({ workspace: ws, transport: 'inprocess' });
  try {
    const rows = core.db.prepare(`SELECT channel, origin, path, settings, n_images, sha256 FROM illumination_functions ORDER BY channel`).all() as Array<{ channel: string; origin: string; path: string; settings: string; n_images: number; sha256: string }>;
    assert.deepEqual(rows.map((x) => x.channel), ['AGP', 'DNA', 'ER', 'Mito', 'RNA']);
    for (const row of rows) {
      assert.equal(row.origin, 'computed');
      assert.equal(row.n_images, 3);
      assert.deepEqual(JSON.parse(row.settings), { intensity: 'Regular', eachOrAll: 'All: Across cycles', resizeFactor: 0.2, smoothing: 'Median Filter', filterSize: 20, rescale: 'Yes' });
      assert.ok(row.path.startsWith(join(ws, 'illumination')) && existsSync(row.path));
      assert.equal(sha(row.path), row.sha256);
      // the stored function is CorrectIlluminationCalculate over the plate's three images of the channel
      const acc = new IllumAccumulator();
      for (const w of ['A01', 'A02', 'A03']) acc.add(await readGray(files[w][row.channel]), files[w][row.channel]);
      assert.deepEqual((await readNpy(row.path)).data, acc.finish()!.data);
      computedSha[row.channel] = row.sha256;
    }
    const sets = (await dispatch(core, handlers, 'features.sets', { plate: 'ILL1' })) as Array<{ id: number; illumination: Record<string, { origin: string; path: string }> | null }>;
    assert.equal(sets.length, 1);
    assert.deepEqual(Object.keys(sets[0].illumination ?? {}), CHANNELS);
    // the per-cell table says it too, without the workspace's file paths (the same bytes in any workspace)
    const cellsPath = (core.db.prepare(`SELECT cells_path FROM feature_sets`).get() as { cells_path: string }).cells_path;
    const kv = (await openParquet(cellsPath)).metadata.key_value_metadata ?? [];
    const noPaths = Object.fromEntries(Object.entries(sets[0].illumination!).map(([ch, { path: _path, ...f }]) => [ch, f]));
    assert.deepEqual(JSON.parse(kv.find((e) => e.key === 'stainless.illumination')!.value!), noPaths);
    // what was measured is the corrected site: the well's medians equal measuring the divided images
    const seg = core.db.prepare(`SELECT nuclei_path, cells_path FROM segmentations sg JOIN sites s ON s.id = sg.site_id JOIN wells w ON w.id = s.well_id WHERE w.name = 'A02'`).get() as { nuclei_path: string; cells_path: string };
    const img: Record<string, Gray> = {};
    const corrected: Record<string, Float64Array> = {};
    for (const ch of CHANNELS) {
      img[ch] = await readGray(files.A02[ch]);
      corrected[ch] = divideByIllum(img[ch], await readNpy(sets[0].illumination![ch].path), files.A02[ch]);
    }
    const t = cellTable(measureSite(img, grayToLabels(await readGray(seg.nuclei_path)), grayToLabels(await readGray(seg.cells_path)), { channels: CHANNELS, corrected }));
    const keep = Array.from(t.objectNumbers, (_, i) => i).filter((i) => !t.touchesBorder[i]);
    assert.ok(keep.length > 0);
    const med = columnMedians(keep.map((i) => Float64Array.from(t.columns, (c) => c[i])), t.names.length);
    for (const name of ['Nuclei_Intensity_IntegratedIntensity_DNA', 'Cells_Intensity_MeanIntensity_ER', 'Cytoplasm_Intensity_MeanIntensity_Mito']) {
      const v = (await dispatch(core, handlers, 'features.wellValues', { setId: sets[0].id, name })) as { wells: Array<{ col: number; value: number | null }> };
      const got = v.wells.find((w) => w.col === 1)!.value!;
      const want = med[t.names.indexOf(name)];
      assert.ok(Math.abs(got - want) <= 1e-6 * Math.abs(want), `${name}: ${got} vs ${want}`);
    }
    // a cell measured on the spot (the set not finished) is measured on the corrected images too
    const siteId = (core.db.prepare(`SELECT s.id FROM sites s JOIN wells w ON w.id = s.well_id WHERE w.name = 'A02'`).get() as { id: number }).id;
    const cellLabels = await readGray(seg.cells_path);
    const px = cellLabels.data.findIndex((v) => v > 0);
    core.db.prepare(`UPDATE feature_sets SET status = 'running' WHERE id = ?`).run(sets[0].id);
    const hit = (await dispatch(core, handlers, 'features.cellAt', { siteId, x: px % 160, y: Math.floor(px / 160) })) as { objectNumber: number; measurements: Record<string, number> };
    core.db.prepare(`UPDATE feature_sets SET status = 'done' WHERE id = ?`).run(sets[0].id);
    const k = Array.from(t.objectNumbers).indexOf(hit.objectNumber);
    for (const name of ['Cells_Intensity_MeanIntensity_DNA', 'Nuclei_Intensity_MeanIntensity_Mito']) assert.equal(hit.measurements[name], t.columns[t.names.indexOf(name)][k], name);
  } finally {
    core.close();
  }
});

test('--illum off records no correction; --illum-from loads numpy-written files and refuses a wrong one naming it', async () => {
  await ready;
  const off = await cli('segment', '--plate', 'ILL1', '--source', 'acquired', '--method', 'classical', '--workers', '0', '--illum', 'off');
  assert.equal(off.code, 0, off.err);
  assert.match(off.out, /illumination correction: none/);
  const setIllum = () => {
    const core = createCore({ workspace: ws, transport: 'inprocess' });
    try {
      return (core.db.prepare(`SELECT illumination FROM feature_sets`).get() as { illumination: string | null }).illumination;
    } finally {
      core.close();
    }
  };
  assert.equal(setIllum(), null);
  // JUMP's shipped files: <plate>_Illum<Ch>.npy (here the numpy-written reference function of the demo stack)
  const dir = join(ws, 'jump-illum');
  mkdirSync(dir);
  for (const ch of CHANNELS) copyFileSync(join(FIX, 'demo-illum.npy'), join(dir, `ILL1_Illum${ch}.npy`));
  const loaded = await cli('segment', '--plate', 'ILL1', '--source', 'acquired', '--method', 'classical', '--workers', '0', '--illum-from', dir);
  assert.equal(loaded.code, 0, loaded.err);
  assert.match(loaded.out, new RegExp(`illumination correction: DNA from ${join(dir, 'ILL1_IllumDNA.npy').replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`));
  const applied = JSON.parse(setIllum()!) as Record<string, { origin: string; sourceFile: string; sha256: string }>;
  assert.equal(applied.ER.origin, 'file');
  assert.equal(applied.ER.sourceFile, join(dir, 'ILL1_IllumER.npy'));
  assert.equal(applied.ER.sha256, sha(join(FIX, 'demo-illum.npy')));
  // a later run without --illum-from keeps the loaded functions
  const again = await cli('segment', '--plate', 'ILL1', '--source', 'acquired', '--method', 'classical', '--workers', '0');
  assert.equal(again.code, 0, again.err);
  assert.equal(JSON.parse(setIllum()!).ER.origin, 'file');
  // a 3-D array is refused in one line naming the file; the catalog keeps the loaded functions
  copyFileSync(join(FIX, 'bad-3d.npy'), join(dir, 'ILL1_IllumRNA.npy'));
  const stored = Object.fromEntries(Object.entries(applied).map(([ch, f]) => [ch, sha((f as unknown as { path: string }).path)]));
  const bad = await cli('segment', '--plate', 'ILL1', '--source', 'acquired', '--method', 'classical', '--workers', '0', '--illum-from', dir);
  assert.equal(bad.code, 1);
  assert.match(bad.err, new RegExp(`${join(dir, 'ILL1_IllumRNA.npy').replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: an illumination function must be a 2-D image; this array has shape \\(2, 3, 4\\)`));
  const core = createCore({ workspace: ws, transport: 'inprocess' });
  try {
    const rows = core.db.prepare(`SELECT origin, count(*) AS n FROM illumination_functions GROUP BY origin`).all();
    assert.deepEqual(rows, [{ origin: 'file', n: 5 }]);
    // nothing of the refused folder reached the workspace: every function file is still the one recorded
    for (const r of core.db.prepare(`SELECT channel, path, sha256 FROM illumination_functions`).all() as Array<{ channel: string; path: string; sha256: string }>) {
      assert.equal(sha(r.path), r.sha256, r.channel);
      assert.equal(sha(r.path), stored[r.channel], r.channel);
    }
  } finally {
    core.close();
  }
});

test('synthetic images: not corrected by default; with --illum on, the same calculation per run', async () => {
  await ready;
  const core = createCore({ workspace: ws, transport: 'inprocess' });
  let runId: number;
  try {
    const db = core.db;
    const plateId = (db.prepare(`SELECT id FROM plates WHERE barcode = 'ILL1'`).get() as { id: number }).id;
    runId = (db.prepare(`INSERT INTO runs (plate_id, model_name, status) VALUES (?, 'toy 1.0', 'done') RETURNING id`).get(plateId) as { id: number }).id;
    // the model's images of each site are, here, the acquired pixels themselves
    db.prepare(
      `INSERT INTO images (site_id, channel, kind, path, width, height, bit_depth, run_id) SELECT site_id, channel, 'synthetic', path, width, height, bit_depth, ? FROM images WHERE kind = 'acquired'`,
    ).run(runId);
  } finally {
    core.close();
  }
  const plain = await cli('segment', '--plate', 'ILL1', '--source', 'synthetic', '--method', 'classical', '--workers', '0');
  assert.equal(plain.code, 0, plain.err);
  assert.match(plain.out, /illumination correction: none/);
  const on = await cli('segment', '--plate', 'ILL1', '--source', 'synthetic', '--method', 'classical', '--workers', '0', '--illum', 'on');
  assert.equal(on.code, 0, on.err);
  assert.match(on.out, /illumination correction: DNA, ER, RNA, AGP, Mito computed \(CorrectIlluminationCalculate, 3 images\)$/m);
  const check = createCore({ workspace: ws, transport: 'inprocess' });
  try {
    const rows = check.db.prepare(`SELECT channel, sha256, path FROM illumination_functions WHERE source = 'synthetic' AND run_id = ?`).all(runId) as Array<{ channel: string; sha256: string; path: string }>;
    assert.equal(rows.length, 5);
    // the same pixels give the same function, byte for byte, as the acquired images did
    for (const r of rows) assert.equal(r.sha256, computedSha[r.channel], r.channel);
    assert.ok(rows.every((r) => r.path.includes(join('ILL1', `run${runId}`))));
    const set = check.db.prepare(`SELECT illumination FROM feature_sets WHERE source = 'synthetic'`).get() as { illumination: string };
    assert.deepEqual(Object.keys(JSON.parse(set.illumination)), CHANNELS);
  } finally {
    check.close();
  }
  // `stainless illum` lists the catalog's record: the loaded acquired files and the run's computed functions
  const listed = await cli('illum', '--plate', 'ILL1');
  assert.equal(listed.code, 0, listed.err);
  const lines = listed.out.trim().split('\n');
  assert.equal(lines.length, 10);
  assert.match(lines[0], new RegExp(`^acquired  AGP   from ${join(ws, 'jump-illum', 'ILL1_IllumAGP.npy').replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}  160×160  `));
  assert.match(lines[5], new RegExp(`^synthetic run ${runId!}  AGP   computed over 3 images \\(intensity Regular, eachOrAll All: Across cycles, resizeFactor 0.2, smoothing Median Filter, filterSize 20, rescale Yes\\)  160×160  `));
});
