import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simulatePlate, simulateSite, writeCompositePng, COMPOUNDS, plateLayout, imageFileName, SITE_CHANNELS } from '../../src/main/core/simulate';
import { readGray, readImageHeader } from '../../src/main/core/io/tiff';
import { previewImport } from '../../src/main/core/catalog/importPlate';
import { spawnSync } from 'node:child_process';

const tmp = () => mkdtempSync(join(tmpdir(), 'stainless-sim-'));

function listAll(dir: string, rel = ''): string[] {
  return readdirSync(join(dir, rel), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? listAll(dir, join(rel, e.name)) : [join(rel, e.name)],
  );
}

const small = { format: 96 as const, wells: ['A01', 'B02', 'C03', 'H12'], sites: 2, size: 128, seed: 3 };

test('same seed and options give byte-identical plates, in this thread and on worker threads', async () => {
  const a = tmp();
  const b = tmp();
  try {
    const ra = await simulatePlate({ ...small, out: a, workers: 0 });
    const rb = await simulatePlate({ ...small, out: b, workers: 2 });
    assert.equal(ra.workers, 0);
    assert.equal(rb.workers, 2, 'worker threads started');
    const fa = listAll(a).sort();
    assert.deepEqual(listAll(b).sort(), fa);
    for (const f of fa) assert.ok(readFileSync(join(a, f)).equals(readFileSync(join(b, f))), `${f} differs`);
    assert.equal(ra.filesWritten, fa.length);
  } finally {
    rmSync(a, { recursive: true, force: true });
    rmSync(b, { recursive: true, force: true });
  }
});

