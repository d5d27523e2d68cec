/** Colour scales for the plate map: sequential (viridis) and diverging (blue–white–red, for z-scores). */

export type Rgb = [number, number, number];

/** Viridis sampled at ten evenly spaced points (matplotlib's published map); interpolated linearly between. */
const VIRIDIS = ['#440154', '#482878', '#3e4989', '#31688e', '#26828e', '#1f9e89', '#35b779', '#6ece58', '#b5de2b', '#fde725'];
/** ColorBrewer RdBu reversed: negative blue, zero near-white, positive red. */
const DIVERGING = ['#2166ac', '#4393c3', '#92c5de', '#d1e5f0', '#f7f7f7', '#fddbc7', '#f4a582', '#d6604d', '#b2182b'];

export const MISSING_FILL = '#5c5f66';

function parseHex(h: string): Rgb {
  return [parseInt(h.slice(1, 3), 16), parseInt(h.slice(3, 5), 16), parseInt(h.slice(5, 7), 16)];
}

/** 257 entries: an odd count puts the diverging scale's zero exactly on its middle colour. */
const N = 257;

function buildLut(stops: string[], n = N): Uint8Array {
  const rgb = stops.map(parseHex);
  const lut = new Uint8Array(n * 3);
  for (let i = 0; i < n; i++) {
    const t = (i / (n - 1)) * (rgb.length - 1);
    const k = Math.min(rgb.length - 2, Math.floor(t));
    const f = t - k;
    for (let c = 0; c < 3; c++) lut[i * 3 + c] = Math.round(rgb[k][c] * (1 - f) + rgb[k + 1][c] * f);
  }
  return lut;
}

const LUTS = { viridis: buildLut(VIRIDIS), diverging: buildLut(DIVERGING) };
export type ScaleKind = keyof typeof LUTS;

export interface Scale {
  kind: ScaleKind;
  min: number;
  max: number;
}

/** Sequential: min..max of the finite values; diverging: symmetric around 0 by the largest |value|. */
export function scaleFor(values: Iterable<number | null | undefined>, kind: ScaleKind): Scale | null {
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (v == null || !Number.isFinite(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (min === Infinity) return null;
  if (kind === 'diverging') {
    const m = Math.max(Math.abs(min), Math.abs(max)) || 1;
    return { kind, min: -m, max: m };
  }
  if (min === max) return { kind, min: min - 0.5, max: max + 0.5 };
  return { kind, min, max };
}

/** CSS colour of a value on a scale; null/NaN → null (drawn as missing). */
export function colourOf(v: number | null | undefined, s: Scale): string | null {
  if (v == null || !Number.isFinite(v)) return null;
  const lut = LUTS[s.kind];
  let t = (v - s.min) / (s.max - s.min);
  t = t < 0 ? 0 : t > 1 ? 1 : t;
  const i = Math.round(t * (N - 1)) * 3;
  return `rgb(${lut[i]},${lut[i + 1]},${lut[i + 2]})`;
}

/** CSS linear-gradient of a scale, for the legend bar. */
export function gradientCss(kind: ScaleKind): string {
  const lut = LUTS[kind];
  const stops: string[] = [];
  for (let i = 0; i <= 16; i++) {
    const k = Math.round((i / 16) * (N - 1)) * 3;
    stops.push(`rgb(${lut[k]},${lut[k + 1]},${lut[k + 2]}) ${(i / 16) * 100}%`);
  }
  return `linear-gradient(to right, ${stops.join(', ')})`;
}

/** Relative luminance (0..1) of an 'rgb(r,g,b)' string, to pick readable text on a swatch. */
export function isLight(css: string): boolean {
  const m = /rgb\((\d+),(\d+),(\d+)\)/.exec(css);
  if (!m) return false;
  return (0.2126 * +m[1] + 0.7152 * +m[2] + 0.0722 * +m[3]) / 255 > 0.55;
}
