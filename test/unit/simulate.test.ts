import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  COMPOUNDS,
  DOSES_MM,
  MOST_TOXIC,
  plateLayout,
  simulateSite,
  imageFileName,
  labelFileName,
  POSCON_SAMPLE,
  SITE_CHANNELS,
  type SiteImages,
  type SiteOptions,
} from '../../src/main/core/simulate';

const site = (o: Partial<SiteOptions>): SiteImages =>
  simulateSite({ seed: 7, row: 2, col: 3, site: 1, size: 256, cellLine: 'A549', compound: null, doseMm: 0, ...o });

function objectIds(labels: Uint16Array): Map<number, number> {
  const m = new Map<number, number>();
  for (const v of labels) if (v) m.set(v, (m.get(v) ?? 0) + 1);
  return m;
}

const mean = (a: number[]) => a.reduce((s, x) => s + x, 0) / a.length;
const sd = (a: number[]) => Math.sqrt(a.reduce((s, x) => s + (x - mean(a)) ** 2, 0) / (a.length - 1));
/** Welch's t statistic of a vs b */
const welch = (a: number[], b: number[]) => (mean(a) - mean(b)) / Math.sqrt(sd(a) ** 2 / a.length + sd(b) ** 2 / b.length);

test('a site is a pure function of its options: same bytes twice, different seeds differ', () => {
  const a = site({});
  const b = site({});
  for (const ch of SITE_CHANNELS) assert.deepEqual(a.channels[ch], b.channels[ch], ch);
  assert.deepEqual(a.nuclei, b.nuclei);
  assert.deepEqual(a.cells, b.cells);
  const c = site({ seed: 8 });
  assert.notDeepEqual(a.channels.DNA, c.channels.DNA);
  const d = site({ site: 2 });
  assert.notDeepEqual(a.cells, d.cells);
});

test('labels: ids 1..N all present, every nucleus pixel inside the cell with the same id, every cell has a nucleus', () => {
  for (const cellLine of ['A549', 'U2OS'] as const)
    for (const compound of [null, COMPOUNDS.find((c) => c.name === 'aurorasib')!]) {
      const s = site({ cellLine, compound, doseMm: 0.01 });
      const cells = objectIds(s.cells);
      const nuclei = objectIds(s.nuclei);
      assert.equal(cells.size, s.cellCount);
      assert.ok(s.cellCount > 10, `${cellLine}: ${s.cellCount} cells`);
      for (let id = 1; id <= s.cellCount; id++) {
        assert.ok(cells.has(id), `cell id ${id} missing`);
        assert.ok(nuclei.has(id), `cell ${id} has no nucleus`);
      }
      assert.equal(nuclei.size, cells.size);
      for (let i = 0; i < s.nuclei.length; i++) if (s.nuclei[i]) assert.equal(s.cells[i], s.nuclei[i], `pixel ${i}`);
      // a nucleus is smaller than its cell
      for (const [id, area] of nuclei) assert.ok(area < cells.get(id)!, `nucleus ${id} fills its cell`);
    }
});

test('images are 16-bit with background, signal in the right places and no saturation', () => {
  const s = site({});
  const n = s.width * s.height;
  for (const ch of SITE_CHANNELS) {
    const img = s.channels[ch];
    assert.equal(img.length, n);
    assert.ok(img instanceof Uint16Array);
    let sat = 0;
    for (const v of img) if (v === 65535) sat++;
    assert.ok(sat < n * 0.001, `${ch} saturates ${sat} pixels`);
  }
  // DNA is bright in nuclei and dark outside cells; cytoplasmic stains are brighter in cells than in the background
  const inside = (img: Uint16Array, mask: Uint16Array, want: boolean) => {
    const v: number[] = [];
    for (let i = 0; i < img.length; i++) if ((mask[i] !== 0) === want) v.push(img[i]);
    return mean(v);
  };
  assert.ok(inside(s.channels.DNA, s.nuclei, true) > 3 * inside(s.channels.DNA, s.cells, false));
  for (const ch of ['ER', 'RNA', 'AGP', 'Mito'] as const) assert.ok(inside(s.channels[ch], s.cells, true) > 1.3 * inside(s.channels[ch], s.cells, false), ch);
});

