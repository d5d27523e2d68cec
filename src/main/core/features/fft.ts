/**
 * In-place complex DFT of any length (radix-2 for powers of two, mixed radix for lengths made of
 * 2, 3, 5 and 7 such as 1080, Bluestein's chirp-z otherwise), and the 2-D DFT of a real image:
 * what scipy.fftpack.fft2 gives, for MeasureImageQuality's power spectrum.
 */

function radix2(re: Float64Array, im: Float64Array, inverse: boolean): void {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      let t = re[i]; re[i] = re[j]; re[j] = t;
      t = im[i]; im[i] = im[j]; im[j] = t;
    }
  }
  for (let len = 2; len <= n; len <<= 1) {
    const ang = ((inverse ? 2 : -2) * Math.PI) / len;
    const half = len >> 1;
    // twiddles computed directly (not by repeated multiplication) to keep round-off at 1 ulp
    const wr = new Float64Array(half), wi = new Float64Array(half);
    for (let k = 0; k < half; k++) {
      wr[k] = Math.cos(ang * k);
      wi[k] = Math.sin(ang * k);
    }
    for (let i = 0; i < n; i += len)
      for (let k = 0; k < half; k++) {
        const a = i + k, b = a + half;
        const xr = re[b] * wr[k] - im[b] * wi[k], xi = re[b] * wi[k] + im[b] * wr[k];
        re[b] = re[a] - xr; im[b] = im[a] - xi;
        re[a] += xr; im[a] += xi;
      }
  }
}

/** smallest prime factor of n */
function factor(n: number): number {
  for (let p = 2; p * p <= n; p++) if (n % p === 0) return p;
  return n;
}

/**
 * Mixed-radix decimation in time for lengths whose prime factors are all ≤ 7: a radix-p pass per
 * factor, with direct twiddles (cos/sin of 2πk/n) so round-off stays near 1 ulp per pass.
 */
function mixedRadix(n: number): (re: Float64Array, im: Float64Array) => void {
  const factors: number[] = [];
  for (let m = n; m > 1; ) {
    const p = factor(m);
    factors.push(p);
    m /= p;
  }
  const cr = new Float64Array(n), ci = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    cr[k] = Math.cos((-2 * Math.PI * k) / n);
    ci[k] = Math.sin((-2 * Math.PI * k) / n);
  }
  // digit-reversed order of the input for the factor sequence
  const perm = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let x = i, r = 0, span = n;
    for (const p of factors) {
      span /= p;
      r += (x % p) * span;
      x = Math.floor(x / p);
    }
    perm[r] = i;
  }
  const tr = new Float64Array(n), ti = new Float64Array(n);
  const br = new Float64Array(8), bi = new Float64Array(8);
  // each pass's factor, sizes and butterfly weights w_p^(o·q) (as indexes into the n-point
  // twiddles, and their values), made once per plan
  const passes: Array<{ p: number; size: number; stride: number; wq: Int32Array; wr: Float64Array; wi: Float64Array; kernel: Pass | null }> = [];
  for (let f = factors.length - 1, len = 1; f >= 0; f--) {
    const p = factors[f];
    const size = len * p;
    const wq = new Int32Array(p * p);
    for (let o = 0; o < p; o++) for (let q = 0; q < p; q++) wq[o * p + q] = ((o * q) % p) * (n / p);
    const kernel = p === 2 ? pass2 : p === 3 ? pass3 : p === 5 ? pass5 : null;
    passes.push({ p, size, stride: n / size, wq, wr: Float64Array.from(wq, (t) => cr[t]), wi: Float64Array.from(wq, (t) => ci[t]), kernel });
    len = size;
  }
  return (re, im) => {
    for (let i = 0; i < n; i++) {
      tr[i] = re[perm[i]];
      ti[i] = im[perm[i]];
    }
    for (const { p, size, stride, wq, wr, wi, kernel } of passes) {
      if (kernel) {
        kernel(tr, ti, cr, ci, n, size / p, stride, wr, wi);
        continue;
      }
      const span = size / p;
      for (let s0 = 0; s0 < n; s0 += size)
        for (let k = 0; k < span; k++) {
          // inputs of this butterfly, twiddled by w_size^(q·k) (q·k·stride < n)
          for (let q = 0; q < p; q++) {
            const at = s0 + q * span + k;
            const t = q * k * stride;
            br[q] = tr[at] * cr[t] - ti[at] * ci[t];
            bi[q] = tr[at] * ci[t] + ti[at] * cr[t];
          }
          for (let o = 0; o < p; o++) {
            let sr = br[0], si = bi[0];
            for (let q = 1; q < p; q++) {
              const t = wq[o * p + q];
              sr += br[q] * cr[t] - bi[q] * ci[t];
              si += br[q] * ci[t] + bi[q] * cr[t];
            }
            const at = s0 + o * span + k;
            tr[at] = sr;
            ti[at] = si;
          }
        }
    }
    re.set(tr);
    im.set(ti);
  };
}

