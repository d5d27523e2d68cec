import { useCallback, useEffect, useRef, useState } from 'react';
import type { ApiEvent, Input, Output, RequestName } from '../../../shared/contract';
import { api } from '../api';

export interface ApiState<T> {
  data: T | undefined;
  error: string | null;
  loading: boolean;
  reload(): void;
}

/**
 * Calls a request and keeps its answer; re-runs when `input` changes (compared as JSON) or when
 * `refreshOn` says an event concerns it. Keeps the previous data while reloading (no layout jumps).
 */
export function useApi<N extends RequestName>(
  name: N | null,
  input: Input<N>,
  refreshOn?: (e: ApiEvent) => boolean,
): ApiState<Output<N>> {
  const key = name ? name + JSON.stringify(input) : '';
  const [state, setState] = useState<{ key: string; data?: Output<N>; error: string | null; loading: boolean }>({
    key: '',
    error: null,
    loading: !!name,
  });
  const [tick, setTick] = useState(0);
  const inputRef = useRef(input);
  inputRef.current = input;
  const reload = useCallback(() => setTick((t) => t + 1), []);

  useEffect(() => {
    if (!name) return;
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    api.call(name, inputRef.current).then(
      (data) => live && setState({ key, data, error: null, loading: false }),
      (e: Error) => live && setState((s) => ({ key, data: s.key === key ? s.data : undefined, error: e.message, loading: false })),
    );
    return () => {
      live = false;
    };
  }, [key, tick]);

  const refreshRef = useRef(refreshOn);
  refreshRef.current = refreshOn;
  useEffect(() => {
    if (!name) return;
    return api.onEvent((e) => {
      if (refreshRef.current?.(e)) reload();
    });
  }, [name, reload]);

  return { data: state.data, error: state.error, loading: state.loading, reload };
}
