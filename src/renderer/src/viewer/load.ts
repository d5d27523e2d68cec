import { imageUrl } from '../api';
import type { RawImage } from './types';

const cache = new Map<string, Promise<RawImage>>();
const ORDER: string[] = [];
const MAX_CACHED = 48;

async function fetchRaw(url: string): Promise<RawImage> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: ${res.status} ${await res.text()}`);
  const width = Number(res.headers.get('x-width'));
  const height = Number(res.headers.get('x-height'));
  const bitDepth = Number(res.headers.get('x-bit-depth'));
  const buf = await res.arrayBuffer();
  const data = bitDepth === 16 ? new Uint16Array(buf) : new Uint8Array(buf);
  if (data.length !== width * height) throw new Error(`${url}: ${data.length} pixels for ${width}×${height}`);
  return { width, height, bitDepth, data };
}

/** Raw pixels of a catalog image or label image, cached (a few sites' worth) by URL. */
export function loadRaw(...parts: (string | number)[]): Promise<RawImage> {
  const url = imageUrl(...parts);
  let p = cache.get(url);
  if (!p) {
    p = fetchRaw(url);
    p.catch(() => cache.delete(url));
    cache.set(url, p);
    ORDER.push(url);
    while (ORDER.length > MAX_CACHED) cache.delete(ORDER.shift()!);
  }
  return p;
}
