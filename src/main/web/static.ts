import type { ServerResponse } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';

export const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.ico': 'image/x-icon',
};

/** Same policy as the Electron window; 'self' covers the API, events and images. */
export const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob: stainless:; connect-src 'self' stainless:; worker-src 'self' blob:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

async function isFile(path: string): Promise<boolean> {
  const st = await stat(path).catch(() => null);
  return !!st && st.isFile();
}

/**
 * The built renderer: a file under dir, or index.html for app routes. `pathname` is already
 * decoded by the caller; anything that is not a regular file inside dir falls back to index.html.
 */
export async function serveStatic(res: ServerResponse, dir: string, pathname: string): Promise<void> {
  const rel = normalize(pathname).replace(/^([/\\])+/, '');
  let file = join(dir, rel || 'index.html');
  if (!file.startsWith(dir + sep) && file !== dir) {
    res.writeHead(403, { 'content-type': 'text/plain' });
    return void res.end('outside the app');
  }
  if (!(await isFile(file))) file = join(dir, 'index.html');
  if (!(await isFile(file))) {
    res.writeHead(503, { 'content-type': 'text/plain' });
    return void res.end('The UI is not built: run `npm run build`.');
  }
  const body = await readFile(file);
  res.writeHead(200, {
    'content-type': MIME[extname(file)] ?? 'application/octet-stream',
    'cache-control': 'no-cache',
    'content-security-policy': CSP,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
  });
  res.end(body);
}
