/**
 * RGB previews of simulated sites: the five stains coloured and added (percentile contrast per
 * channel), beside the brightfield planes. Used by tests and for looking at the simulator's output.
 */
import sharp from 'sharp';
import { CHANNEL_COLOURS } from '../../../shared/channels';
import type { SiteImages } from './site';

const PAINT = ['DNA', 'ER', 'RNA', 'AGP', 'Mito'] as const;

function percentile(a: Uint16Array, q: number): number {
  const hist = new Uint32Array(65536);
  for (let i = 0; i < a.length; i++) hist[a[i]]++;
  const target = q * a.length;
  let acc = 0;
  for (let v = 0; v < 65536; v++) {
    acc += hist[v];
    if (acc >= target) return v;
  }
  return 65535;
}

function rgbOf(hex: string): [number, number, number] {
  const v = parseInt(hex.slice(1), 16);
  return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
}

/** Tiles: [composite of the 5 stains | BF | BFHigh | BFLow] for one site, as RGB bytes. */
export function siteComposite(s: SiteImages, channels: readonly string[] = PAINT): { rgb: Uint8Array; width: number; height: number } {
  const { width: w, height: h } = s;
  const tiles = 4;
  const W = w * tiles;
  const rgb = new Uint8Array(W * h * 3);
  const acc = new Float32Array(w * h * 3);
  for (const ch of channels) {
    const img = s.channels[ch as keyof SiteImages['channels']];
    const lo = percentile(img, 0.01);
    const hi = Math.max(lo + 1, percentile(img, 0.998));
    const [r, g, b] = rgbOf(CHANNEL_COLOURS[ch]);
    for (let i = 0; i < w * h; i++) {
      const v = Math.min(1, Math.max(0, (img[i] - lo) / (hi - lo)));
      acc[3 * i] += v * r;
      acc[3 * i + 1] += v * g;
      acc[3 * i + 2] += v * b;
    }
  }
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      const o = (y * W + x) * 3;
      rgb[o] = Math.min(255, acc[3 * i]);
      rgb[o + 1] = Math.min(255, acc[3 * i + 1]);
      rgb[o + 2] = Math.min(255, acc[3 * i + 2]);
    }
  (['BF', 'BFHigh', 'BFLow'] as const).forEach((ch, t) => {
    const img = s.channels[ch];
    const lo = percentile(img, 0.005);
    const hi = Math.max(lo + 1, percentile(img, 0.995));
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) {
        const v = Math.round(255 * Math.min(1, Math.max(0, (img[y * w + x] - lo) / (hi - lo))));
        const o = (y * W + (t + 1) * w + x) * 3;
        rgb[o] = rgb[o + 1] = rgb[o + 2] = v;
      }
  });
  return { rgb, width: W, height: h };
}

/** Write several sites' composites stacked vertically as one PNG. */
export async function writeCompositePng(path: string, sites: SiteImages[], channels?: readonly string[]): Promise<void> {
  const parts = sites.map((s) => siteComposite(s, channels));
  const W = parts[0].width;
  const H = parts.reduce((a, p) => a + p.height, 0);
  const all = new Uint8Array(W * H * 3);
  let off = 0;
  for (const p of parts) {
    all.set(p.rgb, off);
    off += p.rgb.length;
  }
  await sharp(Buffer.from(all.buffer), { raw: { width: W, height: H, channels: 3 } }).png().toFile(path);
}
