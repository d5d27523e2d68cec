import { connectedComponents } from './components';

/** Fill holes: background regions (4-connected) that do not reach the image border become foreground. */
export function fillHoles(mask: Uint8Array, width: number, height: number, maxHoleArea = Infinity): Uint8Array {
  const inv = new Uint8Array(mask.length);
  for (let i = 0; i < mask.length; i++) inv[i] = mask[i] ? 0 : 1;
  const bg = connectedComponents(inv, width, height, 4);
  const border = new Uint8Array(bg.count + 1);
  const area = new Int32Array(bg.count + 1);
  for (let i = 0; i < bg.data.length; i++) area[bg.data[i]]++;
  for (let x = 0; x < width; x++) border[bg.data[x]] = border[bg.data[(height - 1) * width + x]] = 1;
  for (let y = 0; y < height; y++) border[bg.data[y * width]] = border[bg.data[y * width + width - 1]] = 1;
  const out = Uint8Array.from(mask);
  for (let i = 0; i < out.length; i++) {
    const b = bg.data[i];
    if (b && !border[b] && area[b] <= maxHoleArea) out[i] = 1;
  }
  return out;
}
