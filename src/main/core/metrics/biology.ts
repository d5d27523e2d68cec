import type { ActivitySummary, GroupChannelCorrelation, QcSummary, SeparationSummary } from '../../../shared/contract/metrics';
import { featureAgreement, type WellProfiles } from './agreement';
import { crossValidatedF1 } from './classify';
import { phenotypicActivity } from './activity';
import { isProfileFeature, madRobustize } from '../profiles/recipe';
import { selectFeatures } from '../profiles/select';
import { frechetDistance, type Matrix } from './frechet';
import { zPrime, ssmd, pearson } from '../../../shared/stats';

/** Plate-map annotation of a well, as the catalog holds it. */
export interface WellLabel {
  well: string;
  controlType: string | null;
  compound: string | null;
  moa: string | null;
}

export interface BiologyInput {
  acquired: WellProfiles;
  synthetic: WellProfiles;
  labels: WellLabel[];
  /** per-cell features (same columns) for the Fréchet distance, when available */
  cells?: { acquired: Matrix; synthetic: Matrix } | null;
  /** per-well feature for Z'/SSMD between poscon and negcon wells */
  qcFeature?: string | null;
  nullSize?: number;
}

export interface BiologyResult {
  /** per well: Pearson r between its acquired and synthetic profiles (features z-scored across the acquired wells) */
  wellProfileR: Array<{ well: string; r: number }>;
  features: { wells: number; features: number; meanR: number | null; table: GroupChannelCorrelation[] };
  separation: SeparationSummary[];
  activity: ActivitySummary[];
  frechet: { value: number; features: number; cellsAcquired: number; cellsSynthetic: number } | null;
  qc: QcSummary[];
  notes: string[];
  /** seconds per part */
  seconds: Record<string, number>;
}

const fin = (v: number) => (Number.isFinite(v) ? v : null);

/**
 * Columns usable for classification and retrieval: features present in both sources, finite in
 * every well, and not constant — the same set for acquired and synthetic so the two compare.
 */
export function usableMatrix(p: WellProfiles, wells: string[], features: string[]): Float64Array {
  const row = new Map(p.wells.map((w, i) => [w, i]));
  const col = new Map(p.features.map((f, i) => [f, i]));
  const out = new Float64Array(wells.length * features.length);
  wells.forEach((w, i) => features.forEach((f, j) => (out[i * features.length + j] = p.data[row.get(w)! * p.features.length + col.get(f)!])));
  return out;
}

function commonFeatures(a: WellProfiles, b: WellProfiles, wells: string[]): string[] {
  const inB = new Set(b.features);
  const ok = (p: WellProfiles, f: string) => {
    const c = p.features.indexOf(f);
    const row = new Map(p.wells.map((w, i) => [w, i]));
    let first: number | null = null;
    let varies = false;
    for (const w of wells) {
      const v = p.data[row.get(w)! * p.features.length + c];
      if (!Number.isFinite(v)) return false;
      if (first === null) first = v;
      else if (v !== first) varies = true;
    }
    return varies;
  };
  return a.features.filter((f) => !f.startsWith('Metadata_') && inB.has(f) && ok(a, f) && ok(b, f));
}

/**
 * Wells × features after pycytominer's recipe (mad_robustize against the negcon wells, then
 * feature_select's default operations) on the profile features (Cells_/Nuclei_/Cytoplasm_).
 */
function recipeProfiles(m: Float64Array, n: number, features: string[], negcon: boolean[]): { data: Float64Array; total: number; selected: number } {
  const d0 = features.length;
  const keep = features.flatMap((f, j) => (isProfileFeature(f) ? [j] : []));
  const columns = madRobustize(
    keep.map((j) => Float64Array.from({ length: n }, (_, i) => m[i * d0 + j])),
    negcon,
  );
  const { kept } = selectFeatures(keep.map((j) => features[j]), columns);
  const data = new Float64Array(n * kept.length);
  kept.forEach((k, c) => columns[k].forEach((v, i) => (data[i * kept.length + c] = v)));
  return { data, total: keep.length, selected: kept.length };
}

