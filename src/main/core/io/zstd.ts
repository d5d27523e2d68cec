import * as wasm from '@bokuweb/zstd-wasm';

/**
 * Zstandard for Parquet pages: the reference library compiled to WebAssembly, so the CLI and tests
 * (Node 20, whose node:zlib has no zstd) and the app (Electron) run the same tested code.
 */

/** Level 3 (zstd's default): on float columns higher levels gain < 1 % and cost 2× the time. */
const LEVEL = 3;
let ready: Promise<void> | null = null;

/** Loads the WebAssembly module once; await it before compress/decompress. */
export function zstdReady(): Promise<void> {
  ready ??= wasm.init();
  return ready;
}

export function zstdCompress(input: Uint8Array, level = LEVEL): Uint8Array {
  return wasm.compress(input, level);
}

/** `outputLength`: the page's uncompressed size, known from its header. */
export function zstdDecompress(input: Uint8Array, outputLength: number): Uint8Array {
  const out = wasm.decompress(input, { defaultHeapSize: outputLength });
  if (out.length !== outputLength) throw new Error(`zstd page decompressed to ${out.length} bytes, its header says ${outputLength}`);
  return out;
}
