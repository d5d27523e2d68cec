import type { ProcessingStep } from '../../../shared/manifest';
import { percentiles } from './normalize';

/**
 * bioimage.io pre- and post-processing steps (format 0.5 names and defaults) applied to a CHW
 * image. Reductions over `axes` that leave out 'channel' are per channel; batch is always 1 here.
 */
export const SUPPORTED_STEPS = ['ensure_dtype', 'zero_mean_unit_variance', 'fixed_zero_mean_unit_variance', 'scale_range', 'scale_linear', 'clip', 'sigmoid', 'binarize'];

export function applySteps(steps: ProcessingStep[], data: Float32Array, channels: number, where: string): Float32Array {
  const n = data.length / channels;
  let x = data;
  for (const step of steps) {
    const k = step.kwargs as Record<string, unknown>;
    const perChannel = (() => {
      const axes = k.axes as string[] | undefined;
      return axes ? !axes.includes('channel') && !axes.includes('c') : false;
    })();
    // per-channel (or whole-tensor) views for reductions
    const groups: Array<[number, number]> = perChannel ? Array.from({ length: channels }, (_, c) => [c * n, (c + 1) * n]) : [[0, x.length]];
    const perAxis = (v: unknown, c: number, dflt: number): number => (Array.isArray(v) ? Number(v[c] ?? v[0]) : v === undefined || v === null ? dflt : Number(v));
    const out = new Float32Array(x.length);
    switch (step.id) {
      case 'ensure_dtype':
        if (k.dtype !== undefined && !String(k.dtype).startsWith('float')) {
          // integer dtypes: round and clamp like a cast
          for (let i = 0; i < x.length; i++) out[i] = Math.round(x[i]);
          x = out;
        }
        continue;
      case 'zero_mean_unit_variance': {
        const eps = Number(k.eps ?? 1e-6);
        for (const [a, b] of groups) {
          let mean = 0;
          for (let i = a; i < b; i++) mean += x[i];
          mean /= b - a;
          let v = 0;
          for (let i = a; i < b; i++) v += (x[i] - mean) ** 2;
          const std = Math.sqrt(v / (b - a));
          for (let i = a; i < b; i++) out[i] = (x[i] - mean) / (std + eps);
        }
        break;
      }
      case 'fixed_zero_mean_unit_variance': {
        const eps = Number(k.eps ?? 1e-6);
        for (let c = 0; c < channels; c++) {
          const mean = perAxis(k.mean, c, 0);
          const std = perAxis(k.std, c, 1);
          for (let i = c * n; i < (c + 1) * n; i++) out[i] = (x[i] - mean) / (std + eps);
        }
        break;
      }
      case 'scale_range': {
        const eps = Number(k.eps ?? 1e-6);
        if (k.reference_tensor) throw new Error(`${where}: scale_range with a reference_tensor is not supported`);
        for (const [a, b] of groups) {
          const [lo, hi] = percentiles(x.subarray(a, b), [Number(k.min_percentile ?? 0), Number(k.max_percentile ?? 100)]);
          for (let i = a; i < b; i++) out[i] = (x[i] - lo) / (hi - lo + eps);
        }
        break;
      }
      case 'scale_linear':
        for (let c = 0; c < channels; c++) {
          const g = perAxis(k.gain, c, 1);
          const o = perAxis(k.offset, c, 0);
          for (let i = c * n; i < (c + 1) * n; i++) out[i] = x[i] * g + o;
        }
        break;
      case 'clip': {
        const lo = k.min === undefined || k.min === null ? -Infinity : Number(k.min);
        const hi = k.max === undefined || k.max === null ? Infinity : Number(k.max);
        for (let i = 0; i < x.length; i++) out[i] = x[i] < lo ? lo : x[i] > hi ? hi : x[i];
        break;
      }
      case 'sigmoid':
        for (let i = 0; i < x.length; i++) out[i] = 1 / (1 + Math.exp(-x[i]));
        break;
      case 'binarize':
        for (let c = 0; c < channels; c++) {
          const t = perAxis(k.threshold, c, 0.5);
          for (let i = c * n; i < (c + 1) * n; i++) out[i] = x[i] > t ? 1 : 0;
        }
        break;
      default:
        throw new Error(`${where}: processing step "${step.id}" is not supported (supported: ${SUPPORTED_STEPS.join(', ')})`);
    }
    x = out;
  }
  return x;
}