export function computeBiology(input: BiologyInput): BiologyResult {
  const notes: string[] = [];
  const seconds: Record<string, number> = {};
  let t = performance.now();
  const lap = (k: string) => {
    const now = performance.now();
    seconds[k] = (now - t) / 1000;
    t = now;
  };
  const agreement = featureAgreement(input.acquired, input.synthetic);
  const valid = agreement.features.filter((f) => !Number.isNaN(f.r));
  const features = {
    wells: agreement.wells,
    features: valid.length,
    meanR: valid.length ? valid.reduce((a, f) => a + f.r, 0) / valid.length : null,
    table: agreement.table.map((c) => ({ ...c, meanR: fin(c.meanR), medianR: fin(c.medianR) })),
  };
  const labelOf = new Map(input.labels.map((l) => [l.well, l]));
  const synWells = new Set(input.synthetic.wells);
  const wells = input.acquired.wells.filter((w) => synWells.has(w) && labelOf.has(w));
  const feats = commonFeatures(input.acquired, input.synthetic, wells);
  if (!feats.length) notes.push(`separation and phenotypic activity not computed: no feature is finite and varying in all ${wells.length} wells on both sides`);
  const sources = [
    ['acquired', input.acquired],
    ['synthetic', input.synthetic],
  ] as const;

  lap('correlation');
  const separation: SeparationSummary[] = [];
  const tasks: Array<{ task: SeparationSummary['task']; pick: (l: WellLabel) => string | null }> = [
    { task: 'treatment-vs-dmso', pick: (l) => (l.controlType === 'negcon' ? 'DMSO' : l.controlType === 'trt' ? 'treatment' : null) },
    { task: 'moa', pick: (l) => (l.controlType === 'trt' && l.moa ? l.moa : null) },
  ];
  for (const t of feats.length ? tasks : []) {
    const ws = wells.filter((w) => t.pick(labelOf.get(w)!) !== null);
    const labels = ws.map((w) => t.pick(labelOf.get(w)!)!);
    for (const [source, p] of sources) {
      try {
        const r = crossValidatedF1({ data: usableMatrix(p, ws, feats), features: feats.length, labels });
        separation.push({ task: t.task, source, f1: r.f1, accuracy: r.accuracy, samples: r.samples, classes: r.classes, folds: r.folds, k: r.k });
      } catch (e) {
        if (source === 'acquired') notes.push(`${t.task} separation not computed: ${(e as Error).message}`);
      }
    }
  }

  lap('separation');
  const activity: ActivitySummary[] = [];
  const group = wells.map((w) => {
    const l = labelOf.get(w)!;
    return l.controlType === 'trt' && l.compound ? l.compound : null;
  });
  const negcon = wells.map((w) => labelOf.get(w)!.controlType === 'negcon');
  if (feats.length && !negcon.some(Boolean)) notes.push('phenotypic activity not computed: no negative-control (DMSO) wells');
  else if (feats.length)
    for (const [source, p] of sources) {
      // on the profiles pycytominer's recipe makes: mad_robustize vs DMSO, then feature_select
      const prof = recipeProfiles(usableMatrix(p, wells, feats), wells.length, feats, negcon);
      if (!prof.selected) {
        notes.push(`phenotypic activity (${source}) not computed: pycytominer's feature selection kept none of ${prof.total} features`);
        continue;
      }
      const r = phenotypicActivity({ data: prof.data, features: prof.selected, group, negcon }, { nullSize: input.nullSize ?? 10000 });
      if (!r.compounds.length) {
        if (source === 'acquired') notes.push('phenotypic activity not computed: no compound with 2 or more replicate wells');
        continue;
      }
      activity.push({
        source,
        compounds: r.compounds.length,
        meanMAP: fin(r.meanMAP),
        fractionActive: fin(r.fractionActive),
        nullSize: r.nullSize,
        threshold: r.threshold,
        features: { profile: prof.total, selected: prof.selected },
        perCompound: r.compounds.map((c) => ({ compound: c.group, replicates: c.replicates, mAP: c.mAP, pValue: c.pValue, correctedP: c.correctedP, active: c.active })),
      });
    }

  lap('activity');
  let frechet: BiologyResult['frechet'] = null;
  if (input.cells) {
    try {
      const r = frechetDistance(input.cells.acquired, input.cells.synthetic);
      if (!Number.isFinite(r.fd) || r.features === 0) throw new Error(`no usable per-cell features (${r.features} non-constant in the acquired cells)`);
      frechet = { value: r.fd, features: r.features, cellsAcquired: input.cells.acquired.rows, cellsSynthetic: input.cells.synthetic.rows };
    } catch (e) {
      notes.push(`Fréchet distance not computed: ${(e as Error).message}`);
    }
  } else notes.push('Fréchet distance not computed: per-cell features not available');

  lap('frechet');
  const qc: QcSummary[] = [];
  if (input.qcFeature) {
    for (const [source, p] of sources) {
      const c = p.features.indexOf(input.qcFeature);
      if (c < 0) {
        notes.push(`QC feature ${input.qcFeature} not in the ${source} profiles`);
        continue;
      }
      qc.push(controlsQc(input.qcFeature, source, p.wells.map((w, i) => ({ well: w, value: p.data[i * p.features.length + c] })), labelOf));
    }
  }
  const wellProfileR = wellProfileAgreement(input.acquired, input.synthetic, wells, feats);
  lap('qc_and_profiles');
  return { features, separation, activity, frechet, qc, notes, wellProfileR, seconds };
}

