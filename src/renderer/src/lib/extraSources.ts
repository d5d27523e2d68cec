import { useEffect, useState } from 'react';
import type { WellLayout } from '../../../shared/contract/catalog';
import type { ValueOption, WellValues } from './valueSources';

/**
 * Per-well values from features and metrics runs (filled in as those areas land in the
 * contract): the picker's options for a plate and a loader per option.
 */
export function useExtraOptions(plateId: number): { options: ValueOption[]; error: string | null } {
  const [state, setState] = useState<{ options: ValueOption[]; error: string | null }>({ options: [], error: null });
  useEffect(() => {
    setState({ options: [], error: null });
  }, [plateId]);
  return state;
}

export async function loadExtraValues(_plateId: number, source: string, _wells: WellLayout[]): Promise<WellValues> {
  throw new Error(`no values for "${source}"`);
}
