/**
 * Shared by `programmer build` and `programmer install`: pick a programmer board from @ispkit/boards by id, and
 * find the firmware tree and its committed hex files.
 */
import { existsSync } from 'node:fs';
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
 * The repository's firmware/ directory: $ISPKIT_FIRMWARE_DIR, else found next to this package (the CLI runs from
 * a checkout: packages/host/{src,dist}/commands → ../../../../firmware).
 */
export function firmwareDir(env: Record<string, string | undefined> = process.env): string {
  const fromEnv = env['ISPKIT_FIRMWARE_DIR'];
  if (fromEnv) return fromEnv;
  return fileURLToPath(new URL('../../../../firmware/', import.meta.url));
}

export function firmwareDirExists(dir: string): boolean {
  return existsSync(dir);
}
