// MeasureColocalization's per-object passes (core/wasm/coloc.c through colocChannel and
// measureCorrelations) against the TypeScript loops they replaced, written out here as the
// definition: every output the same bits, over 8-bit, 16-bit (levels past the table too), i32
// and plain-array levels, float channels with ties, −0 and a NaN (no levels: sorted ranks), a
// constant channel, single-pixel objects and an odd number of pairs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { colocChannel, correlationNames, measureCorrelations, type ImageLevels } from '../../src/main/core/features/colocalization';
import { indexObjects, type ObjectIndex } from '../../src/main/core/features/objects';

interface Ref { v: Float64Array; rank: Int32Array; rankMax: number; mean: Float64Array; thr: Float64Array; ss: Float64Array; tot: Float64Array; flat: Uint8Array }

/** dense ranks by definition: each value's place among the distinct values (−0 = 0); each NaN ranks 0 and counts in rankMax as a value of its own */
function sortedRanks(v: Float64Array): { rank: Int32Array; rankMax: number } {
  const finite = [...new Set(Array.from(v, (x) => x + 0).filter((x) => x === x))].sort((a, b) => a - b);
  const at = new Map(finite.map((x, i) => [x, i]));
  const nans = v.filter((x) => x !== x).length;
  return { rank: Int32Array.from(v, (x) => (x === x ? at.get(x + 0)! : 0)), rankMax: Math.max(0, finite.length - 1 + nans) };
}

function refChannel(ix: ObjectIndex, img: Float64Array, levels: ImageLevels | null): Ref {
  const { ids, start, pixels: px } = ix;
  const n = ids.length;
  const v = new Float64Array(px.length);
  const level = levels ? new Int32Array(px.length) : null;
  const present = levels ? new Int32Array(levels.count) : null;
  const mean = new Float64Array(n), thr = new Float64Array(n), ss = new Float64Array(n), tot = new Float64Array(n);
  const flat = new Uint8Array(n);
  for (let k = 0; k < n; k++) {
    const s0 = start[k], s1 = start[k + 1];
    let s = 0, max = -Infinity, min = Infinity;
    for (let p = s0; p < s1; p++) {
      const x = img[px[p]];
      v[p] = x;
      if (level) {
        const l = levels!.data[px[p]];
        level[p] = l;
        present![l] = 1;
      }
      s += x;
      if (x > max) max = x;
      if (x < min) min = x;
    }
    const m = s / (s1 - s0);
    const t = (15 / 100) * max;
    let q = 0, above = 0;
    for (let p = s0; p < s1; p++) {
      const x = v[p];
      q += (x - m) * (x - m);
      if (x >= t) above += x;
    }
    [mean[k], thr[k], ss[k], tot[k], flat[k]] = [m, t, q, above, min === max ? 1 : 0];
  }
  if (!level) return { v, ...sortedRanks(v), mean, thr, ss, tot, flat };
  let r = -1;
  for (let l = 0; l < present!.length; l++) if (present![l]) present![l] = ++r;
  for (let p = 0; p < level.length; p++) level[p] = present![level[p]];
  return { v, rank: level, rankMax: Math.max(0, r), mean, thr, ss, tot, flat };
}

function refPair(ix: ObjectIndex, a: Ref, b: Ref): Float64Array[] {
  const n = ix.ids.length;
  const out = Array.from({ length: 8 }, () => new Float64Array(n));
  const R = Math.max(a.rankMax, b.rankMax) + 1;
  for (let k = 0; k < n; k++) {
    let vab = 0, aa = 0, bb = 0, ab = 0, coA = 0, coB = 0, rwA = 0, rwB = 0, both = 0;
    for (let p = ix.start[k]; p < ix.start[k + 1]; p++) {
      const x = a.v[p], y = b.v[p];
      vab += (x - a.mean[k]) * (y - b.mean[k]);
      if (x >= a.thr[k] && y >= b.thr[k]) {
        both++;
        aa += x * x;
        bb += y * y;
        ab += x * y;
        coA += x;
        coB += y;
        const wgt = (R - Math.abs(a.rank[p] - b.rank[p])) / R;
        rwA += x * wgt;
        rwB += y * wgt;
      }
    }
    const any = both > 0;
    out[0][k] = a.flat[k] || b.flat[k] ? NaN : vab / (Math.sqrt(a.ss[k]) * Math.sqrt(b.ss[k]));
    out[1][k] = any ? ab / Math.sqrt(aa * bb) : 0;
    out[2][k] = any ? ab / aa : 0;
    out[3][k] = any ? ab / bb : 0;
    out[4][k] = coA / a.tot[k];
    out[5][k] = coB / b.tot[k];
    out[6][k] = rwA / a.tot[k];
    out[7][k] = rwB / b.tot[k];
  }
  return out;
}

