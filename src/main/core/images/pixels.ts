import type { Gray } from '../io/tiff';

/**
 * Box-mean downsampling by 2^level (edges keep their partial boxes), for the viewer's overview
 * levels. Rounds to the nearest integer so the bit depth stays.
 */
export function downsample(img: Gray, level: number): Gray {
  if (level <= 0) return img;
  const f = 2 ** level;
  const w = Math.max(1, Math.ceil(img.width / f));
  const h = Math.max(1, Math.ceil(img.height / f));
  const sum = new Float64Array(w * h);
  const cnt = new Uint32Array(w * h);
  const { data, width, height } = img;
  for (let y = 0; y < height; y++) {
    const oy = ((y / f) | 0) * w;
    const row = y * width;
    for (let x = 0; x < width; x++) {
      const o = oy + ((x / f) | 0);
      sum[o] += data[row + x];
      cnt[o]++;
    }
  }
  const out = img.bitDepth === 16 ? new Uint16Array(w * h) : new Uint8Array(w * h);
  for (let i = 0; i < out.length; i++) out[i] = Math.round(sum[i] / cnt[i]);
  return { width: w, height: h, bitDepth: img.bitDepth, data: out };
}

/**
 * Low/high display limits at the given percentiles (0–100), from a histogram of every pixel:
 * exact for 8/16-bit data, one pass, no sort.
 */
export function percentiles(img: Gray, lowPct: number, highPct: number): [number, number] {
  const bins = img.bitDepth === 16 ? 65536 : 256;
  const hist = new Uint32Array(bins);
  const { data } = img;
  for (let i = 0; i < data.length; i++) hist[data[i]]++;
  const n = data.length;
  const lowRank = Math.floor((lowPct / 100) * (n - 1));
  const highRank = Math.floor((highPct / 100) * (n - 1));
  let lo = 0;
  let hi = bins - 1;
  let seen = 0;
  let foundLo = false;
  for (let v = 0; v < bins; v++) {
    seen += hist[v];
    if (!foundLo && seen > lowRank) {
      lo = v;
      foundLo = true;
    }
    if (seen > highRank) {
      hi = v;
      break;
    }
  }
  return [lo, hi];
}

/** Raw pixel bytes, little-endian (what the renderer uploads into a texture). */
export function rawBytes(img: Gray): Buffer {
  const buf = Buffer.from(img.data.buffer, img.data.byteOffset, img.data.byteLength);
  if (img.bitDepth === 16 && new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) {
    const copy = Buffer.from(buf);
    copy.swap16();
    return copy;
  }
  return buf;
}

export interface ChannelLayer {
  img: Gray;
  /** display colour as [r, g, b] in 0..1 */
  colour: [number, number, number];
  /** values at or below lo are black, at or above hi full colour */
  lo: number;
  hi: number;
}

/**
 * Additive colour composite of several grey channels into an RGB image of `size` on the long
 * side, each output pixel the box mean of the source pixels it covers.
 */
export function composite(layers: ChannelLayer[], size: number): { width: number; height: number; rgb: Uint8Array } {
  if (!layers.length) throw new Error('composite: no channels');
  const { width, height } = layers[0].img;
  for (const l of layers) if (l.img.width !== width || l.img.height !== height) throw new Error(`composite: channel sizes differ (${l.img.width}×${l.img.height} vs ${width}×${height})`);
  const scale = Math.min(1, size / Math.max(width, height));
  const w = Math.max(1, Math.round(width * scale));
  const h = Math.max(1, Math.round(height * scale));
  const acc = new Float32Array(w * h * 3);
  const cnt = new Uint32Array(w * h);
  const xMap = new Uint32Array(width);
  for (let x = 0; x < width; x++) xMap[x] = Math.min(w - 1, Math.floor((x * w) / width));
  for (let y = 0; y < height; y++) {
    const oy = Math.min(h - 1, Math.floor((y * h) / height)) * w;
    for (let x = 0; x < width; x++) cnt[oy + xMap[x]]++;
  }
  for (const l of layers) {
    const { data } = l.img;
    const range = Math.max(1e-9, l.hi - l.lo);
    const [r, g, b] = l.colour;
    for (let y = 0; y < height; y++) {
      const oy = Math.min(h - 1, Math.floor((y * h) / height)) * w;
      const row = y * width;
      for (let x = 0; x < width; x++) {
        let v = (data[row + x] - l.lo) / range;
        v = v < 0 ? 0 : v > 1 ? 1 : v;
        const o = (oy + xMap[x]) * 3;
        acc[o] += v * r;
        acc[o + 1] += v * g;
        acc[o + 2] += v * b;
      }
    }
  }
  const rgb = new Uint8Array(w * h * 3);
  for (let i = 0; i < w * h; i++) {
    for (let c = 0; c < 3; c++) {
      const v = (acc[i * 3 + c] / cnt[i]) * 255;
      rgb[i * 3 + c] = v > 255 ? 255 : Math.round(v);
    }
  }
  return { width: w, height: h, rgb };
}

export function hexToRgb(hex: string): [number, number, number] {
  const m = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!m) throw new Error(`not a colour: "${hex}" (use #rrggbb)`);
  return [parseInt(m[1], 16) / 255, parseInt(m[2], 16) / 255, parseInt(m[3], 16) / 255];
}
