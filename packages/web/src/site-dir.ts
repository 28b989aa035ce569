import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The built page (vite's output): dist/site of this package (the same path from src/ and from dist/). */
export function siteDir(): string {
  return fileURLToPath(new URL('../dist/site', import.meta.url));
}

/** Whether the page has been built (`pnpm --filter @ispkit/web build`). */
export function siteBuilt(): boolean {
  return existsSync(`${siteDir()}/index.html`);
}
