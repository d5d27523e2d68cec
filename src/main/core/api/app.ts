import type { Handlers } from './dispatch';
import { APP_NAME, APP_VERSION } from '../version';
import { schemaVersion } from '../catalog/db';

export const appHandlers: Handlers<'app.info' | 'app.ping'> = {
  'app.info': async (_input, core) => ({
    name: APP_NAME,
    version: APP_VERSION,
    node: process.versions.node,
    electron: process.versions.electron ?? null,
    onnxruntime: core.runtime.ortVersion,
    transport: core.transport,
    workspace: core.workspace,
    catalogVersion: schemaVersion(core.db),
    providers: await core.runtime.providers(),
  }),
  'app.ping': ({ echo }) => ({ echo, at: new Date().toISOString() }),
};
