import type { Command } from './types';
import { versionCommand } from './version';
import { serveCommand } from './serve';
import { importCommand, platesCommand, wellsCommand } from './catalog';

/** Every CLI command; `stainless help` lists them in this order. */
export const commands: Command[] = [serveCommand, versionCommand, importCommand, platesCommand, wellsCommand];
