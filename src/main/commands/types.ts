import type { ParseArgsConfig } from 'node:util';
import type { Core } from '../core/core';
import type { Input, Output, RequestName } from '../../shared/contract';
import type { JobInfo } from '../../shared/contract/jobs';
import type { JobKindName, JobResult } from '../core/jobs/kinds';

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
  /**
   * A request of the contract, through dispatch like IPC and HTTP (same schema, same handler).
   * A rejected input is a UsageError naming the flag: `flags` maps input fields to flag names
   * where they differ from the field's kebab-case.
   */
  call<N extends RequestName>(name: N, input: Input<N>, flags?: Record<string, string>): Promise<Output<N>>;
  /** Waits for a job, printing its progress on stderr; Ctrl-C cancels it. Throws unless it is done. */
  watch<K extends JobKindName>(job: JobInfo, kind: K, label: string): Promise<JobResult<K>>;
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