const bytes = (v: Float64Array) => Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex');

test('colocalization: the kernel gives the TypeScript loops’ bits on every kind of channel', () => {
  let s = 12345;
  const rnd = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
  const W = 40, H = 30, M = W * H;
  for (let trial = 0; trial < 30; trial++) {
    const lab = new Int32Array(M);
    const objects = 1 + Math.floor(rnd() * 12);
    for (let i = 0; i < M; i++) lab[i] = rnd() < 0.7 ? 1 + Math.floor(rnd() * objects) : 0;
    if (trial % 5 === 0) lab.fill(0).fill(3, 10, 11).fill(7, 50, 52);
    const ix = indexObjects({ width: W, height: H, data: lab });
    const names = trial % 2 ? ['A', 'B', 'C'] : ['A', 'B', 'C', 'D', 'E'];
    const data = names.map((_, c): { img: Float64Array; lv: ImageLevels | null } => {
      const raw = Uint8Array.from({ length: M }, () => Math.floor(rnd() * (trial % 3 ? 256 : 8)));
      const img = Float64Array.from(raw, (x) => x / 255);
      switch ((trial + c) % 5) {
        case 0: return { img, lv: { data: raw, count: 256 } };
        case 1: return { img, lv: { data: Uint16Array.from(raw, (x) => x * 3), count: 700 } }; // levels past the table rank 0
        case 2: {
          const f = Float64Array.from({ length: M }, () => (rnd() < 0.1 ? 0.5 : rnd()));
          if (trial % 2) f[ix.pixels[0]] = NaN;
          f[ix.pixels[ix.pixels.length - 1]] = -0;
          return { img: f, lv: null };
        }
        case 3: return { img, lv: { data: Int32Array.from(raw), count: 100 } };
        default: return { img: new Float64Array(M).fill(0.25), lv: { data: Array.from(raw, (x) => x % 4), count: 4 } };
      }
    });
    const refs = data.map(({ img, lv }) => refChannel(ix, img, lv));
    const chans = names.map((c, j) => colocChannel(ix, c, data[j].img, data[j].lv));
    const blocks = measureCorrelations(ix, chans);
    let q = 0;
    for (let i = 0; i < names.length; i++)
      for (let j = i + 1; j < names.length; j++, q++) {
        assert.deepEqual(blocks[q].names, correlationNames(names[i], names[j]));
        const want = refPair(ix, refs[i], refs[j]);
        want.forEach((w, c) => assert.equal(bytes(blocks[q].values[c]), bytes(w), `trial ${trial}, ${blocks[q].names[c]}`));
      }
    assert.equal(q, blocks.length);
  }
});

test('colocalization: channels of an earlier object set are refused', () => {
  const lab = new Int32Array(12).fill(1);
  const ix1 = indexObjects({ width: 4, height: 3, data: lab }), ix2 = indexObjects({ width: 4, height: 3, data: lab });
  const img = Float64Array.from({ length: 12 }, (_, i) => i / 12);
  const a = colocChannel(ix1, 'A', img, null), b = colocChannel(ix1, 'B', img, null);
  assert.equal(measureCorrelations(ix1, [a, b]).length, 1);
  colocChannel(ix2, 'A', img, null);
  assert.throws(() => measureCorrelations(ix1, [a, b]), /not one of colocChannel's latest/);
});
