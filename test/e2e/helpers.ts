import { mkdtempSync, mkdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createCore, type Core } from '../../src/main/core/core';
import { startWebHost, type WebHost } from '../../src/main/webhost';
import { rendererDir } from '../../src/main/core/paths';

export const CHROMIUM = process.env.STAINLESS_CHROMIUM ?? '/usr/bin/chromium';
export const SHOTS = join(process.cwd(), 'test-output', 'e2e');

/** Flags for Debian's Chromium in a container without GPU or network (DESIGN.md §3). */
export const FLAGS = [
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
export async function openSession(workspace: string, opts: { core?: Core; viewport?: { width: number; height: number }; roots?: string[] } = {}): Promise<Session> {
  checkPrerequisites();
  const core = opts.core ?? createCore({ workspace, transport: 'http' });
  // the file browser's roots: the tests' temporary folders and the repository (fixtures)
  const host = await startWebHost(core, { port: 0, roots: opts.roots ?? [tmpdir(), process.cwd()] });
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

export const DEMO_WELLS = ['B02', 'B03', 'B04', 'B05', 'B08', 'C02', 'C03', 'C04', 'C08', 'C09'];

/**
 * A small real demo workspace: the simulator's plate (a block of wells with DMSO and positive
 * controls), imported through the normal import path (which registers its ground-truth masks as
 * 'truth' segmentations), and the acquired images segmented + measured (classical path).
 */
export async function prepareDemoWorkspace(core: Core, opts: { wells?: string[]; sites?: number; size?: number } = {}): Promise<{ barcode: string; plateId: number }> {
  const { simulatePlate } = await import('../../src/main/core/simulate');
  const { importPlate } = await import('../../src/main/core/catalog/importPlate');
  const barcode = 'E2E-DEMO';
  const out = join(core.paths.demo, barcode);
  // DMSO negcon B02 B05 B08, poscon C03 C09 (the demo 96 layout), treatments between.
  const wells = opts.wells ?? DEMO_WELLS;
  await simulatePlate({ out, format: 96, sites: opts.sites ?? 2, size: opts.size ?? 128, seed: 5, wells, barcode, workers: 0 });
  const report = await importPlate(core.db, { dir: out, metadata: join(out, 'metadata'), barcode, cellLine: 'A549', isDemo: true });
  // the import registers the simulator's groundtruth/ labels as 'truth' segmentations
  if (report.truthSites !== report.sites) throw new Error(`ground truth registered for ${report.truthSites} of ${report.sites} sites`);
  const job = await core.jobs.wait(core.jobs.submit('features', { plate: barcode, source: 'acquired', method: 'classical' }).id);
  if (job.status !== 'done') throw new Error(`measuring the demo plate failed: ${job.error}`);
  return { barcode, plateId: report.plateId };
}

/** A PNG data URL of a canvas (the viewers keep their drawing buffer), to compare what is shown. */
export async function canvasDigest(page: Page, testId: string): Promise<string> {
  const url = (await page.evaluate(`(() => { const c = document.querySelector('[data-testid="${testId}"]'); return c ? c.toDataURL('image/png') : ''; })()`)) as string;
  return createHash('sha1').update(url).digest('hex');
}
