import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Core } from './core/core';
import { dispatch, handlers, ApiError } from './core/api';
import { createImageHandler } from './core/images/handler';
import { rendererDir } from './core/paths';

export interface WebHost {
  url: string;
  token: string;
  port: number;
  close(): Promise<void>;
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.ico': 'image/x-icon',
};

const COOKIE = 'stainless_token';
const MAX_BODY = 4 * 1024 * 1024;

/**
 * The contract over HTTP on 127.0.0.1, for running the UI in a browser. Thin: authenticate,
 * read the body, hand it to dispatch() or the image handler, write the answer.
 * Every request needs the per-launch token (query ?token= once, then a SameSite=Strict cookie,
 * or the x-stainless-token header).
 */
export async function startWebHost(core: Core, opts: { port?: number; token?: string; staticDir?: string } = {}): Promise<WebHost> {
  const token = opts.token ?? randomBytes(24).toString('base64url');
  const staticDir = opts.staticDir ?? rendererDir();
  const images = createImageHandler(core);
  const sse = new Set<ServerResponse>();
  const unsubscribe = core.events.on((e) => {
    const line = `data: ${JSON.stringify(e)}\n\n`;
    for (const res of sse) res.write(line);
  });

  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const given = url.searchParams.get('token') ?? header(req, 'x-stainless-token') ?? cookie(req, COOKIE);
      if (!given || !sameToken(given, token)) return send(res, 401, { error: { code: 'unauthorized', message: 'missing or wrong token: open the URL Stainless printed' } });
      if (url.searchParams.get('token') && req.method === 'GET' && !url.pathname.startsWith('/api/')) {
        res.setHeader('Set-Cookie', `${COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`);
      }
      if (url.pathname === '/api/events' && req.method === 'GET') return openEvents(res, sse);
      if (url.pathname.startsWith('/api/')) {
        if (req.method !== 'POST') return send(res, 405, { error: { code: 'bad_request', message: 'use POST' } });
        const name = decodeURIComponent(url.pathname.slice(5));
        let body: unknown;
        try {
          body = await readJson(req);
        } catch (e) {
          return send(res, 400, { error: { code: 'bad_request', message: (e as Error).message } });
        }
        try {
          const out = await dispatch(core, handlers, name, body);
          return send(res, 200, { result: out ?? null });
        } catch (e) {
          const code = e instanceof ApiError ? e.code : 'failed';
          const status = code === 'bad_request' ? 400 : code === 'not_found' ? 404 : 500;
          return send(res, status, { error: { code, message: e instanceof Error ? e.message : String(e) } });
        }
      }
      if (url.pathname.startsWith('/img/')) return pipeResponse(res, await images(toRequest(req, url)));
      return serveStatic(res, staticDir, url.pathname);
    } catch (e) {
      if (!res.headersSent) send(res, 500, { error: { code: 'failed', message: e instanceof Error ? e.message : String(e) } });
      else res.end();
    }
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    token,
    port,
    close: () =>
      new Promise((resolve) => {
        unsubscribe();
        for (const r of sse) r.end();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function header(req: IncomingMessage, name: string): string | null {
  const v = req.headers[name];
  return typeof v === 'string' ? v : null;
}

function cookie(req: IncomingMessage, name: string): string | null {
  const raw = req.headers.cookie ?? '';
  for (const part of raw.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=');
  }
  return null;
}

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(text);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > MAX_BODY) throw new Error('request body too large');
    chunks.push(c as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text) return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new Error('request body is not valid JSON');
  }
}

function openEvents(res: ServerResponse, sse: Set<ServerResponse>): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
  res.write(': connected\n\n');
  sse.add(res);
  res.on('close', () => sse.delete(res));
}

function toRequest(req: IncomingMessage, url: URL): Request {
  return new Request(url, { method: req.method, headers: req.headers as Record<string, string> });
}

async function pipeResponse(res: ServerResponse, r: Response): Promise<void> {
  const headers: Record<string, string> = {};
  r.headers.forEach((v, k) => (headers[k] = v));
  res.writeHead(r.status, headers);
  res.end(Buffer.from(await r.arrayBuffer()));
}

async function serveStatic(res: ServerResponse, dir: string, pathname: string): Promise<void> {
  const rel = normalize(decodeURIComponent(pathname)).replace(/^([/\\])+/, '');
  let file = join(dir, rel || 'index.html');
  if (!file.startsWith(dir + sep) && file !== dir) return send(res, 403, { error: { code: 'bad_request', message: 'outside the app' } });
  if (!existsSync(file) || rel === '') file = join(dir, 'index.html');
  if (!existsSync(file)) {
    res.writeHead(503, { 'content-type': 'text/plain' });
    return void res.end(`The UI is not built (${dir} is missing): run \`npm run build\`.`);
  }
  res.writeHead(200, {
    'content-type': MIME[extname(file)] ?? 'application/octet-stream',
    'cache-control': 'no-cache',
    'content-security-policy': CSP,
  });
  res.end(await readFile(file));
}

/** Same policy as the Electron window; 'self' covers the API, events and images. */
export const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob: stainless:; connect-src 'self' stainless:; worker-src 'self' blob:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";
