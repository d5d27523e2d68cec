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

// ---- centredRadial.ts's propagation (centrosome propagate, "Centers of other objects") ----

/** the distance without its last bit, as centrosome's heap keys it */
static inline double drop_last_bit(double d) {
  u64 b;
  __builtin_memcpy(&b, &d, 8);
  b &= ~(u64)1;
  __builtin_memcpy(&d, &b, 8);
  return d;
}

// distances within NEAR of each other may differ only in their last bit (an ulp is far smaller
// for any image's distances); the others order as their dropped values do, bits unread
#define NEAR 1e-6
/** drop_last_bit(a) == drop_last_bit(b) */
static inline int same_dropped(double a, double b) {
  return a == b || (__builtin_fabs(a - b) < NEAR && drop_last_bit(a) == drop_last_bit(b));
}
/** (drop_last_bit(a), ka) after (drop_last_bit(b), kb) in key order */
static inline int key_after(double a, double ka, double b, double kb) {
  if (a == b) return ka > kb;
  if (!(__builtin_fabs(a - b) < NEAR)) return a > b;
  const double da = drop_last_bit(a), db = drop_last_bit(b);
  return da > db || (da == db && ka > kb);
}

/**
 * Keys (distance, label·N + pixel) in buckets of ⌊distance⌋, unordered (dropping the last bit
 * never goes below an integer, so the bucket is that of the dropped distance too). A key taken
 * from bucket b has a distance ≥ b, and a step adds 1 or √2, so what it offers lands in bucket
 * b + 1 or b + 2: three buckets in turn hold everything.
 */
typedef struct {
  double *d[3], *k[3];
  i32 size[3], cap[3];
  /** the bucket taken next */
  i32 b;
} ring3;

/** files a key; 0 for a distance outside the three buckets */
static int ring3_push(ring3 *q, double d, double key) {
  const double bb = __builtin_floor(d);
  if (!(bb >= q->b && bb <= q->b + 2)) return 0;
  const i32 r = (i32)bb % 3;
  i32 n = q->size[r];
  if (n == q->cap[r]) {
    double *nd = arena_take(16u * n), *nk = arena_take(16u * n);
    __builtin_memcpy(nd, q->d[r], 8u * n);
    __builtin_memcpy(nk, q->k[r], 8u * n);
    q->d[r] = nd;
    q->k[r] = nk;
    q->cap[r] = 2 * n;
  }
  q->d[r][n] = d;
  q->k[r][n] = key;
  q->size[r] = n + 1;
  return 1;
}

static const int DI[8] = {-1, -1, -1, 0, 0, 1, 1, 1};
static const int DJ[8] = {-1, 0, 1, -1, 1, -1, 0, 1};

/**
 * centredGeometry's propagation after the seeds (centredRadial.ts), for each group of keys (one
 * 8-connected component each, which never offers to another): the keys of group g are kd/kk[gs[g]
 * .. gs[g + 1]), in the order they enter its buckets. cl and dist are centredGeometry's per-pixel
 * claims and distances, updated in place. Returns 1, or 0 for a distance outside the three buckets
 * (which the steps rule out).
 *
 * Bucket by bucket, with the outcome of popping the keys in key order but not in that order (which
 * jumps between objects at every key, a cache miss each). Within bucket b nothing is offered to b
 * (steps are ≥ 1), so: (1) each pixel's claim is its first key in key order: the smallest label
 * among its keys at its final distance, which no key of b changes; (2) each free pixel next to
 * pixels claimed in b receives their offers in the key order of those pixels (distance without its
 * last bit, label, pixel), as the pops would make them. Offers to a pixel claimed in b are never
 * taken (they exceed its distance < b + 1). Neither step depends on the order the bucket's keys are
 * visited in, so they are visited as they came: roughly raster order, as each bucket's pushes
 * follow the last one's visits (sorting them cost more than it saved).
 */
