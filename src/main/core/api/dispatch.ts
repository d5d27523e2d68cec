import { z } from 'zod';
import { contract, isRequestName, type Contract, type RequestName } from '../../../shared/contract';
import type { ParsedInputOf, OutputOf } from '../../../shared/contract/define';
import type { Core } from '../core';

export type Handler<N extends RequestName> = (input: ParsedInputOf<Contract[N]>, core: Core) => Promise<OutputOf<Contract[N]>> | OutputOf<Contract[N]>;
export type Handlers<K extends RequestName> = { [N in K]: Handler<N> };

/** An error a transport maps to a status: bad_request → 400, not_found → 404, failed → 500. */
export class ApiError extends Error {
  constructor(
    public code: 'bad_request' | 'not_found' | 'failed',
    message: string,
    /** for bad_request: which input field is wrong and why (the CLI names its flags from these) */
    public issues: Array<{ path: PropertyKey[]; message: string }> = [],
  ) {
    super(message);
  }
}

/**
 * The single entry every transport calls: validate the request against the contract's runtime
 * schema, then run its handler. Transports never call handlers directly.
 */
export async function dispatch(core: Core, handlers: Handlers<RequestName>, name: string, body: unknown): Promise<unknown> {
  if (!isRequestName(name)) throw new ApiError('not_found', `unknown request "${name}"`);
  const parsed = contract[name].input.safeParse(body ?? {});
  if (!parsed.success) throw new ApiError('bad_request', `${name}: ${z.prettifyError(parsed.error)}`, parsed.error.issues);
  const handler = handlers[name] as Handler<typeof name>;
  return handler(parsed.data as never, core);
}
