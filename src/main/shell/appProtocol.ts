import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { CSP, MIME } from '../web/static';
import { APP_HOST, APP_SCHEME, IMAGE_HOST } from './trust';

type Handler = (req: Request) => Promise<Response>;

/**
 * The one privileged scheme of the desktop window: stainless://app/… is the built renderer
 * (instead of file://, which would give the page the whole file system's origin), and
 * stainless://img/… the catalog's images. Plain Node, so it is tested without Electron.
 */
export function createAppProtocolHandler(rendererDir: string, images: Handler): Handler {
  return async (req) => {
    let url: URL;
    let pathname: string;
    try {
      url = new URL(req.url);
      pathname = decodeURIComponent(url.pathname);
    } catch {
      return new Response('malformed URL', { status: 400 });
    }
    if (url.protocol !== `${APP_SCHEME}:`) return new Response('not found', { status: 404 });
    if (url.host === IMAGE_HOST) return images(req);
    if (url.host !== APP_HOST || req.method !== 'GET') return new Response('not found', { status: 404 });
    const rel = normalize(pathname).replace(/^([/\\])+/, '');
    let file = join(rendererDir, rel || 'index.html');
    if (!file.startsWith(rendererDir + sep)) return new Response('not found', { status: 404 });
    const isFile = async (p: string) => (await stat(p).catch(() => null))?.isFile() ?? false;
    // app routes live in the hash, so anything that is not a built file is the app's page
    if (!(await isFile(file))) file = join(rendererDir, 'index.html');
    if (!(await isFile(file))) return new Response('The UI is not built: run `npm run build`.', { status: 503 });
    return new Response(new Uint8Array(await readFile(file)), {
      headers: { 'content-type': MIME[extname(file)] ?? 'application/octet-stream', 'content-security-policy': CSP, 'x-content-type-options': 'nosniff' },
    });
  };
}
