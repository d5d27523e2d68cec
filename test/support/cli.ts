import { main } from '../../src/main/cli';

export interface CliResult {
  code: number;
  out: string;
  err: string;
}

/**
 * Runs the real CLI in this process and captures what it prints. The test runner reports through
 * stdout in binary chunks: those pass through, only the CLI's text is captured.
 */
export async function runCli(argv: string[]): Promise<CliResult> {
  let out = '';
  let err = '';
  const [o, e] = [process.stdout.write.bind(process.stdout), process.stderr.write.bind(process.stderr)];
  process.stdout.write = ((s: string | Uint8Array, ...rest: never[]) => (typeof s === 'string' ? ((out += s), true) : o(s, ...rest))) as typeof process.stdout.write;
  process.stderr.write = ((s: string | Uint8Array) => ((err += String(s)), true)) as typeof process.stderr.write;
  try {
    return { code: await main(argv), out, err };
  } finally {
    process.stdout.write = o;
    process.stderr.write = e;
  }
}
