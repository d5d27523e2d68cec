import type { ApiClient, ApiEvent, Input, Output, RequestName } from '../../shared/contract';

/** A failed request, with the transport's error code ('bad_request', 'not_found', 'failed', 'unauthorized', 'forbidden'). */
export class ApiCallError extends Error {
  constructor(
    public code: string,
    message: string,
  ) {
    super(message);
  }
}

declare global {
  interface Window {
    api?: ApiClient;
  }
}

/** The contract over the web host: POST /api/<name>, events over SSE, images under /img/. */
function httpClient(): ApiClient {
  const listeners = new Set<(e: ApiEvent) => void>();
  let source: EventSource | null = null;
  const open = () => {
    source = new EventSource('/api/events');
    source.onmessage = (m) => {
      const e = JSON.parse(m.data) as ApiEvent;
      for (const l of listeners) l(e);
    };
  };
  return {
    transport: 'http',
    imageBase: '/img/',
    async call<N extends RequestName>(name: N, input: Input<N>): Promise<Output<N>> {
      const res = await fetch(`/api/${encodeURIComponent(name)}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(input ?? {}),
      });
      const body = (await res.json().catch(() => null)) as { result?: unknown; error?: { code: string; message: string } } | null;
      if (!res.ok || !body || body.error) {
        throw new ApiCallError(body?.error?.code ?? 'failed', body?.error?.message ?? `${name}: HTTP ${res.status}`);
      }
      return body.result as Output<N>;
    },
    onEvent(listener) {
      listeners.add(listener);
      if (!source) open();
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0 && source) {
          source.close();
          source = null;
        }
      };
    },
  };
}

/** Electron's preload exposes window.api; in a browser the web host serves the same contract. */
export const api: ApiClient = window.api ?? httpClient();

/** URL of an image route (ids only): imageUrl('thumb', 12) → '/img/thumb/12'. */
export function imageUrl(...parts: (string | number)[]): string {
  return api.imageBase + parts.map((p) => encodeURIComponent(String(p))).join('/');
}