__attribute__((export_name("centred_buckets")))
i32 centred_buckets(i32 *cl, double *dist, i32 w, i32 h, const double *kd, const double *kk, const i32 *gs, i32 ngroups) {
  uintptr_t mark0 = arena_mark();
  const double N = (double)w * h;
  // a free pixel holds 0, or OFFERED + the bucket whose offers it has received (in cl itself, so
  // the free test and this one read one cache line, not two)
  const i32 OFFERED = 1 << 30;
  i32 off[8];
  double STEP[8];
  for (int k = 0; k < 8; k++) {
    off[k] = DI[k] * w + DJ[k];
    STEP[k] = __builtin_sqrt((double)(__builtin_abs(DI[k]) + __builtin_abs(DJ[k])));
  }
  ring3 q;
  for (int r = 0; r < 3; r++) {
    q.cap[r] = 1024;
    q.d[r] = arena_take(8u * 1024);
    q.k[r] = arena_take(8u * 1024);
  }
  i32 claimedCap = 1024;
  i32 *claimed = arena_take(4u * claimedCap);
  // one pixel's offers: the offering neighbours' order keys, labels and distances
  double od[8], ok[8], os[8];
  i32 ol[8];
  i32 status = 1;
  for (i32 g = 0; g < ngroups; g++) {
    q.size[0] = q.size[1] = q.size[2] = 0;
    q.b = 0;
    for (i32 t = gs[g]; t < gs[g + 1]; t++)
      if (!ring3_push(&q, kd[t], kk[t])) goto fail;
    for (i32 cur = 1; q.size[0] + q.size[1] + q.size[2]; cur++) {
      // the bucket's keys stay put while only the later buckets are pushed to
      const i32 r = q.b++ % 3, n = q.size[r];
      q.size[r] = 0;
      const double *d = q.d[r], *keys = q.k[r];
      if (claimedCap < n) {
        claimedCap = 2 * n;
        claimed = arena_take(4u * claimedCap);
      }
      // claims of this bucket are held as −1 − label (below −1, the background) until its offers are made
      i32 nc = 0;
      for (i32 t = 0; t < n; t++) {
        const double lf = __builtin_floor(keys[t] / N);
        const i32 label = (i32)lf, p = (i32)(keys[t] - lf * N);
        const i32 c = cl[p];
        // taken in an earlier bucket, or a key its distance has since undercut
        if ((c > 0 && c < OFFERED) || !same_dropped(d[t], dist[p])) continue;
        if (c >= 0) {
          cl[p] = -1 - label;
          claimed[nc++] = p;
        } else if (label < -1 - c) cl[p] = -1 - label;
      }
      const i32 mark = OFFERED + cur;
      for (i32 t = 0; t < nc; t++) {
        const i32 p1 = claimed[t];
        const i32 i1 = p1 / w, j1 = p1 - i1 * w;
        const int in1 = i1 > 0 && i1 < h - 1 && j1 > 0 && j1 < w - 1;
        for (int e = 0; e < 8; e++) {
          if (!in1) {
            const i32 ii = i1 + DI[e], jj = j1 + DJ[e];
            if (!(ii >= 0 && ii < h && jj >= 0 && jj < w)) continue;
          }
          const i32 p2 = p1 + off[e];
          const i32 c2 = cl[p2];
          if ((c2 != 0 && c2 < OFFERED) || c2 == mark) continue;
          cl[p2] = mark;
          // p2's neighbours claimed in this bucket, in key order (insertion: at most 8)
          const i32 i2 = p2 / w, j2 = p2 - i2 * w;
          const int in2 = i2 > 0 && i2 < h - 1 && j2 > 0 && j2 < w - 1;
          int no = 0;
          for (int f = 0; f < 8; f++) {
            if (!in2) {
              const i32 ii = i2 + DI[f], jj = j2 + DJ[f];
              if (!(ii >= 0 && ii < h && jj >= 0 && jj < w)) continue;
            }
            const i32 qq = p2 + off[f], c = cl[qq];
            if (c >= -1) continue;
            const double dq = dist[qq], kq = (double)(-1 - c) * N + qq;
            int s = no++;
            for (; s > 0 && key_after(od[s - 1], ok[s - 1], dq, kq); s--) {
              od[s] = od[s - 1];
              ok[s] = ok[s - 1];
              ol[s] = ol[s - 1];
              os[s] = os[s - 1];
            }
            od[s] = dq;
            ok[s] = kq;
            ol[s] = -1 - c;
            os[s] = STEP[f] + dist[qq];
          }
          for (int s = 0; s < no; s++) {
            const double dd = os[s];
            if (dist[p2] == -1 || dist[p2] > dd) {
              dist[p2] = dd;
              if (!ring3_push(&q, dd, (double)ol[s] * N + p2)) goto fail;
            }
          }
        }
      }
      for (i32 t = 0; t < nc; t++) cl[claimed[t]] = -1 - cl[claimed[t]];
    }
  }
  goto done;
fail:
  status = 0;
done:
  arena_release(mark0);
  return status;
}

// ---- radial.ts's propagation from each object's centre (MeasureObjectIntensityDistribution) ----

/** three growable lists of crop pixels, one per bucket of ⌊distance⌋ mod 3 (see radial_geometry) */
typedef struct {
  i32 *items[3];
  i32 size[3], cap[3];
} nodes3;

static void nodes3_push(nodes3 *q, double d, i32 v) {
  const i32 b = (i32)__builtin_floor(d) % 3;
  if (q->size[b] == q->cap[b]) {
    i32 *g = arena_take(8u * q->cap[b]);
    __builtin_memcpy(g, q->items[b], 4u * q->cap[b]);
    q->items[b] = g;
    q->cap[b] *= 2;
  }
  q->items[b][q->size[b]++] = v;
}

