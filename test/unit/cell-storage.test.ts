// Per-cell storage: real measurements of a simulated site, written by the pipeline's Parquet sink in
// the per-cell layout, read back with an independent reader (arrow-rs via parquet-wasm). The
// stored values are the float64 measurements rounded to float32 (relative error ≤ 1e-6, the
// storage tolerance), positions are float64 exactly, pages are zstd with column statistics.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readParquet } from 'parquet-wasm';
import { tableFromIPC } from 'apache-arrow';
import { simulateSite } from '../../src/main/core/simulate/site';
import { segmentCellsClassical, segmentNucleiClassical } from '../../src/main/core/segment/classical';
import { toUnit } from '../../src/main/core/segment/labels';
import { measureSite } from '../../src/main/core/features/measure';
import { cellTable } from '../../src/main/core/features/cellTable';
import { cellFeatureKind, cellFeatureSpecs, cellRowGroupRows } from '../../src/main/core/features/cellStore';
import { parquetSink } from '../../src/main/core/export/parquet';
import { float32String } from '../../src/main/core/export/csv';
import { asyncBufferFromFile, parquetMetadataAsync } from 'hyparquet';
import { chunkMetadata, openParquet, rowGroups, groupsMayHold } from '../../src/main/core/io/parquetRead';
import type { Gray } from '../../src/main/core/io/tiff';

