import { useEffect, useState } from 'react';
import type { WellLayout } from '../../../shared/contract/catalog';
import { api } from '../api';
import type { ValueOption, WellValues } from './valueSources';

/**
 * Per-well values beyond the plate annotation: stored metrics of each run (and features, once
 * their area is in the contract). Option values encode what to load:
 *   feature:<setId>:<z|->:<name>   (z: the set has robust z vs DMSO)
 *   metric:<runId>:<key>:<channel>
 */
export function useExtraOptions(plateId: number): { options: ValueOption[]; error: string | null } {
  const [state, setState] = useState<{ options: ValueOption[]; error: string | null }>({ options: [], error: null });
  const [tick, setTick] = useState(0);
  useEffect(
    () =>
      api.onEvent((e) => {
        if (e.type === 'catalog' && (e.what === 'metrics' || e.what === 'features' || e.what === 'runs')) setTick((t) => t + 1);
      }),
    [],
  );
  useEffect(() => {
    let live = true;
    (async () => {
      const options: ValueOption[] = [];
      const sets = await api.call('features.sets', { plate: plateId });
      for (const fs of sets) {
        if (fs.status !== 'done') continue;
        const names = await api.call('features.names', { setId: fs.id, query: '', limit: 5000 });
        const group = `Features · ${fs.source}${fs.modelName ? ` ${fs.modelName}` : ''} (${fs.method}, set ${fs.id})`;
        for (const n of names.names) options.push({ value: `feature:${fs.id}:${fs.hasRobustZ ? 'z' : '-'}:${n}`, label: n, group });
      }
      const runs = await api.call('runs.list', { plate: plateId });
      for (const r of runs) {
        const m = await api.call('metrics.run', { runId: r.id });
        if (!m) continue;
        for (const k of m.wellKeys) options.push({ value: `metric:${r.id}:${k.key}:${k.channel}`, label: k.label, group: `Metrics · run ${r.id} (${r.model})` });
      }
      return options;
    })().then(
      (options) => live && setState({ options, error: null }),
      (e: Error) => live && setState({ options: [], error: `could not list per-well values: ${e.message}` }),
    );
    return () => {
      live = false;
    };
  }, [plateId, tick]);
  return state;
}

/** The values of an option; `z` says they are already robust z-scores (computed by the features area). */
export async function loadExtraValues(_plateId: number, source: string, _wells: WellLayout[], zscore: boolean): Promise<{ values: WellValues; z: boolean }> {
  const f = /^feature:(\d+):([z-]):(.*)$/.exec(source);
  if (f) {
    const serverZ = zscore && f[2] === 'z';
    const r = await api.call('features.wellValues', { setId: Number(f[1]), name: f[3], normalize: serverZ ? 'robustz' : 'none' });
    return { values: new Map(r.wells.map((w) => [w.wellId, w.value])), z: serverZ };
  }
  const m = /^metric:(\d+):([^:]+):(.*)$/.exec(source);
  if (m) {
    const r = await api.call('metrics.wellValues', { runId: Number(m[1]), key: m[2], channel: m[3] });
    return { values: new Map(r.values.map((v) => [v.wellId, v.value])), z: false };
  }
  throw new Error(`no values for "${source}"`);
}
