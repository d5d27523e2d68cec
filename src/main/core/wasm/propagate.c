// The propagation kernels: segment/propagate.ts's Dijkstra by buckets (IdentifySecondaryObjects'
// Propagation) and features/centredRadial.ts's centrosome propagate by buckets. Costs are summed
// in the TypeScript loops' order, in doubles, with no fused multiply-add (WebAssembly has none),
// and sqrt is f64.sqrt (exact, as Math.sqrt), so every cost and label is the same bits.
#include "arena.h"

/** Most buckets flood_buckets opens before handing the propagation to the heap (as propagate.ts). */
#define MAX_BUCKETS (1 << 20)

/** one pixel of the framed grid: its state (see flood_buckets) and intensity, one 8-byte cell */
typedef struct {
  i32 state;
  float value;
} cell;

/** a bucket entry: its pixel and the next entry of the same bucket (−1 at its end) */
typedef struct {
  i32 p, next;
} entry;

/**
 * propagate.ts's floodByBuckets (see there): Dial's buckets of width 1/inv over the framed grid,
 * each bucket a FIFO list (pixels pop in the order they were filed, as the TypeScript lists did),
 * the buckets ahead of the current one in a ring that doubles when a cost lands past its end.
 * image: w×h float32, seed: labels (0: none), mask: bytes. Writes out (w×h labels) and returns 1,
 * or returns 0 where the heap must decide (a cost it cannot file, or a tie between two labels).
 */
__attribute__((export_name("flood_buckets")))
i32 flood_buckets(const float *image, const i32 *seed, const unsigned char *mask, i32 w, i32 h, double lambda, double inv, i32 *out) {
  uintptr_t mark = arena_mark();
  const i32 fw = w + 2, n = w * h;
  cell *g = arena_take(8u * fw * (h + 2));
  // slots: one per pixel waiting in a bucket (a pixel holds one at most), so n + 1 is enough
  double *slotCost = arena_take(8u * (n + 1));
  i32 *slotLabel = arena_take(4u * (n + 1)), *freeSlot = arena_take(4u * (n + 1));
  i32 slots = 1, nFree = 0;
  slotLabel[0] = 0;
  // entries: a pixel is filed once per pop of a neighbour at most, and popped buckets give theirs back
  i32 cap = 1024, used = 0, freeEntry = -1;
  entry *ent = arena_take(8u * cap);
  i32 ring = 1024;
  i32 *head = arena_take(4u * ring), *tail = arena_take(4u * ring);
  for (i32 r = 0; r < ring; r++) head[r] = -1;
  i32 last = 0;
  for (i32 x = 0; x < fw; x++) g[x].state = g[(h + 1) * fw + x].state = -1;
  i32 seedHead = -1, seedTail = -1;
  for (i32 y = 0, i = 0; y < h; y++) {
    g[(y + 1) * fw].state = g[(y + 2) * fw - 1].state = -1;
    for (i32 x = 0, p = (y + 1) * fw + 1; x < w; x++, i++, p++) {
      g[p].value = image[i];
      if (!seed[i]) {
        g[p].state = mask[i] ? 0 : -1;
        continue;
      }
      i32 t = slots++;
      slotCost[t] = 0;
      slotLabel[t] = seed[i];
      g[p].state = t;
      if (used == cap) {
        entry *grown = arena_take(16u * cap);
        __builtin_memcpy(grown, ent, 8u * cap);
        ent = grown;
        cap *= 2;
      }
      i32 e = used++;
      ent[e].p = p;
      ent[e].next = -1;
      if (seedTail < 0) seedHead = e;
      else ent[seedTail].next = e;
      seedTail = e;
    }
  }
  head[0] = seedHead;
  tail[0] = seedTail;
  const double l2 = lambda * lambda, l2d = 2 * l2;
  const i32 off[8] = {-fw, fw, -1, 1, -fw - 1, -fw + 1, fw - 1, fw + 1};
  const double step2[8] = {l2, l2, l2, l2, l2d, l2d, l2d, l2d};
  for (i32 cur = 0; cur <= last; cur++) {
    i32 slot = cur & (ring - 1);
    i32 first = head[slot], end = tail[slot];
    head[slot] = -1;
    // pushes go to later buckets only, so this list neither grows nor moves while it is popped
    for (i32 e = first; e >= 0; e = ent[e].next) {
      const i32 p = ent[e].p;
      const i32 s = g[p].state;
      // done already: filed again at a lower cost, and popped from that earlier bucket
      if (s < 0) continue;
      const double d = slotCost[s];
      const i32 lp = slotLabel[s];
      g[p].state = -1 - lp;
      freeSlot[nFree++] = s;
      const double vp = g[p].value;
      for (int k = 0; k < 8; k++) {
        const i32 q = p + off[k];
        const i32 sq = g[q].state;
        if (sq < 0) continue;
        const double di = (double)g[q].value - vp;
        const double nd = d + __builtin_sqrt(di * di + step2[k]);
        // slot 0 (not reached) costs +∞ with label 0, as the TypeScript's test read it
        const double dq = sq == 0 ? __builtin_inf() : slotCost[sq];
        if (!(nd < dq)) {
          if (nd == dq && slotLabel[sq] != lp) goto fail;
          continue;
        }
        const double fb = __builtin_floor(nd * inv);
        if (!(fb > cur) || fb >= MAX_BUCKETS) goto fail;
        const i32 b = (i32)fb;
        i32 t = sq;
        if (t == 0) {
          t = nFree ? freeSlot[--nFree] : slots++;
          g[q].state = t;
        } else if (__builtin_floor(dq * inv) == fb) {
          // still filed in this bucket from its previous cost: its pop reads the new one
          slotCost[t] = nd;
          slotLabel[t] = lp;
          continue;
        }
        slotCost[t] = nd;
        slotLabel[t] = lp;
        if (b - cur >= ring) {
          // the ring doubles (until it spans the cost): the waiting buckets move to their new places
          i32 nr = ring;
          while (b - cur >= nr) nr *= 2;
          i32 *nh = arena_take(4u * nr), *nt = arena_take(4u * nr);
          for (i32 r = 0; r < nr; r++) nh[r] = -1;
          for (i32 bb = cur + 1; bb <= last; bb++) {
            nh[bb & (nr - 1)] = head[bb & (ring - 1)];
            nt[bb & (nr - 1)] = tail[bb & (ring - 1)];
          }
          head = nh;
          tail = nt;
          ring = nr;
          slot = cur & (ring - 1);
          head[slot] = -1;
        }
        i32 f;
        if (freeEntry >= 0) {
          f = freeEntry;
          freeEntry = ent[f].next;
        } else {
          if (used == cap) {
            entry *grown = arena_take(16u * cap);
            __builtin_memcpy(grown, ent, 8u * cap);
            ent = grown;
            cap *= 2;
          }
          f = used++;
        }
        ent[f].p = q;
        ent[f].next = -1;
        const i32 r = b & (ring - 1);
        if (b > last || head[r] < 0) head[r] = f;
        else ent[tail[r]].next = f;
        tail[r] = f;
        if (b > last) last = b;
      }
    }
    // the popped list's entries go back
    if (first >= 0) {
      ent[end].next = freeEntry;
      freeEntry = first;
    }
  }
  for (i32 y = 0, i = 0; y < h; y++)
    for (i32 x = 0, p = (y + 1) * fw + 1; x < w; x++, i++, p++) {
      const i32 s = g[p].state;
      out[i] = s < -1 ? -1 - s : 0;
    }
  arena_release(mark);
  return 1;
fail:
  arena_release(mark);
  return 0;
}
