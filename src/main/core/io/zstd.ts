import * as zlib from 'node:zlib';
import * as wasm from '@bokuweb/zstd-wasm';

/**
 * Zstandard for Parquet pages. Node ≥ 22.15 (Electron's) has it in node:zlib; Node 20 (the CLI and
 * tests here) does not, so the same format comes from zstd compiled to WebAssembly. Both are the
 * reference library; files written by either read with either.
 */
type Native = { zstdCompressSync(b: Uint8Array, o?: object): Buffer; zstdDecompressSync(b: Uint8Array, o?: object): Buffer; constants: Record<string, number> };
const native = typeof (zlib as unknown as Partial<Native>).zstdCompressSync === 'function' ? (zlib as unknown as Native) : null;

/** Level 3 (zstd's default): on float columns higher levels gain < 1 % and cost 2× the time. */
const LEVEL = 3;
let ready: Promise<void> | null = null;

/** Loads the WebAssembly module once (a no-op where node:zlib has zstd); await before compress/decompress. */
export function zstdReady(): Promise<void> {
  ready ??= native ? Promise.resolve() : wasm.init();
  return ready;
}

export function zstdCompress(input: Uint8Array): Uint8Array {
  if (native) return native.zstdCompressSync(input, { params: { [native.constants.ZSTD_c_compressionLevel]: LEVEL } });
  return wasm.compress(input, LEVEL);
}

/** `outputLength`: the page's uncompressed size, known from its header. */
export function zstdDecompress(input: Uint8Array, outputLength: number): Uint8Array {
  const out = native ? native.zstdDecompressSync(input) : wasm.decompress(input, { defaultHeapSize: outputLength });
  if (out.length !== outputLength) throw new Error(`zstd page decompressed to ${out.length} bytes, its header says ${outputLength}`);
  return out;
}
