import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { ProviderInfo } from '../../../shared/contract/app';

// not named `require`: the Electron bundle injects its own `require` shim at module scope
const requireCjs = createRequire(import.meta.url);

export function ortVersion(): string {
  try {
    return (requireCjs('onnxruntime-node/package.json') as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/** The folder holding onnxruntime-node's native libraries for this platform. */
export function ortBinDir(): string {
  const root = dirname(requireCjs.resolve('onnxruntime-node/package.json'));
  return join(root, 'bin', 'napi-v6', process.platform, process.arch);
}

/**
 * Which providers this build offers and which one Stainless will use, with the reason.
 * CUDA needs both the provider library (fetched by `npm run install:cuda`) and a device.
 */
export async function detectProviders(): Promise<ProviderInfo> {
  const ort = (await import('onnxruntime-node')) as typeof import('onnxruntime-node');
  const compiled = (ort.listSupportedBackends?.() ?? [{ name: 'cpu', bundled: true }]).map((b) => b.name);
  // 'available' lists what can run here: CPU always, CUDA only with its provider library present.
  const available = ['cpu'];
  if (!compiled.includes('cuda')) {
    return { active: 'cpu', available, reason: `onnxruntime-node ${ortVersion()} has no CUDA provider for ${process.platform}/${process.arch}` };
  }
  const lib = process.platform === 'win32' ? 'onnxruntime_providers_cuda.dll' : 'libonnxruntime_providers_cuda.so';
  if (!existsSync(join(ortBinDir(), lib))) {
    return { active: 'cpu', available, reason: 'CUDA provider library not installed (run `npm run install:cuda` on a machine with internet)' };
  }
  available.push('cuda');
  if (!hasNvidiaDevice()) return { active: 'cpu', available, reason: 'CUDA provider installed but no CUDA device found' };
  return { active: 'cuda', available, reason: 'CUDA provider installed and an NVIDIA device is present' };
}

function hasNvidiaDevice(): boolean {
  if (process.platform === 'linux') return existsSync('/dev/nvidia0') || existsSync('/proc/driver/nvidia/version');
  if (process.platform === 'win32') return existsSync(join(process.env.SystemRoot ?? 'C:\\Windows', 'System32', 'nvcuda.dll'));
  return false;
}