/**
 * radial.ts's radialGeometry (see there) for nobj objects (pixels px[start[k] .. start[k + 1]) in
 * raster order, bounding box bbox[4k ..], edge: their distances to the edge in the pixels' order):
 * writes bin (−1 where unreached) and wedge for the objects' pixels of the w-wide image; the
 * caller sets the rest (bin −1, wedge 0).
 */
__attribute__((export_name("radial_geometry")))
void radial_geometry(i32 W, i32 nobj, const i32 *start, const i32 *px, const i32 *bbox, const double *edge, i32 bins, signed char *bin, signed char *wedge) {
  uintptr_t mark = arena_mark();
  i32 maxArea = 0, maxNp = 0;
  for (i32 k = 0; k < nobj; k++) {
    const i32 bw = bbox[4 * k + 2] - bbox[4 * k] + 3, bh = bbox[4 * k + 3] - bbox[4 * k + 1] + 3;
    if (bw * bh > maxArea) maxArea = bw * bh;
    if (start[k + 1] - start[k] > maxNp) maxNp = start[k + 1] - start[k];
  }
  // per crop pixel: 0 outside the object, 1 inside, 2 reached (its distance final)
  unsigned char *state = arena_take(maxArea);
  double *dist = arena_take(8u * maxArea);
  // per object pixel: its place in the crop
  i32 *at = arena_take(4u * maxNp);
  nodes3 queue;
  for (int r = 0; r < 3; r++) {
    queue.cap[r] = 256;
    queue.size[r] = 0;
    queue.items[r] = arena_take(4u * 256);
  }
  static const int DY[8] = {-1, -1, -1, 0, 0, 1, 1, 1};
  static const int DX[8] = {-1, 0, 1, -1, 1, -1, 0, 1};
  double step[8];
  for (int e = 0; e < 8; e++) step[e] = DY[e] && DX[e] ? __builtin_sqrt(2.0) : 1;
  i32 off[8];
  for (i32 k = 0; k < nobj; k++) {
    const i32 p0 = start[k], np = start[k + 1] - p0;
    if (!np) continue;
    const i32 x0 = bbox[4 * k] - 1, y0 = bbox[4 * k + 1] - 1;
    const i32 bw = bbox[4 * k + 2] + 1 - x0 + 1, bh = bbox[4 * k + 3] + 1 - y0 + 1;
    const i32 area = bw * bh;
    __builtin_memset(state, 0, area);
    for (i32 q = 0; q < area; q++) dist[q] = -1;
    for (int e = 0; e < 8; e++) off[e] = DY[e] * bw + DX[e];
    // the centre: the first pixel (raster order) farthest from the edge
    double best = -1;
    i32 bc = -1;
    for (i32 t = 0, y = px[p0] / W, rowStart = y * W; t < np; t++) {
      const i32 i = px[p0 + t];
      while (i >= rowStart + W) {
        y++;
        rowStart += W;
      }
      const i32 q = (y - y0) * bw + (i - rowStart - x0);
      at[t] = q;
      state[q] = 1;
      if (edge[p0 + t] > best) {
        best = edge[p0 + t];
        bc = q;
      }
    }
    // propagate from the centre inside the object; nodes pushed while bucket b is worked on go
    // to b + 1 or b + 2, never back into b
    dist[bc] = 0;
    nodes3_push(&queue, 0, bc);
    for (i32 b = 0; queue.size[0] + queue.size[1] + queue.size[2]; b++) {
      const i32 r = b % 3, n = queue.size[r];
      const i32 *nodes = queue.items[r];
      queue.size[r] = 0;
      for (i32 t = 0; t < n; t++) {
        const i32 q = nodes[t];
        if (state[q] == 2) continue;
        state[q] = 2;
        const double d0 = dist[q];
        for (int e = 0; e < 8; e++) {
          const i32 rr = q + off[e];
          if (state[rr] != 1) continue;
          const double d = step[e] + d0;
          if (dist[rr] == -1 || dist[rr] > d) {
            dist[rr] = d;
            nodes3_push(&queue, d, rr);
          }
        }
      }
    }
    const i32 cy = bc / bw + y0, cx = bc % bw + x0;
    for (i32 t = 0, y = px[p0] / W, rowStart = y * W; t < np; t++) {
      const i32 i = px[p0 + t];
      while (i >= rowStart + W) {
        y++;
        rowStart += W;
      }
      const i32 x = i - rowStart, q = at[t];
      if (state[q] != 2) continue;
      const double dc = dist[q];
      const double rad = dc / (dc + edge[p0 + t] + 0.001);
      const i32 bb = (i32)__builtin_floor(rad * bins);
      bin[i] = (signed char)(bb < bins ? bb : bins);
      const i32 ay = y > cy ? y - cy : cy - y, ax = x > cx ? x - cx : cx - x;
      wedge[i] = (signed char)((y > cy ? 1 : 0) + (x > cx ? 2 : 0) + (ay > ax ? 4 : 0));
    }
  }
  arena_release(mark);
}
