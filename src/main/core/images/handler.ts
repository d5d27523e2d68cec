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
    let url: URL;
    let parts: string[];
    try {
      url = new URL(req.url);
      const path = url.protocol === 'stainless:' ? url.pathname : url.pathname.replace(/^\/img/, '');
      parts = path.split('/').filter(Boolean).map(decodeURIComponent);
    } catch {
      return new Response('malformed image URL', { status: 400 });
    }
    const route = routes.get(parts[0] ?? '');
    if (!route) return new Response('no such image route', { status: 404 });
    try {
      return await route(core, parts.slice(1), url);
    } catch (e) {
      // the message may name workspace files: the log gets it, the page does not
      console.error(`image ${url.pathname}:`, e instanceof Error ? e.message : e);
      return new Response('image could not be read (see the log)', { status: 500 });
    }
  };
}
