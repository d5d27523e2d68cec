import { availableParallelism, cpus } from 'node:os';
import type { InferenceSession } from 'onnxruntime-node';
import { detectProviders } from './providers';
import type { ProviderInfo } from '../../../shared/contract/app';

export type ProviderRequest = 'auto' | 'cpu' | 'cuda';

export interface SessionHandle {
  session: InferenceSession;
  /** the execution provider the session really uses */
  provider: 'cpu' | 'cuda';
  device: string;
  /** why this provider (and, after a fallback, why not CUDA) */
  reason: string;
  /** milliseconds spent creating the session */
  loadMs: number;
}

type Ort = typeof import('onnxruntime-node');
let ortModule: Promise<Ort> | null = null;
export const loadOrt = (): Promise<Ort> => (ortModule ??= import('onnxruntime-node') as Promise<Ort>);

/** CPU options: all cores for one op (Stainless runs one model at a time), full graph optimisation. */
function cpuOptions(): InferenceSession.SessionOptions {
  return {
    executionProviders: ['cpu'],
    graphOptimizationLevel: 'all',
    intraOpNumThreads: Math.max(1, availableParallelism()),
    interOpNumThreads: 1,
    executionMode: 'sequential',
  };
}

const cache = new Map<string, Promise<SessionHandle>>();

/**
 * One session per (model file, requested provider), created on first use and reused. `auto` and
 * `cuda` try CUDA when the build and the machine have it; if that is missing or session creation
 * fails, the session is created on CPU and the reason recorded (never a silent fallback).
 */
export function getSession(file: string, request: ProviderRequest = 'auto'): Promise<SessionHandle> {
  const key = `${file}\u0000${request}`;
  let p = cache.get(key);
  if (!p) {
    p = openSession(file, request);
    cache.set(key, p);
    p.catch(() => cache.delete(key));
  }
  return p;
}

/** A new (uncached) session; `detect` says what this machine offers (injectable for tests). */
export async function openSession(file: string, request: ProviderRequest, detect: () => Promise<ProviderInfo> = detectProviders): Promise<SessionHandle> {
  const ort = await loadOrt();
  const cpuDevice = `${cpus()[0]?.model?.trim() ?? 'CPU'} (${availableParallelism()} threads)`;
  let reason: string;
  if (request === 'cpu') reason = 'CPU requested';
  else {
    const info = await detect();
    if (info.active === 'cuda') {
      const t0 = performance.now();
      try {
        const session = await ort.InferenceSession.create(file, { ...cpuOptions(), executionProviders: ['cuda', 'cpu'] });
        return { session, provider: 'cuda', device: 'CUDA device 0', reason: info.reason, loadMs: performance.now() - t0 };
      } catch (e) {
        reason = `CUDA session could not be created (${(e as Error).message.split('\n')[0]}); using CPU`;
      }
    } else reason = `${request === 'cuda' ? 'CUDA requested but unavailable: ' : ''}${info.reason}; using CPU`;
  }
  const t0 = performance.now();
  let session: InferenceSession;
  try {
    session = await ort.InferenceSession.create(file, cpuOptions());
  } catch (e) {
    throw new Error(`${file}: onnxruntime cannot load this model (${(e as Error).message.split('\n')[0]})`);
  }
  return { session, provider: 'cpu', device: cpuDevice, reason, loadMs: performance.now() - t0 };
}
