import type { Core } from '../core';
import { routes } from './registry';
// The routes register themselves (side effect), kept apart so this file stays the dispatcher.
import './routes';

export type RequestHandler = (req: Request) => Promise<Response>;

/**
 * The one image request handler (Fetch API Request → Response). Electron mounts it with
 * protocol.handle('stainless', ...) as stainless://img/…, the web host under /img/….
 * Paths name catalog ids, never file-system paths, so the renderer cannot read arbitrary files.
 */
export function createImageHandler(core: Core): RequestHandler {
  return async (req) => {
    const url = new URL(req.url);
    const path = url.protocol === 'stainless:' ? url.pathname : url.pathname.replace(/^\/img/, '');
    const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
    const route = routes.get(parts[0] ?? '');
    if (!route) return new Response(`no image route "${parts[0] ?? ''}"`, { status: 404 });
    try {
      return await route(core, parts.slice(1), url);
    } catch (e) {
      return new Response(e instanceof Error ? e.message : String(e), { status: 500 });
    }
  };
}
