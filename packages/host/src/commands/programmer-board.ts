/**
 * Shared by `programmer build` and `programmer install`: pick a programmer board from @ispkit/boards by id, and
 * find the firmware tree and its committed hex files.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { boards, getBoard, type BoardDefinition } from '@ispkit/boards';
import { usageError } from '../cli-error.js';

export function programmerBoard(id: string): BoardDefinition {
  try {
    return getBoard(id);
  } catch {
    throw usageError(`unknown programmer board "${id}"`, `use one of ${boards.map((b) => b.id).join(', ')}`);
  }
}

/**
 * The firmware/ directory (holding dist/*.hex): $ISPKIT_FIRMWARE_DIR, else the nearest `firmware/dist` above this
 * file. In a checkout that is the repository's firmware/ (from packages/host/{src,dist}/commands); in the npm
 * package, whose bundle is dist/cli.js, it is the package's own firmware/ next to dist/.
 */
export function firmwareDir(env: Record<string, string | undefined> = process.env, from: string = dirname(fileURLToPath(import.meta.url))): string {
  const fromEnv = env['ISPKIT_FIRMWARE_DIR'];
  if (fromEnv) return fromEnv;
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'firmware', 'dist'))) return join(dir, 'firmware');
    if (dirname(dir) === dir) return fileURLToPath(new URL('../../../../firmware/', import.meta.url));
  }
}

export function firmwareDirExists(dir: string): boolean {
  return existsSync(dir);
}
