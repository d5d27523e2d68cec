import { gunzipSync } from 'node:zlib';
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createCore } from '../../src/main/core/core';
import { readGray, writeTiff } from '../../src/main/core/io/tiff';
import { main } from '../../src/main/cli';
import { simulateSite } from '../../src/main/core/simulate/site';
import { outlineMask } from '../../src/main/core/features/objects';
import { matchLabels } from '../../src/main/core/metrics/matching';

const dir = mkdtempSync(join(tmpdir(), 'stainless-features-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const root = fileURLToPath(new URL('../../', import.meta.url));

// The edge-case site and its reference values from CellProfiler's own code
// (test/fixtures/features/make_cellprofiler_reference.py).
const edge = JSON.parse(gunzipSync(readFileSync(new URL('../fixtures/features/cp-reference-edge.json.gz', import.meta.url))).toString('utf8')) as {
  channels: string[];
  files: Record<string, string>;
  reference: Record<string, Record<string, Record<string, number | null>>>;
};
const edgeFile = (k: string) => fileURLToPath(new URL(`../fixtures/features/${edge.files[k]}`, import.meta.url));

function measureCli(labels: string): Record<string, Array<Record<string, number | null>>> {
  const imgs = edge.channels.map((c) => `${c}=${edgeFile(c)}`);
  // stdout to a file: cli.ts exits right after writing, which can cut a large document short on a pipe
  const outFile = join(dir, 'measure.json');
  const fd = openSync(outFile, 'w');
  execFileSync(process.execPath, ['--import', 'tsx', 'src/main/cli.ts', 'measure', '--image', imgs.join(','), '--labels', labels, '--json'], { cwd: root, stdio: ['ignore', fd, 'inherit'] });
  closeSync(fd);
  return JSON.parse(readFileSync(outFile, 'utf8'));
}

function sameAsCellProfiler(doc: Record<string, Array<Record<string, number | null>>>, comp: string) {
  const want = edge.reference[comp];
  assert.equal(doc[comp].length, Object.keys(want).length, `${comp}: objects`);
  for (const row of doc[comp]) {
    const ref = want[String(row.ObjectNumber)];
    for (const name of ['AreaShape_Area', 'Intensity_MeanIntensity_DNA', 'Granularity_3_RNA', 'Texture_Contrast_RNA_3_00_256', 'RadialDistribution_FracAtD_DNA_2of4', 'Correlation_K_DNA_RNA']) {
      const r = ref[name], g = row[name];
      assert.ok(r === null ? g === null : g !== null && Math.abs(g - r) <= Math.max(1e-6 * Math.abs(r), 1e-6), `${comp} ${row.ObjectNumber} ${name}: ${g} vs ${r}`);
    }
    assert.ok(!Object.keys(row).some((k) => k.startsWith(comp + '_')), 'names carry no compartment prefix');
  }
}

test('`stainless measure --json` prints per-object measurements equal to CellProfiler\'s code', () => {
  const doc = measureCli(`nuclei=${edgeFile('nuclei')},cells=${edgeFile('cells')}`);
  assert.deepEqual(Object.keys(doc).sort(), ['Cells', 'Cytoplasm', 'Nuclei']);
  for (const comp of ['Nuclei', 'Cells', 'Cytoplasm']) sameAsCellProfiler(doc, comp);
});

test('`stainless measure` takes nuclei only (no Cytoplasm without cells) and any channel names', () => {
  const doc = measureCli(`nuclei=${edgeFile('nuclei')}`);
  assert.deepEqual(Object.keys(doc), ['Nuclei']);
  sameAsCellProfiler(doc, 'Nuclei');
  const cellsOnly = measureCli(`cells=${edgeFile('cells')}`);
  assert.deepEqual(Object.keys(cellsOnly), ['Cells']);
});

test('measure with mismatched sizes fails naming the files', async () => {
  const a = join(dir, 'a.tiff');
  const b = join(dir, 'b.tiff');
  await writeTiff(a, { width: 8, height: 8, bitDepth: 16, data: new Uint16Array(64) });
  await writeTiff(b, { width: 9, height: 8, bitDepth: 16, data: new Uint16Array(72) });
  const code = await main(['measure', '--image', `DNA=${a}`, '--labels', `nuclei=${b},cells=${b}`]);
  assert.equal(code, 2);
});

test('a synthetic run with boundary outputs is segmented by the model path and exported with its model name', async () => {
  const ws = join(dir, 'ws');
  const core = createCore({ workspace: ws, transport: 'inprocess' });
  const db = core.db;
  const plateId = (db.prepare(`INSERT INTO plates (barcode, format) VALUES ('SYN1', 96) RETURNING id`).get() as { id: number }).id;
  const runId = (db.prepare(`INSERT INTO runs (plate_id, model_name, status) VALUES (?, 'toy-resdiff 1.0', 'done') RETURNING id`).get(plateId) as { id: number }).id;
  const truth: Array<{ siteId: number; nuclei: Int32Array }> = [];
  for (const [r, c] of [[0, 0], [0, 1]]) {
    const wid = (db.prepare(`INSERT INTO wells (plate_id, row, col, name) VALUES (?, ?, ?, ?) RETURNING id`).get(plateId, r, c, `A0${c + 1}`) as { id: number }).id;
    const sid = (db.prepare(`INSERT INTO sites (well_id, field) VALUES (?, 1) RETURNING id`).get(wid) as { id: number }).id;
    const s = simulateSite({ seed: 9, row: r, col: c, site: 1, size: 256, cellLine: 'U2OS', compound: null, doseMm: 0 });
    const nuc = Int32Array.from(s.nuclei);
    const cel = Int32Array.from(s.cells);
    // stand-in for a model's boundary outputs: the ground-truth outlines
    const nb = outlineMask(nuc, 256, 256);
    const cb = outlineMask(cel, 256, 256);
    const planes: Record<string, Uint16Array> = {
      DNA: s.channels.DNA,
      ER: s.channels.ER,
      RNA: s.channels.RNA,
      AGP: s.channels.AGP,
      Mito: s.channels.Mito,
      NucleiBoundary: Uint16Array.from(nb, (v, i) => (v && nuc[i] ? 65535 : 0)),
      CellBoundary: Uint16Array.from(cb, (v, i) => (v && cel[i] ? 65535 : 0)),
    };
    for (const [ch, data] of Object.entries(planes)) {
      const f = join(ws, 'synthetic', `run-${runId}`, `A0${c + 1}_${ch}.tiff`);
      await writeTiff(f, { width: 256, height: 256, bitDepth: 16, data });
      db.prepare(`INSERT INTO images (site_id, channel, kind, path, width, height, bit_depth, run_id) VALUES (?, ?, 'synthetic', ?, 256, 256, 16, ?)`).run(sid, ch, f, runId);
    }
    truth.push({ siteId: sid, nuclei: nuc });
  }
  core.close();
  assert.equal(await main(['segment', '--plate', 'SYN1', '--workers', '0', '--workspace', ws]), 0);
  const core2 = createCore({ workspace: ws, transport: 'inprocess' });
  try {
    for (const t of truth) {
      const seg = core2.db.prepare(`SELECT method, source, run_id, nuclei_path FROM segmentations WHERE site_id = ?`).get(t.siteId) as { method: string; source: string; run_id: number; nuclei_path: string };
      assert.deepEqual([seg.method, seg.source, seg.run_id], ['model', 'synthetic', runId]);
      const pred = await readGray(seg.nuclei_path);
      const m = matchLabels({ width: 256, height: 256, data: t.nuclei }, { width: 256, height: 256, data: Int32Array.from(pred.data) });
      assert.ok(m.f1 >= 0.9, `nuclei from boundary maps: F1 ${m.f1.toFixed(3)}`);
    }
  } finally {
    core2.close();
  }
  const csv = join(dir, 'syn.csv');
  assert.equal(await main(['export', '--plate', 'SYN1', '--out', csv, '--workspace', ws]), 0);
  const py = `import pandas as pd, sys, json
df = pd.read_csv(sys.argv[1])
print(json.dumps({"rows": len(df), "model": df.Metadata_Model.unique().tolist(), "source": df.Metadata_Source.unique().tolist()}))`;
  const r = JSON.parse(execFileSync('/usr/bin/python3', ['-c', py, csv], { encoding: 'utf8' }));
  assert.deepEqual(r, { rows: 2, model: ['toy-resdiff 1.0'], source: ['synthetic'] });
});
