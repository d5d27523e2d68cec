import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { otsuThreshold } from '../../src/main/core/segment/threshold';
import { distanceTransform } from '../../src/main/core/segment/distance';
import { connectedComponents } from '../../src/main/core/segment/components';
import { segmentNucleiClassical, segmentCellsClassical } from '../../src/main/core/segment/classical';
import { segmentFromBoundaries } from '../../src/main/core/segment/boundaries';
import { matchLabels } from '../../src/main/core/metrics/matching';
import { cytoplasm, type Labels } from '../../src/main/core/segment/labels';
import { indexObjects, outlineMask, touchingBorder } from '../../src/main/core/features/objects';

const fixture = JSON.parse(readFileSync(new URL('../fixtures/features/fixture.json', import.meta.url), 'utf8'));

test('Otsu threshold equals skimage.filters.threshold_otsu', () => {
  for (const c of fixture.channels as string[]) {
    const v = Float64Array.from(fixture.images[c] as number[], (x) => x / 65535);
    const t = otsuThreshold(v);
    assert.ok(Math.abs(t - fixture.otsu[c]) <= 1e-9 * Math.abs(fixture.otsu[c]), `${c}: ${t} vs ${fixture.otsu[c]}`);
  }
});

test('distance transform equals scipy.ndimage.distance_transform_edt', () => {
  const mask = Uint8Array.from(fixture.cells as number[], (v) => (v ? 1 : 0));
  const d = distanceTransform(mask, fixture.width, fixture.height);
  const want = fixture.edt_cells as number[];
  let worst = 0;
  for (let i = 0; i < d.length; i++) worst = Math.max(worst, Math.abs(d[i] - want[i]));
  assert.ok(worst < 1e-5, `max difference ${worst}`);
});

test('connected components: 8- vs 4-connectivity', () => {
  // two pixels touching diagonally, and a separate bar
  const m = Uint8Array.from([1, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1]);
  assert.equal(connectedComponents(m, 4, 4, 8).count, 2);
  assert.equal(connectedComponents(m, 4, 4, 4).count, 3);
});

/** A synthetic site: nuclei as ellipses (some touching), cells around them, DNA/AGP rendered with blur and noise. */
function syntheticSite(seed: number, w = 256, h = 256, n = 40) {
  let s = seed >>> 0;
  const rand = () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
  const nuclei = new Int32Array(w * h);
  const cellsDist = new Float64Array(w * h).fill(Infinity);
  const centres: Array<[number, number, number, number, number]> = [];
  let tries = 0;
  while (centres.length < n && tries++ < 5000) {
    const cx = 8 + rand() * (w - 16), cy = 8 + rand() * (h - 16);
    const rx = 5 + rand() * 4, ry = 5 + rand() * 4, a = rand() * Math.PI;
    // allow touching neighbours (the declumping case) but not heavy overlap
    if (centres.some(([x, y, r1, r2]) => Math.hypot(x - cx, y - cy) < 0.85 * (Math.max(r1, r2) + Math.max(rx, ry)))) continue;
    centres.push([cx, cy, rx, ry, a]);
  }
  centres.forEach(([cx, cy, rx, ry, a], k) => {
    const c = Math.cos(a), sn = Math.sin(a);
    for (let y = Math.max(0, Math.floor(cy - 10)); y < Math.min(h, cy + 10); y++)
      for (let x = Math.max(0, Math.floor(cx - 10)); x < Math.min(w, cx + 10); x++) {
        const u = (x - cx) * c + (y - cy) * sn, v = -(x - cx) * sn + (y - cy) * c;
        if ((u / rx) ** 2 + (v / ry) ** 2 <= 1 && !nuclei[y * w + x]) nuclei[y * w + x] = k + 1;
      }
  });
  // cells: Voronoi of nuclei centres within 20 px
  const cells = new Int32Array(w * h);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      let best = 0, bd = 20;
      centres.forEach(([cx, cy], k) => {
        const d = Math.hypot(x - cx, y - cy);
        if (d < bd) (bd = d), (best = k + 1);
      });
      cells[y * w + x] = nuclei[y * w + x] || best;
      cellsDist[y * w + x] = bd;
    }
  const dna = new Float32Array(w * h);
  const agp = new Float32Array(w * h);
  const cellOutline = outlineMask(cells, w, h);
  for (let i = 0; i < dna.length; i++) {
    dna[i] = 0.05 + (nuclei[i] ? 0.4 + 0.1 * Math.sin(i) : 0) + 0.03 * rand();
    agp[i] = 0.05 + (cells[i] ? 0.25 + (cellOutline[i] ? 0.2 : 0) : 0) + 0.03 * rand();
  }
  // dim the boundary between touching nuclei, as real DNA stain does
  const nucOutline = outlineMask(nuclei, w, h);
  for (let i = 0; i < dna.length; i++) if (nucOutline[i] && nuclei[i]) dna[i] *= 0.8;
  return { w, h, truthNuclei: { width: w, height: h, data: nuclei } as Labels, truthCells: { width: w, height: h, data: cells } as Labels, dna, agp, nucOutline, cellOutline };
}

