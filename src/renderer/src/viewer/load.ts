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

/** 0.5th/99.5th percentile window from a histogram (exact for integer pixels). */
export function autoWindow(img: RawImage, lowPct = 0.5, highPct = 99.5): [number, number] {
  const bins = img.bitDepth === 16 ? 65536 : 256;
  const hist = new Uint32Array(bins);
  const d = img.data;
  for (let i = 0; i < d.length; i++) hist[d[i]]++;
  const n = d.length;
  const loRank = Math.floor((lowPct / 100) * (n - 1));
  const hiRank = Math.floor((highPct / 100) * (n - 1));
  let seen = 0;
  let lo = -1;
  for (let v = 0; v < bins; v++) {
    seen += hist[v];
    if (lo < 0 && seen > loRank) lo = v;
    if (seen > hiRank) return [lo, Math.max(v, lo + 1)];
  }
  return [Math.max(0, lo), bins - 1];
}
