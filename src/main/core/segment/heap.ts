/**
 * Min-heap of (priority, pixel) with insertion order as tie-break, so flooding is deterministic
 * and plateaus fill breadth-first (as skimage's watershed does).
 */
export class PixelHeap {
  private pri: Float64Array;
  private px: Int32Array;
  private age: Float64Array;
  private n = 0;
  private counter = 0;

  constructor(capacity = 1024) {
    this.pri = new Float64Array(capacity);
    this.px = new Int32Array(capacity);
    this.age = new Float64Array(capacity);
  }

  get size(): number {
    return this.n;
  }

  push(priority: number, pixel: number): void {
    if (this.n === this.pri.length) this.grow();
    let i = this.n++;
    const a = this.counter++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (this.less(priority, a, this.pri[p], this.age[p])) {
        this.pri[i] = this.pri[p];
        this.px[i] = this.px[p];
        this.age[i] = this.age[p];
        i = p;
      } else break;
    }
    this.pri[i] = priority;
    this.px[i] = pixel;
    this.age[i] = a;
  }

  /** Removes the smallest; returns its pixel (priority via lastPriority). */
  lastPriority = 0;
  pop(): number {
    const top = this.px[0];
    this.lastPriority = this.pri[0];
    const n = --this.n;
    const p = this.pri[n];
    const x = this.px[n];
    const a = this.age[n];
    // Floyd's pop (see CostHeap.pop); (priority, age) has no ties, so the layout is the usual one
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      if (c + 1 < n && this.less(this.pri[c + 1], this.age[c + 1], this.pri[c], this.age[c])) c++;
      this.pri[i] = this.pri[c];
      this.px[i] = this.px[c];
      this.age[i] = this.age[c];
      i = c;
    }
    while (i > 0) {
      const q = (i - 1) >> 1;
      if (this.less(this.pri[q], this.age[q], p, a)) break;
      this.pri[i] = this.pri[q];
      this.px[i] = this.px[q];
      this.age[i] = this.age[q];
      i = q;
    }
    this.pri[i] = p;
    this.px[i] = x;
    this.age[i] = a;
    return top;
  }

  private less(p1: number, a1: number, p2: number, a2: number): boolean {
    return p1 < p2 || (p1 === p2 && a1 < a2);
  }

  private grow() {
    const cap = this.pri.length * 2;
    const pri = new Float64Array(cap);
    pri.set(this.pri);
    const px = new Int32Array(cap);
    px.set(this.px);
    const age = new Float64Array(cap);
    age.set(this.age);
    this.pri = pri;
    this.px = px;
    this.age = age;
  }
}

/**
 * Plain min-heap of (priority, pixel) for Dijkstra-style propagation, where costs are real-valued
 * and exact ties do not matter; two arrays instead of three keep it lighter than PixelHeap.
 */
export class CostHeap {
  private pri: Float64Array;
  private px: Int32Array;
  private n = 0;
  lastPriority = 0;

  constructor(capacity = 1024) {
    this.pri = new Float64Array(capacity);
    this.px = new Int32Array(capacity);
  }

  get size(): number {
    return this.n;
  }

  push(priority: number, pixel: number): void {
    if (this.n === this.pri.length) {
      const pri = new Float64Array(this.n * 2);
      pri.set(this.pri);
      const px = new Int32Array(this.n * 2);
      px.set(this.px);
      this.pri = pri;
      this.px = px;
    }
    const pri = this.pri, pxs = this.px;
    let i = this.n++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (pri[p] <= priority) break;
      pri[i] = pri[p];
      pxs[i] = pxs[p];
      i = p;
    }
    pri[i] = priority;
    pxs[i] = pixel;
  }

  pop(): number {
    const pri = this.pri, pxs = this.px;
    const top = pxs[0];
    this.lastPriority = pri[0];
    const n = --this.n;
    const p = pri[n];
    const x = pxs[n];
    // Floyd's pop: the hole goes down the smaller-child path to the bottom, then the last
    // element climbs back while its parent is ≥ it. The path is sorted, so it ends where the
    // usual sift-down would stop (same layout, same tie order), with one comparison less a level.
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      if (c + 1 < n && pri[c + 1] < pri[c]) c++;
      pri[i] = pri[c];
      pxs[i] = pxs[c];
      i = c;
    }
    while (i > 0) {
      const q = (i - 1) >> 1;
      if (pri[q] < p) break;
      pri[i] = pri[q];
      pxs[i] = pxs[q];
      i = q;
    }
    pri[i] = p;
    pxs[i] = x;
    return top;
  }
}