/** Z'-factor and SSMD of a per-well value between positive- and negative-control wells. */
export function controlsQc(
  value: string,
  source: 'acquired' | 'synthetic',
  values: Array<{ well: string; value: number }>,
  labelOf: Map<string, { controlType: string | null }>,
): QcSummary {
  const pos = values.filter((v) => labelOf.get(v.well)?.controlType === 'poscon' && Number.isFinite(v.value)).map((v) => v.value);
  const neg = values.filter((v) => labelOf.get(v.well)?.controlType === 'negcon' && Number.isFinite(v.value)).map((v) => v.value);
  const ok = pos.length >= 2 && neg.length >= 2;
  return {
    value,
    source,
    positive: pos.length,
    negative: neg.length,
    zPrime: ok ? fin(zPrime(pos, neg)) : null,
    ssmd: ok ? fin(ssmd(pos, neg)) : null,
  };
}

/**
 * How well each well's synthetic profile matches its acquired one: Pearson r across features, after
 * z-scoring every feature with the acquired wells' mean and sd (so no feature dominates by its unit).
 */
export function wellProfileAgreement(acq: WellProfiles, syn: WellProfiles, wells: string[], feats: string[]): Array<{ well: string; r: number }> {
  const d = feats.length;
  if (!wells.length || !d) return [];
  const a = usableMatrix(acq, wells, feats);
  const b = usableMatrix(syn, wells, feats);
  const n = wells.length;
  for (let c = 0; c < d; c++) {
    let mu = 0;
    for (let i = 0; i < n; i++) mu += a[i * d + c] / n;
    let v = 0;
    for (let i = 0; i < n; i++) v += (a[i * d + c] - mu) ** 2 / Math.max(1, n - 1);
    const sd = Math.sqrt(v) || 1;
    for (let i = 0; i < n; i++) {
      a[i * d + c] = (a[i * d + c] - mu) / sd;
      b[i * d + c] = (b[i * d + c] - mu) / sd;
    }
  }
  return wells.map((well, i) => ({ well, r: pearson(a.subarray(i * d, i * d + d), b.subarray(i * d, i * d + d)) }));
}
