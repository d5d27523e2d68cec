/**
 * The WebAssembly kernels, one instance per module and thread (instantiated on first use; workers
 * each get their own). A computation resets the instance's arena, takes its buffers with `alloc`
 * and reads them through fresh views: the memory may grow during any call, which detaches views
 * made before it.
 */
export interface Kernel<E> {
  exports: E;
  /** drop every buffer of the previous computation */
  reset(): void;
  /** a buffer of `bytes` in the instance's memory (16-byte aligned) */
  alloc(bytes: number): number;
  f64(ptr: number, length: number): Float64Array;
  i32(ptr: number, length: number): Int32Array;
  /** a copy of `a` in the instance's memory */
  put(a: Float64Array | Int32Array): number;
}

/** the part of the WebAssembly API used here (the node tsconfig has no DOM library, which declares it) */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: unknown };
}
const { Module, Instance } = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

interface ArenaExports {
  memory: { buffer: ArrayBuffer };
  reset(): void;
  alloc(bytes: number): number;
}

export function loadKernel<E>(base64: string): () => Kernel<E> {
  let k: Kernel<E> | null = null;
  return () => {
    if (k) return k;
    const ex = new Instance(new Module(Buffer.from(base64, 'base64'))).exports as unknown as ArenaExports & E;
    const f64 = (ptr: number, length: number) => new Float64Array(ex.memory.buffer, ptr, length);
    const i32 = (ptr: number, length: number) => new Int32Array(ex.memory.buffer, ptr, length);
    k = {
      exports: ex,
      reset: () => ex.reset(),
      alloc: (bytes) => ex.alloc(bytes),
      f64,
      i32,
      put: (a) => {
        const p = ex.alloc(a.byteLength);
        (a instanceof Float64Array ? f64(p, a.length) : i32(p, a.length)).set(a);
        return p;
      },
    };
    return k;
  };
}
