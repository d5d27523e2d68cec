import type { IncomingMessage } from 'node:http';

/** Largest request body: the biggest real request (an import with a channel map) is a few KiB. */
export const MAX_BODY = 256 * 1024;
/** Deepest nesting of arrays/objects a request may have: the contract needs 4. */
export const MAX_DEPTH = 32;

export class BodyError extends Error {
  constructor(
    public status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Reads a JSON body with the size checked while it streams in and the nesting depth checked by
 * one linear scan before JSON.parse, so a deep or huge body costs at most MAX_BODY bytes of work.
 */
export async function readJson(req: IncomingMessage, maxBody = MAX_BODY, maxDepth = MAX_DEPTH): Promise<unknown> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > maxBody) throw new BodyError(413, `request body too large (limit ${maxBody} bytes)`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > maxBody) throw new BodyError(413, `request body too large (limit ${maxBody} bytes)`);
    chunks.push(c as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text.trim()) return {};
  if (jsonDepth(text) > maxDepth) throw new BodyError(400, `request body nests deeper than ${maxDepth} levels`);
  try {
    return JSON.parse(text);
  } catch {
    throw new BodyError(400, 'request body is not valid JSON');
  }
}

/** Maximum bracket nesting outside strings (escapes inside strings are skipped). */
export function jsonDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) max = depth;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return max;
}
