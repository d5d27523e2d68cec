// Import rate for a 384-well, 2-site, 8-channel Phenix plate (6,144 images). Files carry a real
// 1080×1080 16-bit TIFF header and are extended to full size as sparse files, so the catalog sees
// realistic sizes without 14 GB of disk. Page cache is warm (files were just written).
import { closeSync, ftruncateSync, mkdirSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchRow } from './types';
import { encodeTiff } from '../src/main/core/io/tiff';
import { openCatalog } from '../src/main/core/catalog/db';
import { importPlate } from '../src/main/core/catalog/importPlate';
import { scanPlate } from '../src/main/core/catalog/scan';

const pad = (n: number) => String(n).padStart(2, '0');

export default async function (): Promise<BenchRow[]> {
  const root = mkdtempSync(join(tmpdir(), 'stainless-bench-import-'));
  try {
    const full = encodeTiff({ width: 1080, height: 1080, bitDepth: 16, data: new Uint16Array(1080 * 1080) });
    const header = full.subarray(0, 146);
    const dir = join(root, 'BENCH384');
    mkdirSync(join(dir, 'Images'), { recursive: true });
    let n = 0;
    for (let r = 1; r <= 16; r++)
      for (let c = 1; c <= 24; c++)
        for (let f = 1; f <= 2; f++)
          for (let ch = 1; ch <= 8; ch++) {
            const fd = openSync(join(dir, 'Images', `r${pad(r)}c${pad(c)}f${pad(f)}p01-ch${ch}sk1fk1fl1.tiff`), 'w');
            writeSync(fd, header);
            ftruncateSync(fd, full.length);
            closeSync(fd);
            n++;
          }
    const t0 = performance.now();
    const scan = await scanPlate({ dir });
    const scanS = (performance.now() - t0) / 1000;
    const db = openCatalog(join(root, 'catalog.sqlite'));
    const t1 = performance.now();
    let scanEnd = t1;
    const first = await importPlate(db, { dir }, (p) => {
      if (p.phase === 'scan' && p.done === p.total) scanEnd = performance.now();
    });
    const end = performance.now();
    const firstS = (end - t1) / 1000;
    const writeS = (end - scanEnd) / 1000;
    const t2 = performance.now();
    await importPlate(db, { dir });
    const againS = (performance.now() - t2) / 1000;
    db.close();
    if (first.images !== n || scan.images.length !== n) throw new Error(`expected ${n} images, imported ${first.images}`);
    const note = `384 wells × 2 sites × 8 ch = ${n} images, 1080² 16-bit headers`;
    return [
      { stage: 'import', figure: 'import rate (scan + write)', value: n / firstS, unit: 'images/s', note },
      { stage: 'import', figure: 'import time', value: firstS, unit: 's', note },
      { stage: 'import', figure: 'header scan rate (no writes)', value: n / scanS, unit: 'images/s', note: 'import.preview, first pass over the files' },
      { stage: 'import', figure: 'write phase rate', value: n / writeS, unit: 'images/s', note: 'the one write transaction of the import' },
      { stage: 'import', figure: 're-import rate (idempotent)', value: n / againS, unit: 'images/s', note: 'same folder again, no rows added' },
    ];
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
