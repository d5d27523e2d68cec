import { mkdtempSync, mkdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createCore, type Core } from '../../src/main/core/core';
import { startWebHost, type WebHost } from '../../src/main/webhost';
import { rendererDir } from '../../src/main/core/paths';

export const CHROMIUM = process.env.STAINLESS_CHROMIUM ?? '/usr/bin/chromium';
export const SHOTS = join(process.cwd(), 'test-output', 'e2e');

/** Flags for Debian's Chromium in a container without GPU or network (DESIGN.md §3). */
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  // WebGL2 without a GPU: SwiftShader through ANGLE.
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
];

export interface Session {
  core: Core;
  host: WebHost;
  browser: Browser;
  page: Page;
  /** base URL without the token */
  base: string;
  close(): Promise<void>;
}

/** Fails early with the fix when the renderer bundle or Chromium is missing. */
export function checkPrerequisites(): void {
  if (!existsSync(join(rendererDir(), 'index.html'))) throw new Error(`${rendererDir()} is missing: run \`npm run build\` before the e2e tests`);
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
}

export function tempWorkspace(tag: string): string {
  return mkdtempSync(join(tmpdir(), `stainless-e2e-${tag}-`));
}

/** Web host in-process on a workspace + a fresh Chromium profile, page opened on the tokened URL. */
export async function openSession(workspace: string, opts: { core?: Core; viewport?: { width: number; height: number } } = {}): Promise<Session> {
  checkPrerequisites();
  const core = opts.core ?? createCore({ workspace, transport: 'http' });
  const host = await startWebHost(core, { port: 0 });
  // playwright's launch() always starts from a fresh temporary profile (user-data-dir).
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
  const context = await browser.newContext({ viewport: opts.viewport ?? { width: 1600, height: 1000 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(host.url);
  return {
    core,
    host,
    browser,
    page,
    base: `http://127.0.0.1:${host.port}`,
    async close() {
      await browser.close();
      await host.close();
      if (!opts.core) core.close();
      if (errors.length) throw new Error(`page errors: ${errors.join('; ')}`);
    },
  };
}

export async function shot(page: Page, name: string): Promise<string> {
  mkdirSync(SHOTS, { recursive: true });
  const file = join(SHOTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: false });
  return file;
}

/** Click a section in the navigation and wait until its page is mounted. */
export async function goSection(page: Page, section: string): Promise<void> {
  await page.click(`[data-nav="${section}"]`);
  await page.waitForSelector(`[data-page="${section}"]`);
}
