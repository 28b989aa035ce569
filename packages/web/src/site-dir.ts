import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The built page (vite's output): $ISPKIT_WEB_DIR when set (a bundled CLI ships the page elsewhere), else dist/site of
 * this package (the same path from src/ and from dist/).
 */
export function siteDir(env: Record<string, string | undefined> = process.env): string {
  return env['ISPKIT_WEB_DIR'] || fileURLToPath(new URL('../dist/site', import.meta.url));
}

/** Whether the page has been built (`pnpm --filter @ispkit/web build`). */
export function siteBuilt(): boolean {
  return existsSync(`${siteDir()}/index.html`);
}