/*
 * Radix-2, 3 and 5 passes of mixedRadix written out: the same products and sums, in the same
 * order, as its general butterfly, without the per-term loops and scratch arrays. wr/wi: w_p^(o·q)
 * of the general loop at [o·p + q]; the input of term q is twiddled by the n-point table at
 * q·k·stride. Products by the table's entry 0 (1, −0), the twiddles at k = 0 and the weights of
 * output 0, are left out: they change at most the sign of a zero, which the power spectrum (the
 * only use of these transforms) squares away.
 */
type Pass = (tr: Float64Array, ti: Float64Array, cr: Float64Array, ci: Float64Array, n: number, len: number, stride: number, wr: Float64Array, wi: Float64Array) => void;

const pass2: Pass = (tr, ti, cr, ci, n, len, stride, wr, wi) => {
  const r1 = wr[3], i1 = wi[3];
  for (let b = 0; b < n; b += 2 * len)
    for (let k = 0; k < len; k++) {
      const a0 = b + k, a1 = a0 + len, t1 = k * stride;
      const x0r = tr[a0], x0i = ti[a0];
      let x1r = tr[a1], x1i = ti[a1];
      if (k) {
        const r = x1r * cr[t1] - x1i * ci[t1];
        x1i = x1r * ci[t1] + x1i * cr[t1];
        x1r = r;
      }
      tr[a0] = x0r + x1r;
      ti[a0] = x0i + x1i;
      tr[a1] = x0r + (x1r * r1 - x1i * i1);
      ti[a1] = x0i + (x1r * i1 + x1i * r1);
    }
};

const pass3: Pass = (tr, ti, cr, ci, n, len, stride, wr, wi) => {
  const r11 = wr[4], i11 = wi[4], r12 = wr[5], i12 = wi[5];
  const r21 = wr[7], i21 = wi[7], r22 = wr[8], i22 = wi[8];
  for (let b = 0; b < n; b += 3 * len)
    for (let k = 0; k < len; k++) {
      const a0 = b + k, a1 = a0 + len, a2 = a1 + len, t1 = k * stride, t2 = 2 * k * stride;
      const x0r = tr[a0], x0i = ti[a0];
      let x1r = tr[a1], x1i = ti[a1], x2r = tr[a2], x2i = ti[a2];
      if (k) {
        let r = x1r * cr[t1] - x1i * ci[t1];
        x1i = x1r * ci[t1] + x1i * cr[t1];
        x1r = r;
        r = x2r * cr[t2] - x2i * ci[t2];
        x2i = x2r * ci[t2] + x2i * cr[t2];
        x2r = r;
      }
      tr[a0] = x0r + x1r + x2r;
      ti[a0] = x0i + x1i + x2i;
      tr[a1] = x0r + (x1r * r11 - x1i * i11) + (x2r * r12 - x2i * i12);
      ti[a1] = x0i + (x1r * i11 + x1i * r11) + (x2r * i12 + x2i * r12);
      tr[a2] = x0r + (x1r * r21 - x1i * i21) + (x2r * r22 - x2i * i22);
      ti[a2] = x0i + (x1r * i21 + x1i * r21) + (x2r * i22 + x2i * r22);
    }
};

const pass5: Pass = (tr, ti, cr, ci, n, len, stride, wr, wi) => {
  for (let b = 0; b < n; b += 5 * len)
    for (let k = 0; k < len; k++) {
      const a0 = b + k, a1 = a0 + len, a2 = a1 + len, a3 = a2 + len, a4 = a3 + len;
      const t1 = k * stride, t2 = 2 * k * stride, t3 = 3 * k * stride, t4 = 4 * k * stride;
      const x0r = tr[a0], x0i = ti[a0];
      let x1r = tr[a1], x1i = ti[a1], x2r = tr[a2], x2i = ti[a2], x3r = tr[a3], x3i = ti[a3], x4r = tr[a4], x4i = ti[a4];
      if (k) {
        let r = x1r * cr[t1] - x1i * ci[t1];
        x1i = x1r * ci[t1] + x1i * cr[t1];
        x1r = r;
        r = x2r * cr[t2] - x2i * ci[t2];
        x2i = x2r * ci[t2] + x2i * cr[t2];
        x2r = r;
        r = x3r * cr[t3] - x3i * ci[t3];
        x3i = x3r * ci[t3] + x3i * cr[t3];
        x3r = r;
        r = x4r * cr[t4] - x4i * ci[t4];
        x4i = x4r * ci[t4] + x4i * cr[t4];
        x4r = r;
      }
      tr[a0] = x0r + x1r + x2r + x3r + x4r;
      ti[a0] = x0i + x1i + x2i + x3i + x4i;
      for (let o = 1, at = a1; o < 5; o++, at += len) {
        const q = o * 5;
        const r1 = wr[q + 1], i1 = wi[q + 1], r2 = wr[q + 2], i2 = wi[q + 2], r3 = wr[q + 3], i3 = wi[q + 3], r4 = wr[q + 4], i4 = wi[q + 4];
        tr[at] = x0r + (x1r * r1 - x1i * i1) + (x2r * r2 - x2i * i2) + (x3r * r3 - x3i * i3) + (x4r * r4 - x4i * i4);
        ti[at] = x0i + (x1r * i1 + x1i * r1) + (x2r * i2 + x2i * r2) + (x3r * i3 + x3i * r3) + (x4r * i4 + x4i * r4);
      }
    }
};

