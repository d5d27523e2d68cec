import type { Core } from './core';

/**
 * What happens when an app (window or web host) starts on a workspace: register bundled
 * models, offer a demo plate on an empty catalog. Each capability adds its step here; steps
 * run as jobs so the UI shows their progress.
 */
export function startupTasks(_core: Core, _opts: { demo: boolean }): void {}
