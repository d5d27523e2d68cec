// segment/morphology.ts's fillHoles: integer floods over the image, in the TypeScript's visiting
// order (the mask is the same).
#include "arena.h"

/** floods the unreached background (1) around p0, marking it reached (2); its pixels are left in stack[0..count) */
static i32 flood4(unsigned char *state, i32 *stack, i32 fw, i32 p0) {
  i32 top = 0, count = 0;
  state[p0] = 2;
  stack[top++] = p0;
  while (count < top) {
    const i32 p = stack[count++];
    if (state[p - 1] == 1) state[p - 1] = 2, stack[top++] = p - 1;
    if (state[p + 1] == 1) state[p + 1] = 2, stack[top++] = p + 1;
    if (state[p - fw] == 1) state[p - fw] = 2, stack[top++] = p - fw;
    if (state[p + fw] == 1) state[p + fw] = 2, stack[top++] = p + fw;
  }
  return count;
}

/**
 * fillHoles (morphology.ts): mask (bytes) → out, with the 4-connected background regions that do
 * not reach the border and have ≤ maxHoleArea pixels set. The work grid has a two-pixel frame: an
 * inner ring of background joining every border region, so one flood from it reaches them all,
 * and an outer ring of foreground, so no step needs a bounds test.
 */
__attribute__((export_name("fill_holes")))
void fill_holes(const unsigned char *mask, i32 width, i32 height, double maxHoleArea, unsigned char *out) {
  uintptr_t mark = arena_mark();
  const i32 fw = width + 4, fh = height + 4;
  // 0: foreground (the outer ring too), 1: background not yet reached, 2: reached, 3: a hole to fill
  unsigned char *state = arena_take((uintptr_t)fw * fh);
  __builtin_memset(state, 0, (uintptr_t)fw * fh);
  for (i32 x = 1; x < fw - 1; x++) state[fw + x] = state[(fh - 2) * fw + x] = 1;
  for (i32 y = 1; y < fh - 1; y++) state[y * fw + 1] = state[y * fw + fw - 2] = 1;
  for (i32 y = 0, i = 0; y < height; y++)
    for (i32 x = 0, p = (y + 2) * fw + 2; x < width; x++, i++, p++) state[p] = mask[i] ? 0 : 1;
  i32 *stack = arena_take(4u * fw * fh);
  flood4(state, stack, fw, fw + 1);
  int holes = 0;
  for (i32 p = 2 * fw; p < (fh - 2) * fw; p++) {
    if (state[p] != 1) continue;
    const i32 area = flood4(state, stack, fw, p);
    if (area > maxHoleArea) continue;
    for (i32 t = 0; t < area; t++) state[stack[t]] = 3;
    holes = 1;
  }
  __builtin_memcpy(out, mask, (uintptr_t)width * height);
  if (holes)
    for (i32 y = 0, i = 0; y < height; y++)
      for (i32 x = 0, p = (y + 2) * fw + 2; x < width; x++, i++, p++)
        if (state[p] == 3) out[i] = 1;
  arena_release(mark);
}