test('brightfield planes above and below focus show the cells with opposite contrast', () => {
  const s = site({});
  const bf = s.channels.BF;
  const hi = s.channels.BFHigh;
  const lo = s.channels.BFLow;
  const mh = mean(Array.from(hi));
  const ml = mean(Array.from(lo));
  let cov = 0;
  let vh = 0;
  let vl = 0;
  for (let i = 0; i < bf.length; i++) {
    const a = hi[i] - mh;
    const b = lo[i] - ml;
    cov += a * b;
    vh += a * a;
    vl += b * b;
  }
  const r = cov / Math.sqrt(vh * vl);
  assert.ok(r < -0.5, `BFHigh vs BFLow correlation ${r.toFixed(3)} should be strongly negative`);
});

test('A549 and U2OS differ: U2OS cells are larger and fewer', () => {
  const stats = (cellLine: 'A549' | 'U2OS') => {
    const counts: number[] = [];
    const areas: number[] = [];
    for (let k = 1; k <= 3; k++) {
      const s = site({ cellLine, site: k, size: 384 });
      counts.push(s.cellCount);
      for (const a of objectIds(s.cells).values()) areas.push(a);
    }
    return { count: mean(counts), area: mean(areas) };
  };
  const a = stats('A549');
  const u = stats('U2OS');
  assert.ok(u.area > 1.8 * a.area, `mean cell area U2OS ${u.area.toFixed(0)} vs A549 ${a.area.toFixed(0)} px`);
  assert.ok(u.count < 0.6 * a.count, `cells per site U2OS ${u.count} vs A549 ${a.count}`);
});

/** Cells counted from a site's ground-truth label image. */
function objectIdsCount(s: SiteImages) {
  return objectIds(s.cells).size;
}

test('the most toxic compound at its top dose leaves significantly fewer cells than DMSO', () => {
  const dmso: number[] = [];
  const tox: number[] = [];
  for (let k = 0; k < 6; k++) {
    dmso.push(objectIdsCount(site({ row: 4 + k })));
    tox.push(objectIdsCount(site({ row: 4 + k, compound: MOST_TOXIC, doseMm: DOSES_MM[DOSES_MM.length - 1] })));
  }
  const t = welch(dmso, tox);
  assert.ok(mean(tox) < 0.5 * mean(dmso), `cells: ${MOST_TOXIC.name} ${mean(tox)} vs DMSO ${mean(dmso)}`);
  assert.ok(t > 5, `Welch t ${t.toFixed(1)}`);
  // also visible in the pixels: DNA-positive area shrinks
  const dnaArea = (s: SiteImages) => {
    const d = s.channels.DNA;
    let c = 0;
    for (const v of d) if (v > 1500) c++;
    return c;
  };
  assert.ok(dnaArea(site({ compound: MOST_TOXIC, doseMm: 0.01 })) < 0.6 * dnaArea(site({})));
});

/**
 * A granularity statistic computed from Mito pixels only (CellProfiler's granularity idea): the
 * share of the background-subtracted cytoplasmic signal that survives a 3×3 grey opening. At
 * ~1.26 µm/px the filament network is a connected texture wider than the structuring element and
 * largely survives; fragmented mitochondria are isolated puncta of 1–2 px that the opening removes.
 */
