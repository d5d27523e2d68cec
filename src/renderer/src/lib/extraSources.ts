import { useEffect, useState } from 'react';
import type { WellLayout } from '../../../shared/contract/catalog';
import { api } from '../api';
import type { ValueOption, WellValues } from './valueSources';

/**
 * Per-well values beyond the plate annotation: stored metrics of each run (and features, once
 * their area is in the contract). Option values encode what to load:
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

export async function loadExtraValues(_plateId: number, source: string, _wells: WellLayout[]): Promise<WellValues> {
  const m = /^metric:(\d+):([^:]+):(.*)$/.exec(source);
  if (m) {
    const r = await api.call('metrics.wellValues', { runId: Number(m[1]), key: m[2], channel: m[3] });
    return new Map(r.values.map((v) => [v.wellId, v.value]));
  }
  throw new Error(`no values for "${source}"`);
}
