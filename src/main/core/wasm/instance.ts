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
  let compiled: object | null = null;
  // A trap (the 4 GiB memory exhausted, or a bug) can leave a kernel's state half-written: the
  // instance is dropped, so the next call starts from a fresh one, and the error names the function.
  const guard = (name: string, fn: (...args: number[]) => number) => (...args: number[]) => {
    try {
      return fn(...args);
    } catch (e) {
      k = null;
      const msg = e instanceof Error ? e.message : String(e);
      throw new Error(`WebAssembly kernel ${name}: ${msg}${/unreachable/.test(msg) ? ' (its memory could not grow: the image is too large for the 4 GiB it can address)' : ''}`);
    }
  };
  return () => {
    if (k) return k;
    compiled ??= new Module(Buffer.from(base64, 'base64'));
    const raw = new Instance(compiled).exports as Record<string, unknown>;
    const ex = Object.fromEntries(Object.entries(raw).map(([name, v]) => [name, typeof v === 'function' ? guard(name, v as (...args: number[]) => number) : v])) as unknown as ArenaExports & E;
    const f64 = (ptr: number, length: number) => new Float64Array(ex.memory.buffer, ptr, length);
    const i32 = (ptr: number, length: number) => new Int32Array(ex.memory.buffer, ptr, length);
    const kernel: Kernel<E> = {
      exports: ex,
      reset: () => ex.reset(),
      alloc: (bytes) => {
        // the kernel takes a 32-bit size: a larger one would wrap
        if (!(Number.isInteger(bytes) && bytes >= 0 && bytes <= 0xffffffff)) throw new Error(`WebAssembly kernel alloc: ${bytes} bytes is past the 4 GiB a kernel can address (the image is too large)`);
        return ex.alloc(bytes);
      },
      f64,
      i32,
      put: (a) => {
        const p = kernel.alloc(a.byteLength);
        (a instanceof Float64Array ? f64(p, a.length) : i32(p, a.length)).set(a);
        return p;
      },
    };
    return (k = kernel);
  };
}
