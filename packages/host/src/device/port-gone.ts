import { existsSync } from 'node:fs';

/**
 * An unplugged programmer often shows first as a reply that never came: when its device node (followed through
 * symlinks) is gone by then, it was unplugged, not stuck. Only for device paths (Windows COM names are not files).
 */
export function portGone(path: string): boolean {
  return process.platform !== 'win32' && path.startsWith('/') && !existsSync(path);
}
