// The profile recipe on the demo plate's per-well profiles (test/fixtures/profiles/aggregated.csv.gz:
// 96 wells × 3,524 features) and on a 384-well plate made of four jittered copies of it.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { madRobustize, isProfileFeature } from '../src/main/core/profiles/recipe';
import { selectFeatures } from '../src/main/core/profiles/select';
import { averagePrecisions, meanAveragePrecision } from '../src/main/core/profiles/copairs';
import { mulberry32 } from '../src/main/core/metrics/rng';
import type { BenchRow } from './types';

function demoTable() {
  const lines = gunzipSync(readFileSync(new URL('../test/fixtures/profiles/aggregated.csv.gz', import.meta.url))).toString('utf8').trimEnd().split('\n');
  const header = lines[0].split(',');
  const rows = lines.slice(1).map((l) => l.split(','));
  const names = header.filter(isProfileFeature);
  const columns = names.map((n) => Float64Array.from(rows, (r) => Number(r[header.indexOf(n)] || NaN)));
  return { names, columns, wells: rows.map((r) => r[header.indexOf('Metadata_Well')]) };
}

function time<T>(f: () => T): [T, number] {
  const t = performance.now();
  const r = f();
  return [r, (performance.now() - t) / 1000];
}

export default async function (): Promise<BenchRow[]> {
  const demo = demoTable();
  const rnd = mulberry32(18);
  // every 12th well of the demo plate is DMSO (B02, B05, …); groups: the well's column position
  const plates = [
    { label: '96 wells', copies: 1 },
    { label: '384 wells', copies: 4 },
  ];
  const out: BenchRow[] = [];
  for (const p of plates) {
    const n = demo.wells.length * p.copies;
    const columns = demo.columns.map((c) => Float64Array.from({ length: n }, (_, i) => c[i % c.length] * (p.copies > 1 ? 1 + 0.01 * (rnd() - 0.5) : 1)));
    const dmso = new Set(['B02', 'B05', 'B08', 'B11', 'F02', 'F05', 'F08', 'F11']);
    const negcon = Array.from({ length: n }, (_, i) => dmso.has(demo.wells[i % demo.wells.length]));
    const group = Array.from({ length: n }, (_, i) => (negcon[i] ? null : demo.wells[i % demo.wells.length].slice(1)));
    const [norm, tn] = time(() => madRobustize(columns, negcon));
    const [sel, ts] = time(() => selectFeatures(demo.names, norm));
    const d = sel.kept.length;
    const data = new Float64Array(n * d);
    sel.kept.forEach((j, k) => norm[j].forEach((v, i) => (data[i * d + k] = v)));
    const [, tm] = time(() => meanAveragePrecision(averagePrecisions({ data, features: d, group, negcon }), { nullSize: 10000, threshold: 0.05, seed: 0 }));
    const note = `${demo.names.length} features → ${d}`;
    out.push({ stage: 'profiles', figure: `mad_robustize, ${p.label}`, value: tn, unit: 's', note });
    out.push({ stage: 'profiles', figure: `feature_select (4 operations), ${p.label}`, value: ts, unit: 's', note });
    out.push({ stage: 'profiles', figure: `copairs mAP (null 10,000), ${p.label}`, value: tm, unit: 's', note: `${new Set(group.filter((g) => g !== null)).size} groups` });
  }
  return out;
}
