/**
 * Fill holes: background regions (4-connected) that do not reach the image border become
 * foreground (those up to maxHoleArea pixels, when given). The background reached from the border
 * is flooded first; each remaining region is then flooded once to count it.
 */
export function fillHoles(mask: Uint8Array, width: number, height: number, maxHoleArea = Infinity): Uint8Array {
  const n = width * height;
  const out = Uint8Array.from(mask);
  // 0: foreground, 1: background not yet reached, 2: reached
  const state = new Uint8Array(n);
  for (let i = 0; i < n; i++) state[i] = mask[i] ? 0 : 1;
  const stack = new Int32Array(n);
  const flood = (i0: number): number => {
    let sp = 0, count = 0;
    state[i0] = 2;
    stack[sp++] = i0;
    while (sp) {
      const i = stack[--sp];
      count++;
      const y = (i / width) | 0, x = i - y * width;
      if (x > 0 && state[i - 1] === 1) (state[i - 1] = 2), (stack[sp++] = i - 1);
      if (x < width - 1 && state[i + 1] === 1) (state[i + 1] = 2), (stack[sp++] = i + 1);
      if (y > 0 && state[i - width] === 1) (state[i - width] = 2), (stack[sp++] = i - width);
      if (y < height - 1 && state[i + width] === 1) (state[i + width] = 2), (stack[sp++] = i + width);
    }
    return count;
  };
  for (let x = 0; x < width; x++) {
    if (state[x] === 1) flood(x);
    const b = (height - 1) * width + x;
    if (state[b] === 1) flood(b);
  }
  for (let y = 0; y < height; y++) {
    if (state[y * width] === 1) flood(y * width);
    if (state[y * width + width - 1] === 1) flood(y * width + width - 1);
  }
  // the holes: flood each to count it, then fill it again when small enough
  for (let i = 0; i < n; i++) {
    if (state[i] !== 1) continue;
    const area = flood(i);
    if (area > maxHoleArea) continue;
    // fill it: its pixels are the background reachable from i
    let sp = 0;
    stack[sp++] = i;
    out[i] = 1;
    while (sp) {
      const j = stack[--sp];
      const y = (j / width) | 0, x = j - y * width;
      if (x > 0 && !out[j - 1]) (out[j - 1] = 1), (stack[sp++] = j - 1);
      if (x < width - 1 && !out[j + 1]) (out[j + 1] = 1), (stack[sp++] = j + 1);
      if (y > 0 && !out[j - width]) (out[j - width] = 1), (stack[sp++] = j - width);
      if (y < height - 1 && !out[j + width]) (out[j + width] = 1), (stack[sp++] = j + width);
    }
  }
  return out;
}