test('classical nuclei reach F1 ≥ 0.85 at IoU 0.5 on synthetic sites with touching nuclei', () => {
  for (const seed of [1, 2, 3]) {
    const s = syntheticSite(seed);
    const pred = segmentNucleiClassical(s.dna, s.w, s.h);
    const m = matchLabels(s.truthNuclei, pred, 0.5);
    assert.ok(m.f1 >= 0.85, `seed ${seed}: F1 ${m.f1.toFixed(3)} (${m.tp} tp, ${m.fp} fp, ${m.fn} fn)`);
  }
});

test('classical cells: propagation from nuclei keeps the nucleus number and covers it', () => {
  const s = syntheticSite(4);
  const nuclei = segmentNucleiClassical(s.dna, s.w, s.h);
  const cells = segmentCellsClassical(s.agp, nuclei);
  for (let i = 0; i < nuclei.data.length; i++) if (nuclei.data[i]) assert.equal(cells.data[i], nuclei.data[i]);
  const m = matchLabels(s.truthCells, cells, 0.5);
  assert.ok(m.f1 >= 0.7, `cells F1 ${m.f1.toFixed(3)}`);
  const cyto = cytoplasm(cells, nuclei);
  for (let i = 0; i < cyto.data.length; i++) assert.ok(!(cyto.data[i] && nuclei.data[i]));
});

test('segmentation from boundary maps recovers the objects the maps outline', () => {
  const s = syntheticSite(5);
  const nb = Float32Array.from(s.nucOutline, (v, i) => (v && s.truthNuclei.data[i] ? 1 : 0));
  const cb = Float32Array.from(s.cellOutline, (v, i) => (v && s.truthCells.data[i] ? 1 : 0));
  const { nuclei, cells } = segmentFromBoundaries({ width: s.w, height: s.h, nucleiBoundary: nb, cellBoundary: cb, dna: s.dna, cellImage: s.agp });
  const mn = matchLabels(s.truthNuclei, nuclei, 0.5);
  const mc = matchLabels(s.truthCells, cells, 0.5);
  assert.ok(mn.f1 >= 0.9, `nuclei F1 ${mn.f1.toFixed(3)}`);
  assert.ok(mc.f1 >= 0.85, `cells F1 ${mc.f1.toFixed(3)}`);
});

test('objects touching the image border are flagged', () => {
  const l: Labels = { width: 4, height: 3, data: Int32Array.from([1, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 3]) };
  // per object of the index (ids 1, 2, 3): 1 and 3 have a pixel in a border row or column
  assert.deepEqual(Array.from(touchingBorder(indexObjects(l))), [1, 0, 1]);
});

test('classical path on simulated Cell Painting sites: nuclei F1 ≥ 0.85, cells F1 ≥ 0.75 vs ground truth', async () => {
  const { simulateSite } = await import('../../src/main/core/simulate/site');
  const { toUnit } = await import('../../src/main/core/segment/labels');
  for (const cellLine of ['A549', 'U2OS'] as const) {
    const s = simulateSite({ seed: 42, row: 3, col: 5, site: 1, size: 512, cellLine, compound: null, doseMm: 0 });
    const g = (ch: 'DNA' | 'ER') => ({ width: s.width, height: s.height, bitDepth: 16 as const, data: s.channels[ch] });
    const nuclei = segmentNucleiClassical(toUnit(g('DNA')), s.width, s.height);
    const cells = segmentCellsClassical(toUnit(g('ER')), nuclei);
    const mn = matchLabels({ width: s.width, height: s.height, data: Int32Array.from(s.nuclei) }, nuclei, 0.5);
    const mc = matchLabels({ width: s.width, height: s.height, data: Int32Array.from(s.cells) }, cells, 0.5);
    assert.ok(mn.f1 >= 0.85, `${cellLine} nuclei F1 ${mn.f1.toFixed(3)}`);
    assert.ok(mc.f1 >= 0.75, `${cellLine} cells F1 ${mc.f1.toFixed(3)}`);
  }
});