const dir = mkdtempSync(join(tmpdir(), 'stainless-cell-storage-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function measured() {
  const s = simulateSite({ seed: 3, row: 1, col: 2, site: 1, size: 256, cellLine: 'U2OS', compound: null, doseMm: 0 });
  const images: Record<string, Gray> = {};
  for (const ch of ['DNA', 'ER', 'RNA', 'AGP', 'Mito'] as const) images[ch] = { width: 256, height: 256, bitDepth: 16, data: s.channels[ch] };
  const nuclei = segmentNucleiClassical(toUnit(images.DNA), 256, 256);
  return cellTable(measureSite(images, nuclei, segmentCellsClassical(toUnit(images.ER), nuclei)));
}

const t = measured();
const n = t.objectNumbers.length;
const file = join(dir, 'site.cells.parquet');
// three row groups (as three sites would give) so statistics and streaming are exercised
const thirds = [0, Math.floor(n / 3), Math.floor((2 * n) / 3), n];
const ready = (async () => {
  const specs = [{ name: 'Metadata_Site', kind: 'int' as const }, { name: 'Metadata_ObjectNumber', kind: 'int' as const }, ...cellFeatureSpecs(t.names)];
  const sink = await parquetSink(file, specs, { 'stainless.plate': 'T1' });
  for (let g = 0; g < 3; g++) {
    const [a, b] = [thirds[g], thirds[g + 1]];
    await sink.write([new Int32Array(b - a).fill(g + 1), t.objectNumbers.slice(a, b), ...t.columns.map((c) => c.slice(a, b))]);
  }
  await sink.finish();
})();

test('stored per-cell values are the float64 measurements rounded to float32: relative error ≤ 1e-6, read by arrow-rs', async () => {
  await ready;
  assert.ok(n >= 20, `the site has ${n} cells`);
  const table = tableFromIPC(readParquet(new Uint8Array(readFileSync(file))).intoIPCStream());
  assert.equal(table.numRows, n);
  let checked = 0;
  let worst = 0;
  t.names.forEach((name, j) => {
    const col = table.getChild(name)!;
    const kind = cellFeatureKind(name);
    assert.equal(String(col.type), kind === 'float32' ? 'Float32' : 'Float64', name);
    const got = col.toArray() as Float32Array | Float64Array;
    for (let i = 0; i < n; i++) {
      const want = t.columns[j][i];
      if (!Number.isFinite(want)) {
        assert.ok(Number.isNaN(got[i]), `${name} row ${i}: missing stays missing (NaN)`);
        continue;
      }
      // exactly the nearest float32 (or the float64 itself for positions) ...
      assert.equal(got[i], kind === 'float32' ? Math.fround(want) : want, `${name} row ${i}`);
      // ... which is the storage tolerance the feature fixtures rely on
      if (want !== 0) worst = Math.max(worst, Math.abs(got[i] - want) / Math.abs(want));
      checked++;
    }
  });
  assert.ok(worst <= 1e-6 && worst > 0, `worst relative rounding ${worst}`);
  assert.ok(checked > n * 1000, `${checked} values compared`);
  assert.ok(t.names.some((nm) => cellFeatureKind(nm) === 'float64') && t.names.some((nm) => nm === 'Cells_Location_Center_X'), 'positions are kept float64');
});

test('the file is zstd with BYTE_STREAM_SPLIT floats, statistics per row group, and streams by row group and column', async () => {
  await ready;
  const pf = await openParquet(file);
  assert.equal(pf.metadata.row_groups.length, 3);
  const area = 'Cells_AreaShape_Area';
  for (const rg of chunkMetadata(pf, [0, 1, 2], pf.columns).row_groups)
    for (const c of rg.columns) {
      const md = c.meta_data!;
      assert.equal(md.codec, 'ZSTD', md.path_in_schema.join('.'));
      assert.ok(md.statistics && md.statistics.min_value !== undefined && md.statistics.max_value !== undefined, `${md.path_in_schema} has min/max`);
      if (md.type === 'FLOAT') assert.ok(md.encodings.includes('BYTE_STREAM_SPLIT'));
    }
  // statistics pick the row group of a site without reading data
  assert.deepEqual(groupsMayHold(pf, 'Metadata_Site', 2), [1]);
  // projection: two columns of one group, the values as written
  const got = [];
  for await (const g of rowGroups(pf, ['Metadata_ObjectNumber', area], [1])) got.push(g);
  assert.equal(got.length, 1);
  assert.equal(got[0].rows, thirds[2] - thirds[1]);
  const ids = got[0].columns.get('Metadata_ObjectNumber')!;
  const areas = got[0].columns.get(area)!;
  const j = t.names.indexOf(area);
  for (let i = 0; i < got[0].rows; i++) {
    assert.equal(ids[i], t.objectNumbers[thirds[1] + i]);
    assert.equal(areas[i], Math.fround(t.columns[j][thirds[1] + i]));
  }
  assert.ok(cellRowGroupRows(4507) >= 8192 && cellRowGroupRows(4507) * 4507 <= 2 ** 26 && cellRowGroupRows(100) === 65536, 'row groups of 2^26 values, 64k rows at most');
});

test('the indexed footer gives the same chunks as the Parquet library parsing the whole footer', async () => {
  await ready;
  const pf = await openParquet(file);
  const whole = await parquetMetadataAsync(await asyncBufferFromFile(file));
  assert.deepEqual(pf.metadata.schema, whole.schema);
  assert.equal(pf.metadata.num_rows, whole.num_rows);
  assert.deepEqual(pf.metadata.key_value_metadata, whole.key_value_metadata);
  assert.deepEqual(
    pf.metadata.row_groups.map((rg) => rg.num_rows),
    whole.row_groups.map((rg) => rg.num_rows),
  );
  // a few columns of two groups, in the file's order: chunk for chunk what the full parse has
  const pick = [pf.columns[1], pf.columns[7], pf.columns[pf.columns.length - 1]];
  const sub = chunkMetadata(pf, [2, 0], pick);
  assert.deepEqual(
    sub.schema.slice(1).map((s) => s.name),
    pick,
  );
  for (const [k, g] of [2, 0].entries())
    pick.forEach((name, c) => {
      const want = whole.row_groups[g].columns.find((x) => x.meta_data?.path_in_schema[0] === name);
      assert.deepEqual(sub.row_groups[k].columns[c], want, `group ${g} ${name}`);
    });
  assert.ok(pf.footer.bytes.length < whole.metadata_length + 1 && pf.footer.chunks.length === 3 * (pf.columns.length + 1));
});

test('CSV writes the shortest decimal that reads back as the stored float32', () => {
  for (const v of [0.1, 1 / 3, 12345.678, 1e-7, 65535, 0.000123456789, 3.4e38]) {
    const f = Math.fround(v);
    const s = float32String(f);
    assert.equal(Math.fround(Number(s)), f, s);
    assert.ok(s.replace(/^-|\.|e.*$/g, '').replace(/^0+/, '').length <= 9, s);
  }
  assert.equal(float32String(Math.fround(0.1)), '0.1');
});
