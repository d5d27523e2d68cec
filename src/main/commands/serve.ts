import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Command } from './types';
import { UsageError } from './types';
import { startWebHost } from '../webhost';
import { startupTasks } from '../core/startup';
import { createCore } from '../core/core';
import { FileAccessError, FileBroker } from '../core/files/broker';
import { appRoot } from '../core/paths';
import type { CliContext } from './types';

/** In a source checkout, builds the UI first when it is missing or stale (a packaged app ships it built). */
async function ensureUi(ctx: CliContext): Promise<void> {
  const script = join(appRoot(), 'scripts', 'build.mjs');
  if (!existsSync(script)) return;
  const { ensureBuilt } = (await import(pathToFileURL(script).href)) as { ensureBuilt(log: (l: string) => void): boolean };
  if (!ensureBuilt((line) => ctx.note(line))) throw new Error('building the UI failed (its errors are above)');
}

export const serveCommand: Command = {
  name: 'serve',
  summary: 'Serve the Stainless UI on 127.0.0.1 for a browser (random port unless --port)',
  usage: 'stainless serve [--port N] [--root DIR]... [--no-demo]',
  options: { port: { type: 'string' }, root: { type: 'string', multiple: true }, 'no-demo': { type: 'boolean' } },
  async run({ values }, ctx) {
    const port = values.port === undefined ? 0 : Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port: "${values.port}" is not a port number`);
    // the UI's file browser shows only these folders (default: the home folder); checked first
    const roots = (values.root as string[] | undefined) ?? [];
    try {
      new FileBroker({ trustPaths: false }).setRoots(roots);
    } catch (e) {
      if (e instanceof FileAccessError) throw new UsageError(e.message);
      throw e;
    }
    await ensureUi(ctx);
    // its own core: requests arrive over HTTP, so app.info must say so
    const core = createCore({ workspace: ctx.workspaceFlag, transport: 'http' });
    const host = await startWebHost(core, { port, roots });
    for (const r of core.files.rootChoices()) ctx.note(`browsable: ${r.path}`);
    ctx.note(`workspace ${core.workspace}`);
    if (ctx.json) process.stdout.write(JSON.stringify({ url: host.url, port: host.port, workspace: core.workspace }) + '\n');
    else ctx.say(`Stainless is serving on ${host.url}`);
    startupTasks(core, { demo: !values['no-demo'] }).catch((e) => ctx.note(`start-up: ${(e as Error).message}`));
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    await host.close();
    core.close();
    return undefined;
  },
};
