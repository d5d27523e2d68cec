import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { homedir } from 'node:os';
import type { Core } from './core/core';
import { dispatch, handlers, ApiError } from './core/api';
import { createImageHandler } from './core/images/handler';
import { rendererDir } from './core/paths';
import { authenticate, checkHost, checkSameOrigin, cookieName, type Refusal } from './web/guard';
import { BodyError, readJson } from './web/json';
import { createEventHub } from './web/events';
import { serveStatic } from './web/static';

export { CSP } from './web/static';

export interface WebHost {
  url: string;
  token: string;
  port: number;
  close(): Promise<void>;
}

export interface WebHostOptions {
  port?: number;
  token?: string;
  staticDir?: string;
  /** cap on open /api/events streams */
  maxEventStreams?: number;
  /** unsent bytes after which a stalled events reader is dropped */
  maxEventBacklog?: number;
  /** folders the UI's file browser may show (`serve --root`); default the home folder */
  roots?: string[];
  /** called once per answered request (path without the query, so no token) */
  accessLog?: (entry: { method: string; path: string; status: number }) => void;
}

/**
 * The contract over HTTP on 127.0.0.1, for running the UI in a browser. Thin: check Host,
 * token and origin (web/guard.ts), read the body (web/json.ts), hand it to dispatch() or the
 * image handler, write the answer. Every handler runs awaited inside one boundary, so a bad
 * request is answered with a 4xx and never takes the process (and its jobs) down.
 */
export async function startWebHost(core: Core, opts: WebHostOptions = {}): Promise<WebHost> {
  const token = opts.token ?? randomBytes(24).toString('base64url');
  const staticDir = opts.staticDir ?? rendererDir();
  core.files.setRoots(opts.roots?.length ? opts.roots : [homedir()]);
  const images = createImageHandler(core);
  const events = createEventHub({ maxStreams: opts.maxEventStreams, maxBacklog: opts.maxEventBacklog });
  const unsubscribe = core.events.on((e) => events.publish(e));
  let port = 0;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const refused = checkHost(req, port);
    if (refused) return refuse(res, refused);
    let url: URL;
    try {
      url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    } catch {
      return refuse(res, { status: 400, code: 'bad_request', message: 'malformed URL' });
    }
    const auth = authenticate(req, url, port, token);
    if (!auth.ok) return refuse(res, { status: 401, code: 'unauthorized', message: 'missing or wrong token: open the URL Stainless printed' });
    const crossSite = checkSameOrigin(req, port, auth.via);
    if (crossSite) return refuse(res, crossSite);
    let pathname: string;
    try {
      pathname = decodeURIComponent(url.pathname);
    } catch {
      return refuse(res, { status: 400, code: 'bad_request', message: 'malformed URL' });
    }

    if (pathname === '/api/events' && req.method === 'GET') {
      if (!events.open(res)) refuse(res, { status: 503, code: 'forbidden', message: 'too many open event streams' });
      return;
    }
    if (pathname.startsWith('/api/')) {
      if (req.method !== 'POST') return refuse(res, { status: 405, code: 'bad_request', message: 'use POST' });
      const body = await readJson(req);
      return answer(res, await callContract(core, pathname.slice(5), body));
    }
    if (pathname.startsWith('/img/')) {
      if (req.method !== 'GET') return refuse(res, { status: 405, code: 'bad_request', message: 'use GET' });
      return pipeResponse(res, await images(new Request(url, { method: 'GET' })));
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(res, { status: 405, code: 'bad_request', message: 'use GET' });
    // the printed URL's token becomes this port's cookie; the page then drops it from the address bar
    if (auth.via === 'query') res.setHeader('Set-Cookie', `${cookieName(port)}=${token}; HttpOnly; SameSite=Strict; Path=/`);
    return serveStatic(res, staticDir, pathname);
  };

  const server = createServer((req, res) => {
    if (opts.accessLog) {
      const log = opts.accessLog;
      res.once('finish', () => log({ method: req.method ?? '', path: (req.url ?? '').split('?')[0], status: res.statusCode }));
    }
    handle(req, res).catch((e: unknown) => {
      if (e instanceof BodyError) {
        // the rest of an oversized body is not worth reading: answer, then hang up
        if (e.status === 413) {
          res.setHeader('connection', 'close');
          res.once('finish', () => req.destroy());
        }
        if (!res.headersSent) refuse(res, { status: e.status, code: 'bad_request', message: e.message });
        else res.end();
        return;
      }
      console.error(`web host: ${req.method} ${req.url?.split('?')[0]}:`, e);
      if (!res.headersSent) refuse(res, { status: 500, code: 'failed', message: 'internal error (details in the host log)' });
      else res.end();
    });
  });
  server.on('clientError', (_e, socket) => socket.destroy());

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    token,
    port,
    close: () =>
      new Promise((resolve) => {
        unsubscribe();
        events.closeAll();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

type Answer = { status: number; body: unknown };

/** dispatch() with its errors as statuses; unexpected errors are logged, not echoed (they may name files). */
export async function callContract(core: Core, name: string, body: unknown): Promise<Answer> {
  try {
    const out = await dispatch(core, handlers, name, body);
    return { status: 200, body: { result: out ?? null } };
  } catch (e) {
    if (e instanceof ApiError) {
      const status = e.code === 'bad_request' ? 400 : e.code === 'not_found' ? 404 : 500;
      return { status, body: { error: { code: e.code, message: e.message } } };
    }
    console.error(`request ${name}:`, e);
    return { status: 500, body: { error: { code: 'failed', message: `${name} failed (details in the host log)` } } };
  }
}

function answer(res: ServerResponse, a: Answer): void {
  send(res, a.status, a.body);
}

function refuse(res: ServerResponse, r: Refusal): void {
  send(res, r.status, { error: { code: r.code, message: r.message } });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
  res.end(JSON.stringify(body));
}

async function pipeResponse(res: ServerResponse, r: Response): Promise<void> {
  const headers: Record<string, string> = {};
  r.headers.forEach((v, k) => (headers[k] = v));
  const body = Buffer.from(await r.arrayBuffer());
  res.writeHead(r.status, { ...headers, 'x-content-type-options': 'nosniff' });
  res.end(body);
}
