/**
 * Fill holes: background regions (4-connected) that do not reach the image border become
 * foreground (those up to maxHoleArea pixels, when given). The work grid has a two-pixel frame:
 * an inner ring of background joining every border region, so one flood from it reaches them all,
 * and an outer ring of foreground, so no step needs a bounds test. Each remaining region is then
 * flooded once, its pixels listed, and filled when small enough.
 */
export function fillHoles(mask: Uint8Array, width: number, height: number, maxHoleArea = Infinity): Uint8Array {
  const fw = width + 4, fh = height + 4;
  // 0: foreground (the outer ring too), 1: background not yet reached, 2: reached, 3: a hole to fill
  const state = new Uint8Array(fw * fh);
  for (let x = 1; x < fw - 1; x++) state[fw + x] = state[(fh - 2) * fw + x] = 1;
  for (let y = 1; y < fh - 1; y++) state[y * fw + 1] = state[y * fw + fw - 2] = 1;
  for (let y = 0, i = 0; y < height; y++) for (let x = 0, p = (y + 2) * fw + 2; x < width; x++, i++, p++) state[p] = mask[i] ? 0 : 1;
  const stack = new Int32Array(fw * fh);
  // floods the unreached background around p0 (marking it reached); its pixels are left in stack[0..count)
  const flood = (p0: number): number => {
    let top = 0, count = 0;
    state[p0] = 2;
    stack[top++] = p0;
    while (count < top) {
      const p = stack[count++];
      if (state[p - 1] === 1) (state[p - 1] = 2), (stack[top++] = p - 1);
      if (state[p + 1] === 1) (state[p + 1] = 2), (stack[top++] = p + 1);
      if (state[p - fw] === 1) (state[p - fw] = 2), (stack[top++] = p - fw);
      if (state[p + fw] === 1) (state[p + fw] = 2), (stack[top++] = p + fw);
    }
    return count;
  };
  flood(fw + 1);
  let holes = false;
  for (let p = 2 * fw; p < (fh - 2) * fw; p++) {
    if (state[p] !== 1) continue;
    const area = flood(p);
    if (area > maxHoleArea) continue;
    for (let t = 0; t < area; t++) state[stack[t]] = 3;
    holes = true;
  }
  const out = Uint8Array.from(mask);
  if (holes)
    for (let y = 0, i = 0; y < height; y++) for (let x = 0, p = (y + 2) * fw + 2; x < width; x++, i++, p++) if (state[p] === 3) out[i] = 1;
  return out;
}
