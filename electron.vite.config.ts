import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';
import { readdirSync, statSync } from 'node:fs';
import { join, basename } from 'node:path';

/** Worker-thread entries (src/main/**\/*.worker.ts) become out/main/<name>.js beside index.js. */
function workerEntries(dir = 'src/main'): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of readdirSync(dir)) {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) Object.assign(out, workerEntries(p));
    else if (f.endsWith('.worker.ts')) out[basename(f, '.ts')] = p;
  }
  return out;
}

// The single build config: main (ESM, Node target of Electron 45), preload (CJS, required by the
// sandbox), renderer (React). Native modules stay external and load from node_modules.
export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rollupOptions: { input: { index: 'src/main/index.ts', ...workerEntries() } },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      rollupOptions: { input: { index: 'src/preload/index.ts' }, output: { format: 'cjs', entryFileNames: '[name].cjs' } },
    },
  },
  renderer: {
    root: 'src/renderer',
    build: { outDir: 'out/renderer', minify: true, rollupOptions: { input: 'src/renderer/index.html' } },
    plugins: [react()],
  },
});
