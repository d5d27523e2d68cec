import type { Db } from '../catalog/db';
import type { Source } from '../features/plateSites';
import { allFeatureColumns, setWellIds } from '../features/store';
import { chooseFeatureSet } from '../export/exportPlate';
import { WELL_METADATA, wellMetadata } from '../export/metadata';
import { csvSink } from '../export/csv';
import { parquetSink } from '../export/parquet';
import type { ColumnSpec, ColumnValues } from '../export/table';
import { checkOutputFile } from '../io/output';
import { DEFAULT_RECIPE, isProfileFeature, runRecipe, type RecipeOptions, type WellProfileTable } from './recipe';
import type { CompoundMap } from './copairs';

export interface ProfileParams {
  plate: string | number;
  source: Source;
  runId?: number | null;
  method?: 'model' | 'classical';
  /** the processed profiles: .csv or .parquet */
  out: string;
  /** copairs' mAP table (one row per compound), .csv; none when absent */
  mapOut?: string | null;
  overwrite?: boolean;
  nullSize?: number;
  seed?: number;
}

export interface ProfileSummary {
  out: string;
  mapOut: string | null;
  setId: number;
  wells: number;
  negcon: number;
  features: number;
  selected: number;
  excluded: Record<string, number>;
  compounds: CompoundMap[];
  nullSize: number;
}

/** A feature set's imaged wells with their plate-map annotation, as the recipe's input. */
export function plateWellTable(db: Db, setId: number, plateId: number): WellProfileTable & { meta: ReturnType<typeof wellMetadata> } {
  const ids = setWellIds(db, setId);
  const pos = new Map(Array.from(ids, (id, i) => [id, i]));
  const { names, columns } = allFeatureColumns(db, setId, 'none');
  const count = columns[names.indexOf('Count_Cells')];
  // wells with cells only (a set spans the whole plate map; unimaged wells are NaN)
  const meta = wellMetadata(db, plateId).filter((w) => pos.has(w.wellId) && Number.isFinite(count?.[pos.get(w.wellId)!]));
  const keep = names.flatMap((n, j) => (isProfileFeature(n) ? [j] : []));
  return {
    meta,
    wells: meta.map((w) => String(w.values.Metadata_Well)),
    names: keep.map((j) => names[j]),
    columns: keep.map((j) => Float64Array.from(meta, (w) => columns[j][pos.get(w.wellId)!])),
    negcon: meta.map((w) => w.controlType === 'negcon'),
    // copairs groups replicates by compound; wells with no compound (empty) take no part
    group: meta.map((w) => (w.controlType === 'negcon' || w.controlType === 'empty' ? null : ((w.values.Metadata_broad_sample as string | null) ?? null))),
  };
}

/**
 * The profile recipe on a plate's per-well profiles (pycytominer: aggregate → annotate →
 * normalize mad_robustize vs negcon → feature_select), written as a table pycytominer and copairs
 * read (Metadata_* then the selected features), and copairs' mAP of each compound against DMSO.
 */
export async function profilePlate(db: Db, p: ProfileParams, opts: RecipeOptions = DEFAULT_RECIPE): Promise<ProfileSummary> {
  if (!/\.(csv|parquet)$/i.test(p.out)) throw new Error(`${p.out}: the profiles file should end in .csv or .parquet`);
  if (p.mapOut && !/\.csv$/i.test(p.mapOut)) throw new Error(`${p.mapOut}: the mAP table should end in .csv`);
  checkOutputFile(p.out, !!p.overwrite);
  if (p.mapOut) checkOutputFile(p.mapOut, !!p.overwrite);
  const set = chooseFeatureSet(db, p);
  const t = plateWellTable(db, set.id, set.plateId);
  if (!t.negcon.some(Boolean)) throw new Error(`plate ${set.barcode}: no negative-control (DMSO) wells in its plate map; mad_robustize needs them`);
  const activity = { ...opts.activity, nullSize: p.nullSize ?? opts.activity.nullSize, seed: p.seed ?? opts.activity.seed };
  const r = runRecipe(t, { ...opts, activity });
  if (!r.selection.kept.length) throw new Error(`plate ${set.barcode}: feature selection kept none of its ${t.names.length} profile features`);
  const specs: ColumnSpec[] = [
    ...WELL_METADATA.map((name) => ({ name, kind: name === 'Metadata_mmoles_per_liter' ? ('double' as const) : ('string' as const) })),
    { name: 'Metadata_Source', kind: 'string' },
    ...r.selection.kept.map((j) => ({ name: t.names[j], kind: 'double' as const })),
  ];
  const cols: ColumnValues[] = [...WELL_METADATA.map((k) => t.meta.map((w) => w.values[k])), t.meta.map(() => set.source), ...r.selection.kept.map((j) => r.normalized[j])];
  const meta = { 'stainless.plate': set.barcode, 'stainless.source': set.source, 'stainless.recipe': 'mad_robustize vs negcon; ' + opts.select.operations.join(', ') };
  await writeTable(p.out, specs, cols, meta);
  if (p.mapOut) {
    const mapSpecs: ColumnSpec[] = ['Metadata_broad_sample', 'n_replicates', 'mean_average_precision', 'p_value', 'corrected_p_value', 'below_corrected_p'].map((name, i) => ({ name, kind: i === 0 || i === 5 ? 'string' : 'double' }));
    const c = r.compounds;
    await writeTable(p.mapOut, mapSpecs, [c.map((x) => x.group), c.map((x) => x.replicates), c.map((x) => x.mAP), c.map((x) => x.pValue), c.map((x) => x.correctedP), c.map((x) => (x.active ? 'True' : 'False'))], {});
  }
  return {
    out: p.out,
    mapOut: p.mapOut ?? null,
    setId: set.id,
    wells: t.wells.length,
    negcon: t.negcon.filter(Boolean).length,
    features: t.names.length,
    selected: r.selection.kept.length,
    excluded: Object.fromEntries(Object.entries(r.selection.excluded).map(([k, v]) => [k, v.length])),
    compounds: r.compounds,
    nullSize: activity.nullSize,
  };
}

async function writeTable(out: string, specs: ColumnSpec[], cols: ColumnValues[], meta: Record<string, string>): Promise<void> {
  const sink = out.toLowerCase().endsWith('.parquet') ? await parquetSink(out, specs, meta) : await csvSink(out, specs);
  try {
    await sink.write(cols);
    await sink.finish();
  } catch (e) {
    await sink.abort();
    throw e;
  }
}
