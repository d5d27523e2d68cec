import { loadKernel } from './instance';
import wasm from './textureWasm';

/** texture.c's exports (pointers into the instance's memory; see that file) */
export interface TextureExports {
  memory: { buffer: ArrayBuffer };
  log2_table(): number;
  texture_begin(grey: number, w: number, start: number, pixels: number, bbox: number, M: number, ignore: number, crop: number, cropSize: number, list: number, bigval: number, biglog: number): void;
  texture_object(k: number): void;
  texture_scale(scale: number, out: number): number;
  texture_resum(): void;
  texture_finish(raw: number, lg: number, cnt: number, n: number, res: number): void;
  texture_finish2(raw: number, ex: number, cnt: number, n: number, res: number): void;
}

export const textureKernel = loadKernel<TextureExports>(wasm);
