import { segmentMasksKernel } from '../wasm/segmentMasks';

/**
 * Fill holes: background regions (4-connected) that do not reach the image border become
 * foreground (those up to maxHoleArea pixels, when given). segmentMasks.c's fill_holes
 * (WebAssembly): on a grid with a two-pixel frame, one flood from the frame reaches every border
 * region; each remaining region is then flooded once, its pixels listed, and filled when small enough.
 */
export function fillHoles(mask: Uint8Array, width: number, height: number, maxHoleArea = Infinity): Uint8Array {
  const n = width * height;
  const k = segmentMasksKernel();
  k.reset();
  const m = k.alloc(n), o = k.alloc(n);
  new Uint8Array(k.exports.memory.buffer, m, n).set(mask.subarray(0, n));
  k.exports.fill_holes(m, width, height, maxHoleArea, o);
  return new Uint8Array(k.exports.memory.buffer, o, n).slice();
}
