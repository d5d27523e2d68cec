// Dense float columns are written by export/denseChunk.ts (pages straight from the typed arrays),
// the other kinds by hyparquet-writer, in one row group. Read back by an independent reader
// (arrow-rs via parquet-wasm): every value bit for bit, columns in schema order, several pages a
// chunk, and chunk statistics that are the values' own min/max.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readParquet } from 'parquet-wasm';
import { tableFromIPC } from 'apache-arrow';
import { parquetSink } from '../../src/main/core/export/parquet';
import { chunkMetadata, openParquet } from '../../src/main/core/io/parquetRead';
import type { ColumnSpec } from '../../src/main/core/export/table';

const dir = mkdtempSync(join(tmpdir(), 'stainless-dense-'));
after(() => rmSync(dir, { recursive: true, force: true }));

// 300,000 rows: 3 pages of float64 (131,072 values a page), 2 of float32
const N = 300_000;
let s = 7;
const rand = () => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32) * 2 - 1;
const f64 = Float64Array.from({ length: N }, (_, i) => (i % 97 === 0 ? NaN : i === 5 ? -0 : rand() * 1e5));
const f32 = Float32Array.from({ length: N }, (_, i) => (i % 13 === 0 ? NaN : Math.fround(rand() * 3)));
const allNaN = new Float64Array(N).fill(NaN);
const specs: ColumnSpec[] = [
  { name: 'Metadata_Well', kind: 'string' },
  { name: 'A_f64', kind: 'float64' },
  { name: 'Metadata_Site', kind: 'int' },
  { name: 'B_f32', kind: 'float32' },
  { name: 'C_missing', kind: 'float64' },
  { name: 'D_double', kind: 'double' },
];
const file = join(dir, 'dense.parquet');
const ready = (async () => {
  const sink = await parquetSink(file, specs, {}, { zstdLevel: 1 });
  // two row groups: rows [0, 200000) and [200000, N); Infinity is written as NaN (dense columns are NaN for missing)
  const cut = 200_000;
  const withInf = Float64Array.from(f64, (v, i) => (i === 11 ? Infinity : v));
  for (const [a, b] of [[0, cut], [cut, N]]) {
    await sink.write([
      Array.from({ length: b - a }, (_, i) => `W${(a + i) % 7}`),
      withInf.subarray(a, b),
      Int32Array.from({ length: b - a }, (_, i) => a + i),
      f32.subarray(a, b),
      allNaN.subarray(a, b),
      Array.from({ length: b - a }, (_, i) => ((a + i) % 5 === 0 ? null : a + i + 0.5)),
    ]);
  }
  await sink.finish();
})();

test('dense float chunks read back bit for bit by arrow-rs, beside the other kinds in schema order', async () => {
  await ready;
  const table = tableFromIPC(readParquet(new Uint8Array(readFileSync(file))).intoIPCStream());
  assert.deepEqual(table.schema.fields.map((f) => f.name), specs.map((c) => c.name));
  assert.deepEqual(table.schema.fields.map((f) => String(f.type)), ['Utf8', 'Float64', 'Int32', 'Float32', 'Float64', 'Float64']);
  assert.equal(table.numRows, N);
  const a = table.getChild('A_f64')!.toArray() as Float64Array;
  const b = table.getChild('B_f32')!.toArray() as Float32Array;
  const c = table.getChild('C_missing')!.toArray() as Float64Array;
  const site = table.getChild('Metadata_Site')!.toArray() as Int32Array;
  const well = table.getChild('Metadata_Well')!;
  const dbl = table.getChild('D_double')!;
  for (let i = 0; i < N; i++) {
    assert.ok(Object.is(a[i], i === 11 ? NaN : f64[i]), `A_f64 row ${i}: ${a[i]} vs ${f64[i]}`);
    assert.ok(Object.is(b[i], f32[i]), `B_f32 row ${i}`);
    assert.ok(Number.isNaN(c[i]));
    assert.equal(site[i], i);
    if (i % 10007 === 0) {
      assert.equal(well.get(i), `W${i % 7}`);
      assert.equal(dbl.get(i), i % 5 === 0 ? null : i + 0.5);
    }
  }
  assert.ok(Object.is(a[5], -0), '-0 kept');
});

test('dense chunks: BYTE_STREAM_SPLIT pages, several a chunk, and their own min/max (NaN left out)', async () => {
  await ready;
  const pf = await openParquet(file);
  assert.equal(pf.metadata.row_groups.length, 2);
  const groups = chunkMetadata(pf, [0, 1], pf.columns).row_groups;
  const ranges = [[0, 200_000], [200_000, N]];
  groups.forEach((rg, g) => {
    const [lo, hi] = ranges[g];
    const byName = new Map(rg.columns.map((c) => [c.meta_data!.path_in_schema[0], c.meta_data!]));
    for (const [name, values] of [['A_f64', f64], ['B_f32', f32]] as const) {
      const md = byName.get(name)!;
      let min = Infinity;
      let max = -Infinity;
      for (let i = lo; i < hi; i++) {
        const v = name === 'A_f64' && i === 11 ? NaN : values[i];
        if (!Number.isNaN(v)) [min, max] = [Math.min(min, v), Math.max(max, v)];
      }
      assert.equal(md.codec, 'ZSTD');
      assert.deepEqual(md.encodings, ['BYTE_STREAM_SPLIT']);
      assert.equal(Number(md.num_values), hi - lo);
      assert.equal(md.statistics!.min_value, min, `${name} group ${g} min`);
      assert.equal(md.statistics!.max_value, max, `${name} group ${g} max`);
      const pages = md.encoding_stats![0].count;
      assert.equal(pages, Math.ceil((hi - lo) / ((1 << 20) / (name === 'A_f64' ? 8 : 4))), `${name} group ${g} pages`);
    }
    // a chunk of only NaN has no min/max (nothing to bound)
    const missing = byName.get('C_missing')!;
    assert.equal(missing.statistics!.min_value, undefined);
    assert.equal(missing.statistics!.max_value, undefined);
  });
});
