import type { ParseArgsConfig } from 'node:util';
import type { Core } from '../core/core';

export interface CliContext {
  json: boolean;
  workspaceFlag: string | null;
  /** opens the workspace on first use (commands like `version` or `demo` may not need it) */
  core(): Core;
  /** the workspace with the bundled models registered (commands that resolve a model by name) */
  coreWithModels(): Promise<Core>;
  /** human output (stdout); suppressed with --json */
  say(line: string): void;
  /** progress and notes (stderr) */
  note(line: string): void;
}

export interface Command {
  name: string;
  summary: string;
  usage: string;
  options?: NonNullable<ParseArgsConfig['options']>;
  /** returns the --json document (printed by cli.ts) */
  run(args: { values: Record<string, unknown>; positionals: string[] }, ctx: CliContext): Promise<unknown>;
}

/** Thrown for a user error: cli.ts prints the message alone, no stack. */
export class UsageError extends Error {}