/** A reusable forward DFT of length n. */
export function dftPlan(n: number): (re: Float64Array, im: Float64Array) => void {
  if ((n & (n - 1)) === 0) return (re, im) => radix2(re, im, false);
  let big = n;
  for (const p of [2, 3, 5, 7]) while (big % p === 0) big /= p;
  if (big === 1) return mixedRadix(n);
  let m = 1;
  while (m < 2 * n - 1) m <<= 1;
  // chirp w_k = exp(−iπk²/n); k² mod 2n keeps the angle exact for large k
  const cr = new Float64Array(n), ci = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const a = (Math.PI * ((k * k) % (2 * n))) / n;
    cr[k] = Math.cos(a);
    ci[k] = -Math.sin(a);
  }
  const br = new Float64Array(m), bi = new Float64Array(m);
  br[0] = cr[0]; bi[0] = -ci[0];
  for (let k = 1; k < n; k++) {
    br[k] = br[m - k] = cr[k];
    bi[k] = bi[m - k] = -ci[k];
  }
  radix2(br, bi, false);
  const ar = new Float64Array(m), ai = new Float64Array(m);
  return (re, im) => {
    ar.fill(0);
    ai.fill(0);
    for (let k = 0; k < n; k++) {
      ar[k] = re[k] * cr[k] - im[k] * ci[k];
      ai[k] = re[k] * ci[k] + im[k] * cr[k];
    }
    radix2(ar, ai, false);
    for (let k = 0; k < m; k++) {
      const r = ar[k] * br[k] - ai[k] * bi[k];
      ai[k] = ar[k] * bi[k] + ai[k] * br[k];
      ar[k] = r;
    }
    radix2(ar, ai, true);
    for (let k = 0; k < n; k++) {
      const r = ar[k] / m, i = ai[k] / m;
      re[k] = r * cr[k] - i * ci[k];
      im[k] = r * ci[k] + i * cr[k];
    }
  };
}

/**
 * The 2-D DFT of a real h×w image at the columns `cols` only: entry (y, cols[c]) of the spectrum
 * at c·h + y of re and im (column-major, so each column transform reads and writes one run).
 * row(y, out) writes image row y into out. The values are the full transform's.
 */
export function fft2(w: number, h: number, cols: Int32Array, row: (y: number, out: Float64Array) => void): { re: Float64Array; im: Float64Array } {
  const nc = cols.length;
  const re = new Float64Array(nc * h), im = new Float64Array(nc * h);
  const rowDft = dftPlan(w);
  const rr = new Float64Array(w), ri = new Float64Array(w);
  // two real rows per complex transform: a + ib → A(k) = (Z(k) + conj Z(−k))/2, B(k) = (Z(k) − conj Z(−k))/2i
  for (let y = 0; y < h; y += 2) {
    const two = y + 1 < h;
    row(y, rr);
    if (two) row(y + 1, ri);
    else ri.fill(0);
    rowDft(rr, ri);
    for (let c = 0; c < nc; c++) {
      const k = cols[c];
      const m = k ? w - k : 0;
      const zr = rr[k], zi = ri[k], cr = rr[m], ci = -ri[m];
      re[c * h + y] = (zr + cr) / 2;
      im[c * h + y] = (zi + ci) / 2;
      if (two) {
        re[c * h + y + 1] = (zi - ci) / 2;
        im[c * h + y + 1] = -(zr - cr) / 2;
      }
    }
  }
  const colDft = dftPlan(h);
  for (let c = 0; c < nc; c++) colDft(re.subarray(c * h, c * h + h), im.subarray(c * h, c * h + h));
  return { re, im };
}