test('output folder: Phenix names, 16-bit sizes, labels, JUMP metadata and README', async () => {
  const out = tmp();
  try {
    const r = await simulatePlate({ ...small, out, workers: 0, barcode: 'TESTPLATE1' });
    assert.equal(r.sites, 8);
    assert.equal(r.wells, 4);
    const images = readdirSync(join(out, 'Images')).sort();
    assert.equal(images.length, 4 * 2 * 8);
    for (const f of images) assert.match(f, /^r(0[1-8])c(0[1-9]|1[0-2])f0[12]p01-ch[1-8]sk1fk1fl1\.tiff$/);
    assert.ok(images.includes('r08c12f02p01-ch8sk1fk1fl1.tiff'));
    const h = await readImageHeader(join(out, 'Images', 'r02c02f01p01-ch5sk1fk1fl1.tiff'));
    assert.deepEqual([h.width, h.height, h.bitDepth, h.channels], [128, 128, 16, 1]);
    const truth = readdirSync(join(out, 'groundtruth')).sort();
    assert.equal(truth.length, 4 * 2 * 2);
    assert.ok(truth.includes('r03c03f02-nuclei.tiff') && truth.includes('r03c03f02-cells.tiff'));
    // what is on disk is exactly what simulateSite renders
    const plan = plateLayout(96).find((p) => p.well === 'B02')!;
    const mem = simulateSite({ seed: 3, row: 1, col: 1, site: 1, size: 128, cellLine: 'A549', compound: plan.compound, doseMm: plan.doseMm });
    for (const ch of SITE_CHANNELS) assert.deepEqual((await readGray(join(out, 'Images', imageFileName(1, 1, 1, ch)))).data, mem.channels[ch], ch);
    assert.deepEqual((await readGray(join(out, 'groundtruth', 'r02c02f01-cells.tiff'))).data, mem.cells);
    // metadata as JUMP publishes it
    assert.equal(readFileSync(join(out, 'metadata', 'barcode_platemap.csv'), 'utf8'), 'Assay_Plate_Barcode,Plate_Map_Name\nTESTPLATE1,STAINLESS-DEMO-96\n');
    const pm = readFileSync(join(out, 'metadata', 'platemap', 'STAINLESS-DEMO-96.txt'), 'utf8').trim().split('\n');
    assert.deepEqual(pm[0].split('\t'), ['plate_map_name', 'well_position', 'broad_sample', 'mmoles_per_liter', 'solvent']);
    assert.equal(pm.length, 1 + 96);
    const dmso = pm.filter((l) => l.split('\t')[2] === '');
    assert.equal(dmso.length, 8);
    const cm = readFileSync(join(out, 'metadata', 'external_metadata', 'compound_metadata.tsv'), 'utf8').trim().split('\n');
    assert.deepEqual(cm[0].split('\t'), ['broad_sample', 'InChIKey', 'pert_iname', 'pert_type', 'control_type', 'smiles', 'target', 'moa']);
    assert.equal(cm.length, 1 + COMPOUNDS.length + 2);
    const dmsoRow = cm.find((l) => l.split('\t')[2] === 'DMSO')!.split('\t');
    assert.equal(dmsoRow[0], '');
    assert.equal(dmsoRow[4], 'negcon');
    assert.match(readFileSync(join(out, 'README.txt'), 'utf8'), /SIMULATED/);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('the import path reads a demo plate like a real Phenix export', async () => {
  const out = tmp();
  try {
    await simulatePlate({ ...small, out, workers: 0 });
    const p = await previewImport({ dir: out, platemap: null, metadata: null, barcode: null, pattern: null, channelMap: null, cellLine: null, format: null });
    assert.equal(p.naming, 'phenix');
    assert.equal(p.format, 96);
    assert.equal(p.sites, 8);
    assert.equal(p.ok, true);
    assert.equal(p.unannotatedWells, 0);
    assert.equal(p.images, 64);
    assert.deepEqual([...p.channels].sort(), ['AGP', 'BF', 'BFHigh', 'BFLow', 'DNA', 'ER', 'Mito', 'RNA']);
    assert.equal(p.annotatedWells, 96);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('--empty-edges: edge wells have no cells and are not in the plate map', async () => {
  const out = tmp();
  try {
    await simulatePlate({ format: 96, wells: ['A01', 'B02'], sites: 1, size: 128, out, workers: 0, emptyEdges: true });
    const edge = await readGray(join(out, 'groundtruth', 'r01c01f01-cells.tiff'));
    assert.ok(edge.data.every((v) => v === 0));
    const inner = await readGray(join(out, 'groundtruth', 'r02c02f01-cells.tiff'));
    assert.ok(inner.data.some((v) => v !== 0));
    const pm = readFileSync(join(out, 'metadata', 'platemap', 'STAINLESS-DEMO-96.txt'), 'utf8');
    assert.ok(!pm.includes('\tA01\t') && pm.includes('\tB02\t'));
    assert.equal(pm.trim().split('\n').length, 1 + 6 * 10);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('stainless demo CLI: writes a plate, prints a JSON summary; bad options fail with a clear message', () => {
  const out = tmp();
  // run the real CLI in a child process (the test runner owns this process's stdout)
  const cli = (...args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', join(process.cwd(), 'src/main/cli.ts'), 'demo', '--out', out, ...args], { encoding: 'utf8' });
  try {
    const ok = cli('--format', '96', '--wells', 'A01,b2', '--sites', '1', '--size', '96', '--cell-line', 'U2OS', '--seed', '5', '--workers', '0', '--json');
    assert.equal(ok.status, 0, ok.stderr);
    const summary = JSON.parse(ok.stdout);
    assert.equal(summary.wells, 2);
    assert.equal(summary.sites, 2);
    assert.equal(summary.cellLine, 'U2OS');
    assert.equal(summary.barcode, 'SIM-U2OS-96-5');
    assert.equal(summary.filesWritten, 2 * 10 + 4);
    assert.match(ok.stderr, /sites 2\/2/);
    assert.ok(existsSync(join(out, 'Images', 'r02c02f01p01-ch8sk1fk1fl1.tiff')));
    const bad: Array<[string[], RegExp]> = [
      [['--format', '100'], /--format: "100" is not 96, 384 or 1536/],
      [['--format', '96', '--wells', 'Z99'], /well "Z99" is not a well of a 96-well plate/],
      [['--cell-line', 'HeLa'], /--cell-line: "HeLa" is not one of A549, U2OS/],
      [['--sites', '0'], /sites must be an integer from 1 to 99/],
      [['--seed', 'x'], /--seed: "x" is not an integer/],
    ];
    const file = join(out, 'README.txt');
    const onFile = spawnSync(process.execPath, ['--import', 'tsx', join(process.cwd(), 'src/main/cli.ts'), 'demo', '--out', file], { encoding: 'utf8' });
    assert.equal(onFile.status, 2);
    assert.match(onFile.stderr, /README\.txt exists and is not a folder/);
    for (const [args, msg] of bad) {
      const r = cli(...args);
      assert.equal(r.status, 2, `${args.join(' ')}: exit ${r.status}`);
      assert.match(r.stderr, msg);
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('composite screenshots of several sites (5 stains coloured + BF planes) for looking at', async () => {
  const dir = join(process.cwd(), 'test-output', 'simulate');
  mkdirSync(dir, { recursive: true });
  const comp = (name: string) => COMPOUNDS.find((c) => c.name === name)!;
  const sets: Array<[string, 'A549' | 'U2OS', string | null]> = [
    ['a549-dmso', 'A549', null],
    ['u2os-dmso', 'U2OS', null],
    ['a549-aurorasib', 'A549', 'aurorasib'],
    ['a549-statinol', 'A549', 'statinol'],
  ];
  for (const [name, cellLine, c] of sets) {
    const sites = [1, 2].map((site) => simulateSite({ seed: 1, row: 5, col: 7, site, size: 512, cellLine, compound: c ? comp(c) : null, doseMm: 0.01 }));
    const file = join(dir, `${name}.png`);
    await writeCompositePng(file, sites);
    const h = await readImageHeader(file);
    assert.deepEqual([h.width, h.height, h.format], [2048, 1024, 'png']);
  }
});
