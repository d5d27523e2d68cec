import type { Command } from './types';
import { APP_NAME, APP_VERSION } from '../core/version';
import { detectProviders, ortVersion } from '../core/inference/providers';

export const versionCommand: Command = {
  name: 'version',
  summary: 'App, Node and onnxruntime versions and the execution providers available here',
  usage: 'stainless version [--json]',
  async run(_args, ctx) {
    const providers = await detectProviders();
    const info = {
      name: APP_NAME,
      version: APP_VERSION,
      node: process.versions.node,
      electron: process.versions.electron ?? null,
      onnxruntime: ortVersion(),
      executionProviders: providers.available,
      activeProvider: providers.active,
      providerReason: providers.reason,
    };
    ctx.say(`${APP_NAME} ${APP_VERSION}`);
    ctx.say(`node ${info.node}, onnxruntime-node ${info.onnxruntime}`);
    ctx.say(`execution providers: ${info.executionProviders.join(', ')}; using ${info.activeProvider} (${info.providerReason})`);
    return info;
  },
};
