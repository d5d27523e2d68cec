/**
 * Bilinear resampling of one plane (pixel centres aligned: out pixel x samples the input at
 * (x + 0.5)·sx − 0.5, edges clamped), used to bring sites to the model's pixel size and back.
 */
export function resizeBilinear(src: Float32Array, w: number, h: number, ow: number, oh: number): Float32Array {
  if (src.length !== w * h) throw new Error(`resize: ${src.length} values for ${w}×${h}`);
  if (ow === w && oh === h) return src;
  const out = new Float32Array(ow * oh);
  const sx = w / ow;
  const sy = h / oh;
  const x0s = new Int32Array(ow);
  const x1s = new Int32Array(ow);
  const fxs = new Float32Array(ow);
  for (let x = 0; x < ow; x++) {
    const fx = Math.min(Math.max((x + 0.5) * sx - 0.5, 0), w - 1);
    x0s[x] = Math.floor(fx);
    x1s[x] = Math.min(x0s[x] + 1, w - 1);
    fxs[x] = fx - x0s[x];
  }
  for (let y = 0; y < oh; y++) {
    const fy = Math.min(Math.max((y + 0.5) * sy - 0.5, 0), h - 1);
    const y0 = Math.floor(fy);
    const y1 = Math.min(y0 + 1, h - 1);
    const wy = fy - y0;
    const r0 = y0 * w;
    const r1 = y1 * w;
    for (let x = 0; x < ow; x++) {
      const a = src[r0 + x0s[x]] + (src[r0 + x1s[x]] - src[r0 + x0s[x]]) * fxs[x];
      const b = src[r1 + x0s[x]] + (src[r1 + x1s[x]] - src[r1 + x0s[x]]) * fxs[x];
      out[y * ow + x] = a + (b - a) * wy;
    }
  }
  return out;
}

/** Size after resampling from the acquired pixel size to the model's (null = no resampling). */
export function resampledSize(w: number, h: number, acquiredUm: number | null | undefined, modelUm: number | null | undefined): { width: number; height: number; factor: number } {
  if (!acquiredUm || !modelUm || Math.abs(acquiredUm / modelUm - 1) < 1e-6) return { width: w, height: h, factor: 1 };
  const f = acquiredUm / modelUm;
  return { width: Math.max(1, Math.round(w * f)), height: Math.max(1, Math.round(h * f)), factor: f };
}
