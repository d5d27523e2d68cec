import type { IncomingMessage } from 'node:http';
import { timingSafeEqual } from 'node:crypto';

/** Why a request is refused before it reaches the contract. */
export interface Refusal {
  status: number;
  code: 'bad_request' | 'unauthorized' | 'forbidden' | 'failed';
  message: string;
}

/** One cookie per port: browsers share cookies across ports of a host, so two hosts must not overwrite each other. */
export const cookieName = (port: number) => `stainless_token_${port}`;

export function header(req: IncomingMessage, name: string): string | null {
  const v = req.headers[name];
  return typeof v === 'string' ? v : null;
}

export function cookie(req: IncomingMessage, name: string): string | null {
  const raw = req.headers.cookie ?? '';
  for (const part of raw.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=');
  }
  return null;
}

export function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Host must name this server: a DNS-rebinding page arrives with its own host name. */
export function checkHost(req: IncomingMessage, port: number): Refusal | null {
  const host = (header(req, 'host') ?? '').toLowerCase();
  if (host === `127.0.0.1:${port}` || host === `localhost:${port}`) return null;
  return { status: 421, code: 'forbidden', message: 'wrong Host header: use the address Stainless printed' };
}

const origins = (port: number) => [`http://127.0.0.1:${port}`, `http://localhost:${port}`];

/**
 * Which credential a request carries. The header is for scripts (curl, tests); the cookie for the
 * page; ?token= only on a top-level page load without a valid cookie (the printed URL), never on
 * a sub-resource and never over a valid cookie.
 */
export function authenticate(req: IncomingMessage, url: URL, port: number, token: string): { ok: boolean; via: 'header' | 'cookie' | 'query' | null } {
  const h = header(req, 'x-stainless-token');
  if (h !== null) return { ok: sameToken(h, token), via: 'header' };
  const c = cookie(req, cookieName(port));
  if (c !== null && sameToken(c, token)) return { ok: true, via: 'cookie' };
  const q = url.searchParams.get('token');
  const dest = header(req, 'sec-fetch-dest');
  const navigation = req.method === 'GET' && !url.pathname.startsWith('/api/') && !url.pathname.startsWith('/img/') && (dest === null || dest === 'document');
  if (q !== null && navigation) return { ok: sameToken(q, token), via: 'query' };
  return { ok: false, via: c !== null ? 'cookie' : null };
}

/**
 * Cross-site requests. The cookie is sent by the browser for any page on 127.0.0.1 (SameSite
 * ignores ports), so the page's origin decides: GETs from another site are refused by
 * Sec-Fetch-Site; POSTs need our Origin (or Sec-Fetch-Site: same-origin) and a JSON body, which
 * a form cannot send and a cross-origin fetch cannot send without a preflight we never grant.
 * A client without Origin and Sec-Fetch-Site (curl) must carry the token header instead.
 */
export function checkSameOrigin(req: IncomingMessage, port: number, via: 'header' | 'cookie' | 'query' | null): Refusal | null {
  const site = header(req, 'sec-fetch-site');
  const origin = header(req, 'origin');
  const forbidden = (message: string): Refusal => ({ status: 403, code: 'forbidden', message });
  if (req.method === 'GET' || req.method === 'HEAD') {
    if (site !== null && site !== 'same-origin' && site !== 'none') return forbidden(`cross-site request refused (Sec-Fetch-Site: ${site})`);
    return null;
  }
  if (origin !== null) {
    if (!origins(port).includes(origin)) return forbidden('cross-origin request refused (Origin is not this server)');
  } else if (site !== null) {
    if (site !== 'same-origin') return forbidden(`cross-site request refused (Sec-Fetch-Site: ${site})`);
  } else if (via !== 'header') {
    return forbidden('request without Origin: send the x-stainless-token header');
  }
  const type = (header(req, 'content-type') ?? '').split(';')[0].trim().toLowerCase();
  if (type !== 'application/json') return { status: 415, code: 'bad_request', message: 'requests must be sent as application/json' };
  return null;
}
