#!/usr/bin/env node
// CI proves the README's quick start: its first line (set up + start) runs as written there, from
// this clean clone, until it prints the app's address; the page is loaded in Chromium and must
// render the plate list; then the app is stopped. The second line must be the `npm test` that
// .ci/run calls next, so the two cannot drift apart.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const readme = readFileSync('README.md', 'utf8');
const block = readme.split('## Quick start')[1]?.match(/```sh\n([\s\S]*?)```/)?.[1];
if (!block) throw new Error('README.md has no ```sh block under "## Quick start"');
const [startLine, testLine] = block
  .split('\n')
  .map((l) => l.replace(/#.*$/, '').trim())
  .filter(Boolean);
console.log(`README quick start: \`${startLine}\`, then \`${testLine}\``);

async function checkStart() {
  const workspace = mkdtempSync(join(tmpdir(), 'stainless-readme-'));
  const child = spawn('bash', ['-c', startLine], {
    stdio: ['ignore', 'pipe', 'inherit'],
    detached: true, // its own process group: stopping it stops npm, the build and the server
    env: { ...process.env, STAINLESS_WORKSPACE: workspace },
  });
  let out = '';
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no address printed within 15 min; output:\n${out}`)), 15 * 60_000);
    child.stdout.on('data', (d) => {
      process.stdout.write(d);
      out += d;
      const m = out.match(/https?:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+/);
      if (m) resolve((clearTimeout(timer), m[0]));
    });
    child.on('exit', (code) => reject(new Error(`\`${startLine}\` exited (${code}) before printing an address`)));
  });
  try {
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu'] });
    try {
      const page = await browser.newPage();
      await page.goto(url);
      // a fresh workspace: the plate list shows (empty while the demo plate is being made, then its row)
      await page.waitForSelector('[data-testid="plate-table"], [data-testid="no-plates"]', { timeout: 120_000 });
      console.log(`the plate list rendered at ${url.replace(/token=.*/, 'token=…')}`);
    } finally {
      await browser.close();
    }
  } finally {
    process.kill(-child.pid, 'SIGTERM');
  }
}

if (testLine !== 'npm test') throw new Error(`README's quick-start test line is \`${testLine}\`; .ci/run runs \`npm test\`: make them agree`);
await checkStart();
process.exit(0); // the stopped app leaves no handle open, but do not wait on one
