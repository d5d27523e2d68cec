// One bump arena per instance over the module's linear memory: the TypeScript side resets it before
// a computation and takes its buffers from it; kernels take their scratch the same way. Nothing is
// freed singly, so a computation's memory is one reset away from reuse, and the memory only grows
// to the largest computation a thread has run.
#pragma once
#include <stdint.h>

typedef int32_t i32;
typedef uint32_t u32;
typedef uint64_t u64;

extern unsigned char __heap_base;
static uintptr_t arena_top;

static void *arena_take(uintptr_t bytes) {
  uintptr_t p = ((arena_top ? arena_top : (uintptr_t)&__heap_base) + 15) & ~(uintptr_t)15;
  // past the 4 GiB the instance addresses (the sum would wrap): a trap, which instance.ts reports
  if (bytes > UINTPTR_MAX - p) __builtin_trap();
  uintptr_t end = p + bytes;
  uintptr_t have = (uintptr_t)__builtin_wasm_memory_size(0) * 65536u;
  if (end > have) {
    uintptr_t more = end - have, pages = more / 65536 + (more % 65536 != 0);
    if (__builtin_wasm_memory_grow(0, pages) == (uintptr_t)-1) __builtin_trap();
  }
  arena_top = end;
  return (void *)p;
}

/** the arena's current end, to give back a kernel's scratch with arena_release */
static uintptr_t arena_mark(void) { return arena_top; }
static void arena_release(uintptr_t mark) { arena_top = mark; }

__attribute__((export_name("reset"))) void reset(void) { arena_top = (uintptr_t)&__heap_base; }
__attribute__((export_name("alloc"))) void *alloc(u32 bytes) { return arena_take(bytes); }
