import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { readGray, type Gray } from '../../src/main/core/io/tiff';
import { grayToLabels } from '../../src/main/core/segment/labels';
import { measureSite } from '../../src/main/core/features/measure';
import { cellTable } from '../../src/main/core/features/cellTable';

// JUMP's production feature columns (cpg0016, made by JUMP_analysis_v3.cppipe): every one that a
// five-channel Cell Painting site can give must be in Stainless' per-cell table under exactly
// that name. The only columns allowed to be missing are listed here, each with its reason.
const JUMP = readFileSync(new URL('../../../shared/data/jump-cpg0016-feature-columns/cpg0016_mandatory_feature_columns.txt', import.meta.url), 'utf8')
  .split('\n')
  .map((l) => l.trim())
  .filter(Boolean);

const ALLOWED: Array<[RegExp, string]> = [
  [/_ObjectSkeleton_.*_mito_skel$/, "MeasureObjectSkeleton itself is implemented (features/objectSkeleton.ts, equal to CellProfiler's code on CellProfiler's own mito_skel in features-cellprofiler.test.ts), but mito_skel is MorphologicalSkeleton's scikit-image skeletonize, whose 256-entry table is ImageJ's hand-drawn skeletonize table (ImageJ's BinaryProcessor before its 2012-09-16 change of entries 3 and 24), not a published rule: Zhang–Suen 1984, Lü–Wang 1986 and Guo–Hall 1989, in every rotation or reflection and either subiteration order, differ from it on at least 369 of the demo site's 1,569 skeleton pixels (fixtures/features/check_skeleton_rules.py); copying the table is not allowed, so the columns are not written"],
];

const site = (async () => {
  const file = (n: string) => new URL(`../fixtures/features/demo-site/${n}.tiff`, import.meta.url).pathname;
  const images: Record<string, Gray> = {};
  for (const c of ['DNA', 'ER', 'RNA', 'AGP', 'Mito']) images[c] = await readGray(file(c));
  return cellTable(measureSite(images, grayToLabels(await readGray(file('nuclei'))), grayToLabels(await readGray(file('cells')))));
})();

test(`JUMP's ${JUMP.length} feature columns: Stainless produces every one a five-channel site can give, by name`, async (t) => {
  assert.equal(JUMP.length, 4762);
  const ours = new Set((await site).names);
  const missing = JUMP.filter((c) => !ours.has(c));
  const unexplained = missing.filter((c) => !ALLOWED.some(([re]) => re.test(c)));
  for (const [re, why] of ALLOWED) {
    const n = missing.filter((c) => re.test(c)).length;
    t.diagnostic(`allowed missing ${re}: ${n} columns — ${why}`);
  }
  t.diagnostic(`produced ${JUMP.length - missing.length} of ${JUMP.length} JUMP columns`);
  assert.deepEqual(unexplained, [], `${unexplained.length} JUMP columns Stainless cannot produce`);
});

test('Children/Parent and object-number columns follow the objects', async () => {
  const t = await site;
  const col = (n: string) => t.columns[t.names.indexOf(n)];
  const cells = t.objectNumbers;
  // the demo site: every cell has a nucleus and a cytoplasm; parents in the sets including edges are the objects themselves
  assert.deepEqual(Array.from(col('Cells_Parent_CellsIncludingEdges')), Array.from(cells));
  assert.deepEqual(Array.from(col('Nuclei_Number_Object_Number')), Array.from(cells));
  const cytoArea = col('Cytoplasm_AreaShape_Area');
  assert.deepEqual(Array.from(col('Cells_Children_Cytoplasm_Count')), Array.from(cytoArea, (a) => (a > 0 ? 1 : 0)));
  assert.deepEqual(Array.from(col('Nuclei_Children_Cytoplasm_Count')), Array.from(cytoArea, (a) => (a > 0 ? 1 : 0)));
});
