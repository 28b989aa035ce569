import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SimError } from './sim-error.js';

/** The checkout root (where pnpm-workspace.yaml lives), found upward from this file. */
export function workspaceRoot(from: string = dirname(fileURLToPath(import.meta.url))): string {
  let dir = resolve(from);
  for (;;) {
    if (existsSync(join(dir, 'pnpm-workspace.yaml'))) return dir;
    const up = dirname(dir);
    if (up === dir) {
      throw new SimError('harness-missing', `cannot find the ispkit checkout above ${from}; set ISPKIT_SIMHARNESS`);
    }
    dir = up;
  }
}

/** Path of the simharness binary: $ISPKIT_SIMHARNESS, else the workspace build output. Checked to exist. */
export function harnessPath(explicit?: string): string {
  const path = explicit ?? process.env.ISPKIT_SIMHARNESS ?? join(workspaceRoot(), 'tools/simharness/build/simharness');
  if (!existsSync(path)) {
    throw new SimError(
      'harness-missing',
      `simulator harness not found at ${path}; build it with \`pnpm build\` (or \`pnpm --filter ./tools/simharness build\`)`,
    );
  }
  return path;
}

/** The committed programmer hex for a board: firmware/dist/<firmwareName>.hex. Checked to exist. */
export function defaultFirmware(board: string, firmwareName: string): string {
  const dir = process.env.ISPKIT_FIRMWARE_DIR ?? join(workspaceRoot(), 'firmware/dist');
  const path = join(dir, `${firmwareName}.hex`);
  if (!existsSync(path)) {
    throw new SimError(
      'firmware-missing',
      `programmer firmware for ${board} not found at ${path}; build it with \`pnpm build\` or pass firmware: <hex>`,
    );
  }
  return path;
}
