// Which pages the desktop shell trusts, and which links it opens outside. Plain functions (no
// 'electron' import) so the rules are unit-tested on machines without Electron.

export const APP_SCHEME = 'stainless';
export const APP_HOST = 'app';
export const IMAGE_HOST = 'img';
/** Where the packaged window loads the app from. */
export const APP_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

/**
 * Links the app may open in the user's browser (shell.openExternal): exact https prefixes of the
 * project's documentation. Empty until the project publishes its docs at a URL it owns (the docs
 * ship in the repository today); anything a page asks to open that is not listed is ignored.
 */
export const EXTERNAL_ALLOWLIST: readonly string[] = [];

const parse = (u: string): URL | null => {
  try {
    return new URL(u);
  } catch {
    return null;
  }
};

/**
 * A frame the IPC bridge answers: the app's own page (stainless://app), or — only in an
 * unpackaged development run — the electron-vite dev server's origin.
 */
export function isTrustedFrameUrl(frameUrl: string | undefined | null, devServerUrl: string | null): boolean {
  const u = parse(frameUrl ?? '');
  if (!u) return false;
  if (u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST) return true;
  const dev = devServerUrl ? parse(devServerUrl) : null;
  return !!dev && (dev.protocol === 'http:' || dev.protocol === 'https:') && u.origin === dev.origin;
}

/** The dev server URL is honoured only when the app is not packaged (a packaged build never loads remote code). */
export function devServerUrl(isPackaged: boolean, env: Record<string, string | undefined>): string | null {
  if (isPackaged) return null;
  const u = env.ELECTRON_RENDERER_URL ? parse(env.ELECTRON_RENDERER_URL) : null;
  return u && (u.hostname === 'localhost' || u.hostname === '127.0.0.1') ? u.href : null;
}

export function isAllowedExternal(url: string, allowlist: readonly string[] = EXTERNAL_ALLOWLIST): boolean {
  const u = parse(url);
  if (!u || u.protocol !== 'https:' || u.username || u.password) return false;
  return allowlist.some((p) => p.startsWith('https://') && p.endsWith('/') && u.href.startsWith(p));
}