function mitoGranularity(s: SiteImages): number {
  const { width: w, height: h } = s;
  const img = s.channels.Mito;
  const sorted = Array.from(img).sort((a, b) => a - b);
  const bg = sorted[Math.floor(0.05 * sorted.length)];
  const erode = new Float32Array(w * h);
  const open = new Float32Array(w * h);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      let m = Infinity;
      for (let dy = -1; dy <= 1; dy++)
        for (let dx = -1; dx <= 1; dx++) {
          const xx = Math.min(w - 1, Math.max(0, x + dx));
          const yy = Math.min(h - 1, Math.max(0, y + dy));
          m = Math.min(m, img[yy * w + xx]);
        }
      erode[y * w + x] = m;
    }
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      let m = -Infinity;
      for (let dy = -1; dy <= 1; dy++)
        for (let dx = -1; dx <= 1; dx++) {
          const xx = Math.min(w - 1, Math.max(0, x + dx));
          const yy = Math.min(h - 1, Math.max(0, y + dy));
          m = Math.max(m, erode[yy * w + xx]);
        }
      open[y * w + x] = m;
    }
  let kept = 0;
  let total = 0;
  for (let i = 0; i < w * h; i++) {
    if (!s.cells[i] || s.nuclei[i]) continue;
    total += Math.max(0, img[i] - bg);
    kept += Math.max(0, open[i] - bg);
  }
  return kept / total;
}

test('a mitochondria-fragmenting compound shifts a Mito granularity statistic measured on the pixels', () => {
  const frag = COMPOUNDS.reduce((a, b) => (b.phenotype.mitoFragmentation > a.phenotype.mitoFragmentation ? b : a));
  const g0: number[] = [];
  const g1: number[] = [];
  for (let k = 0; k < 4; k++) {
    g0.push(mitoGranularity(site({ row: 8 + k })));
    g1.push(mitoGranularity(site({ row: 8 + k, compound: frag, doseMm: 0.01 })));
  }
  const t = welch(g0, g1);
  assert.ok(t > 4, `${frag.name}: opening share ${mean(g1).toFixed(3)} vs DMSO ${mean(g0).toFixed(3)} (t ${t.toFixed(1)})`);
});

test('plate layout: JUMP-like controls off the edge, every compound at every dose, replicates', () => {
  for (const [format, negcon, poscon, reps] of [
    [96, 8, 4, 1],
    [384, 32, 16, 3],
    [1536, 128, 64, 12],
  ] as const) {
    const plans = plateLayout(format);
    assert.equal(plans.length, format);
    assert.equal(new Set(plans.map((p) => p.well)).size, format);
    assert.equal(plans.filter((p) => p.control === 'negcon').length, negcon);
    assert.equal(plans.filter((p) => p.control === 'poscon').length, poscon);
    for (const p of plans.filter((x) => x.control !== 'trt')) assert.ok(p.row > 0 && p.col > 0, `control on the edge at ${p.well}`);
    assert.ok(plans.filter((p) => p.control === 'poscon').every((p) => p.broadSample === POSCON_SAMPLE));
    const trt = plans.filter((p) => p.control === 'trt');
    const perCondition = new Map<string, number>();
    for (const p of trt) perCondition.set(`${p.broadSample}@${p.doseMm}`, (perCondition.get(`${p.broadSample}@${p.doseMm}`) ?? 0) + 1);
    assert.equal(new Set(trt.map((p) => p.broadSample)).size, COMPOUNDS.length);
    for (const n of perCondition.values()) assert.equal(n, reps);
    assert.deepEqual(plateLayout(format), plans, 'layout is fixed per format');
  }
});

test('file names follow the Phenix export and JUMP channel numbers', () => {
  assert.equal(imageFileName(0, 0, 1, 'Mito'), 'r01c01f01p01-ch1sk1fk1fl1.tiff');
  assert.equal(imageFileName(15, 23, 2, 'DNA'), 'r16c24f02p01-ch5sk1fk1fl1.tiff');
  assert.equal(imageFileName(31, 47, 12, 'BF'), 'r32c48f12p01-ch8sk1fk1fl1.tiff');
  assert.equal(imageFileName(0, 0, 1, 'BFHigh'), 'r01c01f01p01-ch6sk1fk1fl1.tiff');
  assert.equal(imageFileName(0, 0, 1, 'BFLow'), 'r01c01f01p01-ch7sk1fk1fl1.tiff');
  assert.equal(labelFileName(1, 2, 3, 'nuclei'), 'r02c03f03-nuclei.tiff');
});
