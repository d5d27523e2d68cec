/** Separable Gaussian blur (sigma in pixels, kernel ±3σ, edges mirrored). */
export function gaussianBlur(src: Float32Array, width: number, height: number, sigma: number): Float32Array {
  if (sigma <= 0) return Float32Array.from(src);
  const r = Math.max(1, Math.ceil(3 * sigma));
  const k = new Float32Array(2 * r + 1);
  let s = 0;
  for (let i = -r; i <= r; i++) s += k[i + r] = Math.exp((-i * i) / (2 * sigma * sigma));
  for (let i = 0; i < k.length; i++) k[i] /= s;
  const mirror = (i: number, n: number) => (i < 0 ? Math.min(n - 1, -i - 1) : i >= n ? Math.max(0, 2 * n - i - 1) : i);
  const tmp = new Float32Array(src.length);
  const out = new Float32Array(src.length);
  // interior pixels need no mirroring; only the r-wide margins go through mirror()
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      let acc = 0;
      if (x >= r && x < width - r) for (let j = -r, o = row + x - r; j <= r; j++, o++) acc += k[j + r] * src[o];
      else for (let j = -r; j <= r; j++) acc += k[j + r] * src[row + mirror(x + j, width)];
      tmp[row + x] = acc;
    }
  }
  for (let y = 0; y < height; y++) {
    const inner = y >= r && y < height - r;
    for (let x = 0; x < width; x++) {
      let acc = 0;
      if (inner) for (let j = -r, o = (y - r) * width + x; j <= r; j++, o += width) acc += k[j + r] * tmp[o];
      else for (let j = -r; j <= r; j++) acc += k[j + r] * tmp[mirror(y + j, height) * width + x];
      out[y * width + x] = acc;
    }
  }
  return out;
}

/** Square maximum filter of half-width r (separable, edges clipped). */
export function maxFilter(src: Float32Array, width: number, height: number, r: number): Float32Array {
  const tmp = new Float32Array(src.length);
  const out = new Float32Array(src.length);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      let m = -Infinity;
      for (let j = Math.max(0, x - r); j <= Math.min(width - 1, x + r); j++) if (src[row + j] > m) m = src[row + j];
      tmp[row + x] = m;
    }
  }
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let m = -Infinity;
      for (let j = Math.max(0, y - r); j <= Math.min(height - 1, y + r); j++) if (tmp[j * width + x] > m) m = tmp[j * width + x];
      out[y * width + x] = m;
    }
  }
  return out;
}
