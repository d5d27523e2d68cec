import type { PlateDetail } from '../../../shared/contract/catalog';
import { robustZ, scaledMad } from '../../../shared/stats';
import type { ScaleKind } from './colour';

/** One entry of the plate map's "colour by" picker. */
export interface ValueOption {
  value: string;
  label: string;
  group: string;
}

export type WellValues = Map<number, number | null>;

export interface LoadedValues {
  values: WellValues;
  kind: ScaleKind;
  label: string;
}

/** Values that come with the plate itself (no feature run needed). */
export function annotationOptions(): ValueOption[] {
  return [
    { value: 'annot:sites', label: 'Sites per well', group: 'Plate' },
    { value: 'annot:concentration', label: 'Concentration', group: 'Plate' },
  ];
}

export function annotationValues(detail: PlateDetail, key: string): WellValues {
  const m: WellValues = new Map();
  for (const w of detail.wells) m.set(w.id, key === 'annot:sites' ? w.sites : w.concentration);
  return m;
}

/**
 * Robust z-score of each well against the plate's negative-control (DMSO) wells, as pycytominer
 * computes it (shared/stats); no z at all where the controls have no spread (it would be ±x/1e-18).
 */
export function zScoreValues(detail: PlateDetail, values: WellValues): WellValues {
  const ids = detail.wells.map((w) => w.id);
  const x = ids.map((id) => values.get(id) ?? NaN);
  const neg = detail.wells.map((w, i) => (w.controlType === 'negcon' && Number.isFinite(x[i]) ? 1 : 0));
  const spread = scaledMad(x.filter((_, i) => neg[i] === 1));
  const z = spread > 0 ? robustZ(x, neg) : null;
  return new Map(ids.map((id, i) => [id, z && Number.isFinite(z[i]) ? z[i] : null]));
}

/** Positive / negative control values for Z'. */
export function controlGroups(detail: PlateDetail, values: WellValues): { pos: number[]; neg: number[] } {
  const pos: number[] = [];
  const neg: number[] = [];
  for (const w of detail.wells) {
    const v = values.get(w.id);
    if (v == null || !Number.isFinite(v)) continue;
    if (w.controlType === 'poscon') pos.push(v);
    else if (w.controlType === 'negcon') neg.push(v);
  }
  return { pos, neg };
}
