/**
 * numpy's default random generator (`np.random.default_rng(seed)`: SeedSequence → PCG64), bit for
 * bit, so that copairs' null distributions — drawn with `rng.integers` and `rng.permuted` — and so
 * its p-values come out identical here. Written from numpy's documented algorithms (SeedSequence's
 * hash mixing, PCG64 XSL-RR 128/64, Lemire's bounded integers, masked rejection for shuffles);
 * checked against numpy itself in test/unit/profiles-numpy-random.test.ts.
 */

const M32 = 0xffffffffn;
const M64 = (1n << 64n) - 1n;
const M128 = (1n << 128n) - 1n;

const mul32 = (a: number, b: number) => Math.imul(a, b) >>> 0;

/** SeedSequence(seed).generate_state(2·words, uint32) for an integer seed with no spawn key. */
function seedState(seed: bigint, words32: number): Uint32Array {
  if (seed < 0n) throw new Error(`numpy seeds are non-negative (got ${seed})`);
  const entropy: number[] = [];
  for (let n = seed; entropy.length === 0 || n > 0n; n >>= 32n) entropy.push(Number(n & M32));
  const pool = new Uint32Array(4);
  let hashA = 0x43b0d7e5;
  const hashmix = (v: number) => {
    v = (v ^ hashA) >>> 0;
    hashA = mul32(hashA, 0x931e8875);
    v = mul32(v, hashA);
    return (v ^ (v >>> 16)) >>> 0;
  };
  const mix = (x: number, y: number) => {
    const r = (mul32(0xca01f9dd, x) - mul32(0x4973f715, y)) >>> 0;
    return (r ^ (r >>> 16)) >>> 0;
  };
  for (let i = 0; i < 4; i++) pool[i] = hashmix(i < entropy.length ? entropy[i] : 0);
  for (let s = 0; s < 4; s++) for (let d = 0; d < 4; d++) if (s !== d) pool[d] = mix(pool[d], hashmix(pool[s]));
  for (let s = 4; s < entropy.length; s++) for (let d = 0; d < 4; d++) pool[d] = mix(pool[d], hashmix(entropy[s]));
  const out = new Uint32Array(words32);
  let hashB = 0x8b51f9dd;
  for (let i = 0; i < words32; i++) {
    let v = (pool[i % 4] ^ hashB) >>> 0;
    hashB = mul32(hashB, 0x58f38ded);
    v = mul32(v, hashB);
    out[i] = (v ^ (v >>> 16)) >>> 0;
  }
  return out;
}

const PCG_MULT = (2549297995355413924n << 64n) | 4865540595714422341n;

export interface NumpyRng {
  /** bit_generator.random_raw(): the next 64-bit output */
  next64(): bigint;
  /** the next 32 bits (numpy buffers the high half of a 64-bit draw for the following call) */
  next32(): number;
}

export function defaultRng(seed: number | bigint): NumpyRng {
  const s = seedState(BigInt(seed), 8);
  const u64 = (k: number) => (BigInt(s[2 * k + 1]) << 32n) | BigInt(s[2 * k]);
  const initState = (u64(0) << 64n) | u64(1);
  const initSeq = (u64(2) << 64n) | u64(3);
  const inc = ((initSeq << 1n) | 1n) & M128;
  let state = 0n;
  const step = () => (state = (state * PCG_MULT + inc) & M128);
  step();
  state = (state + initState) & M128;
  step();
  let buffered: number | null = null;
  const next64 = () => {
    step();
    const x = ((state >> 64n) ^ state) & M64;
    const rot = state >> 122n;
    return ((x >> rot) | (x << ((64n - rot) & 63n))) & M64;
  };
  return {
    next64,
    next32() {
      if (buffered !== null) {
        const v = buffered;
        buffered = null;
        return v;
      }
      const v = next64();
      buffered = Number(v >> 32n);
      return Number(v & M32);
    },
  };
}

/** rng.integers(high, size=n) (int64, high ≤ 2^32): Lemire's multiply-shift with rejection on 32-bit draws. */
export function integers(rng: NumpyRng, high: number, n: number): number[] {
  const excl = high;
  const limit = (0xffffffff - (high - 1)) % excl;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    let m = BigInt(rng.next32()) * BigInt(excl);
    while (Number(m & M32) < limit) m = BigInt(rng.next32()) * BigInt(excl);
    out.push(Number(m >> 32n));
  }
  return out;
}

/** A uniform integer in [0, max] by masked rejection (numpy's random_interval, max < 2^32). */
function interval(rng: NumpyRng, max: number): number {
  if (max === 0) return 0;
  let mask = max;
  for (let s = 1; s <= 16; s <<= 1) mask |= mask >>> s;
  let v: number;
  do v = (rng.next32() & mask) >>> 0;
  while (v > max);
  return v;
}

/** rng.shuffle of one row in place (Fisher–Yates from the end), as rng.permuted(…, axis=1) does per row. */
export function shuffleRow(rng: NumpyRng, row: Uint32Array | Uint16Array | Int32Array): void {
  for (let i = row.length - 1; i > 0; i--) {
    const j = interval(rng, i);
    const t = row[i];
    row[i] = row[j];
    row[j] = t;
  }
}
