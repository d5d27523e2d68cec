import type { Command } from './types';

export const versionCommand: Command = {
  name: 'version',
  summary: 'App, Node and onnxruntime versions, the workspace, and the execution providers available here',
  usage: 'stainless version [--json]',
  async run(_args, ctx) {
    const info = await ctx.call('app.info', {});
    ctx.say(`${info.name} ${info.version}`);
    ctx.say(`node ${info.node}, onnxruntime-node ${info.onnxruntime}`);
    ctx.say(`workspace ${info.workspace} (catalog schema ${info.catalogVersion})`);
    ctx.say(`execution providers: ${info.providers.available.join(', ')}; using ${info.providers.active} (${info.providers.reason})`);
    return info;
  },
};
