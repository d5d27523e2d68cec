/**
 * numpy's argsort(kind="quicksort") for float64 (introsort: median-of-3 quicksort, insertion sort
 * below 16, heapsort past depth 2·log2 n; NaN last), as numpy 1.24 runs it without SIMD. Only
 * the order of equal keys depends on it: pycytominer's correlation_threshold ranks features with
 * pandas' sort_values (this sort), and exact duplicate features tie, so which one of a duplicate
 * pair survives is decided here.
 */

const less = (a: number, b: number) => a < b || (b !== b && a === a);

function heapsort(v: Float64Array, idx: Int32Array, off: number, n: number): void {
  // 1-based heap over idx[off .. off+n-1]
  const a = (k: number) => idx[off + k - 1];
  const set = (k: number, x: number) => (idx[off + k - 1] = x);
  for (let l = n >> 1; l > 0; --l) {
    const tmp = a(l);
    let i = l;
    for (let j = l << 1; j <= n; ) {
      if (j < n && less(v[a(j)], v[a(j + 1)])) j += 1;
      if (less(v[tmp], v[a(j)])) {
        set(i, a(j));
        i = j;
        j += j;
      } else break;
    }
    set(i, tmp);
  }
  for (; n > 1; ) {
    const tmp = a(n);
    set(n, a(1));
    n -= 1;
    let i = 1;
    for (let j = 2; j <= n; ) {
      if (j < n && less(v[a(j)], v[a(j + 1)])) j++;
      if (less(v[tmp], v[a(j)])) {
        set(i, a(j));
        i = j;
        j += j;
      } else break;
    }
    set(i, tmp);
  }
}

export function argsortQuick(v: Float64Array): Int32Array {
  const num = v.length;
  const t = Int32Array.from({ length: num }, (_, i) => i);
  if (num < 2) return t;
  const swap = (i: number, j: number) => {
    const x = t[i];
    t[i] = t[j];
    t[j] = x;
  };
  let msb = 0;
  for (let u = num; (u >>= 1) > 0; ) msb++;
  let pl = 0;
  let pr = num - 1;
  const stack: number[] = [];
  const depths: number[] = [];
  let cdepth = msb * 2;
  for (;;) {
    if (cdepth < 0) heapsort(v, t, pl, pr - pl + 1);
    else {
      while (pr - pl > 15) {
        const pm = pl + ((pr - pl) >> 1);
        if (less(v[t[pm]], v[t[pl]])) swap(pm, pl);
        if (less(v[t[pr]], v[t[pm]])) swap(pr, pm);
        if (less(v[t[pm]], v[t[pl]])) swap(pm, pl);
        const vp = v[t[pm]];
        let pi = pl;
        let pj = pr - 1;
        swap(pm, pj);
        for (;;) {
          do ++pi;
          while (less(v[t[pi]], vp));
          do --pj;
          while (less(vp, v[t[pj]]));
          if (pi >= pj) break;
          swap(pi, pj);
        }
        swap(pi, pr - 1);
        if (pi - pl < pr - pi) {
          stack.push(pi + 1, pr);
          pr = pi - 1;
        } else {
          stack.push(pl, pi - 1);
          pl = pi + 1;
        }
        depths.push(--cdepth);
      }
      for (let pi = pl + 1; pi <= pr; ++pi) {
        const vi = t[pi];
        const vp = v[vi];
        let pj = pi;
        while (pj > pl && less(vp, v[t[pj - 1]])) {
          t[pj] = t[pj - 1];
          pj--;
        }
        t[pj] = vi;
      }
    }
    if (!stack.length) break;
    pr = stack.pop()!;
    pl = stack.pop()!;
    cdepth = depths.pop()!;
  }
  return t;
}
