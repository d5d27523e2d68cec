// Runs one CLI command in this process and reports its peak resident memory on stderr
// (`maxrss <KiB>`), for the memory benchmarks: node --import tsx bench/rss.ts <command> [flags].
import { readFileSync } from 'node:fs';
import { main } from '../src/main/cli';

const code = await main(process.argv.slice(2));
// VmHWM is this process's own peak; getrusage's maxRSS on Linux also counts the parent it was
// forked from (kept across exec), so it would report the benchmark's memory instead.
let kib = process.resourceUsage().maxRSS;
try {
  kib = Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? kib);
} catch {
  // not Linux: maxRSS it is
}
process.stderr.write(`maxrss ${kib}\n`);
process.stdout.write('', () => process.exit(code));
