import { parseArgs } from 'node:util';
import { commands } from './commands';
import { UsageError, type CliContext } from './commands/types';
import { createCore, type Core } from './core/core';
import { registerBundledModels } from './core/inference';
import { ApiError, dispatch, handlers } from './core/api';
import type { JobInfo } from '../shared/contract/jobs';

const GLOBAL = { workspace: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } as const;

function help(): string {
  const w = Math.max(...commands.map((c) => c.name.length));
  return [
    'stainless — virtual Cell Painting from brightfield',
    '',
    'usage: stainless <command> [options] [--workspace DIR] [--json]',
    '',
    ...commands.map((c) => `  ${c.name.padEnd(w)}  ${c.summary}`),
    `  ${'help'.padEnd(w)}  This list; \`stainless help <command>\` for one command`,
    '',
    'Global options: --workspace DIR (else $STAINLESS_WORKSPACE, else the per-user app-data folder), --json (one JSON document on stdout).',
  ].join('\n');
}

/** The CLI's one way to wait on a job: progress lines on stderr, Ctrl-C cancels, a typed result. */
async function watchJob<K extends Parameters<Core['jobs']['resultOf']>[1]>(core: Core, job: JobInfo, kind: K, label: string, note: (l: string) => void) {
  let last = '';
  const off = core.events.on((e) => {
    if (e.type !== 'job' || e.job.id !== job.id || e.job.status !== 'running' || e.job.total === 0) return;
    const j = e.job;
    const rate = j.rate ? `, ${j.rate.toFixed(2)} ${j.unit}/s, ETA ${Math.round(j.eta ?? 0)} s` : '';
    const line = `${label}: ${j.done}/${j.total} ${j.unit}${rate}${j.message ? ` (${j.message})` : ''}`;
    if (line !== last) note((last = line));
  });
  const onInt = () => core.jobs.cancel(job.id);
  process.once('SIGINT', onInt);
  try {
    const done = await core.jobs.wait(job.id);
    if (done.status === 'cancelled') throw new Error('cancelled; run the same command again to resume');
    if (done.status !== 'done') throw new Error(done.error ?? `the job ended ${done.status}`);
    return core.jobs.resultOf(done, kind);
  } finally {
    process.off('SIGINT', onInt);
    off();
  }
}

/**
 * The command name and everything else: global options may stand before the command
 * (`stainless --workspace W plates`) as well as after it.
 */
function splitCommand(argv: string[]): { name: string | undefined; rest: string[] } {
  let i = 0;
  while (i < argv.length && argv[i].startsWith('-') && argv[i] !== '-h' && argv[i] !== '--help') {
    i += argv[i] === '--workspace' ? 2 : 1; // the only global option that takes a separate value
  }
  return { name: argv[i], rest: [...argv.slice(0, i), ...argv.slice(i + 1)] };
}

/** Runs one CLI invocation; returns the exit code. Exported for in-process tests. */
export async function main(argv: string[]): Promise<number> {
  const { name, rest } = splitCommand(argv);
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    const c = commands.find((x) => x.name === rest[0]);
    console.log(c ? `${c.usage}\n\n${c.summary}` : help());
    return 0;
  }
  const cmd = commands.find((c) => c.name === name);
  let core: Core | null = null;
  const json = rest.includes('--json');
  try {
    if (!cmd) throw new UsageError(`unknown command "${name}" (see \`stainless help\`)`);
    const { values, positionals } = parseArgs({ args: rest, options: { ...GLOBAL, ...cmd.options }, allowPositionals: true, strict: true });
    if (values.help) {
      console.log(`${cmd.usage}\n\n${cmd.summary}`);
      return 0;
    }
    const ctx: CliContext = {
      json,
      workspaceFlag: (values.workspace as string | undefined) ?? null,
      core: () => (core ??= createCore({ workspace: (values.workspace as string | undefined) ?? null, transport: 'inprocess' })),
      async coreWithModels() {
        const c = ctx.core();
        // as the app does on start: the bundled models are there for `infer`, `predict` and `models`
        const r = await registerBundledModels(c);
        for (const f of r.failed) ctx.note(`bundled model ${f.dir} not registered: ${f.error}`);
        return c;
      },
      say: (line) => {
        if (!json) process.stdout.write(line + '\n');
      },
      note: (line) => process.stderr.write(line + '\n'),
      async call(request, input, flags = {}) {
        try {
          return (await dispatch(ctx.core(), handlers, request, input)) as never;
        } catch (e) {
          // an input the schema rejects is a usage error (2); a handler's refusal is a failure (1)
          if (!(e instanceof ApiError) || e.code !== 'bad_request' || !e.issues.length) throw e;
          const flag = (k: PropertyKey) => flags[String(k)] ?? String(k).replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
          throw new UsageError(e.issues.map((i) => `--${flag(i.path[0] ?? '')}: ${i.message}`).join('; '));
        }
      },
      watch: (job, kind, label) => watchJob(ctx.core(), job, kind, label, ctx.note),
    };
    const out = await cmd.run({ values, positionals }, ctx);
    if (json && out !== undefined) process.stdout.write(JSON.stringify(out, null, 2) + '\n');
    return 0;
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    process.stderr.write(`stainless ${name}: ${msg.split('\n').join(' ')}\n`);
    if (process.env.STAINLESS_DEBUG && e instanceof Error) process.stderr.write((e.stack ?? '') + '\n');
    return e instanceof UsageError || (e as { code?: string }).code?.startsWith?.('ERR_PARSE_ARGS') ? 2 : 1;
  } finally {
    (core as Core | null)?.close();
  }
}

// Run when executed as the CLI (bin/stainless.mjs or `tsx src/main/cli.ts`), not when imported by tests.
const invoked = process.argv[1] ?? '';
if (/stainless(\.mjs)?$|cli\.ts$/.test(invoked)) {
  // Exit only once stdout has drained: a large --json document on a pipe must arrive whole.
  main(process.argv.slice(2)).then((code) => process.stdout.write('', () => process.exit(code)));
}
