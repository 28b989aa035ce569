// The bench is a root script, not a workspace package: it loads the built workspace libraries from their dist
// output (`pnpm bench` runs the turbo build first).
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

async function load(rel) {
  const path = join(root, rel);
  if (!existsSync(path)) throw new Error(`${rel} is not built; run \`pnpm build\` first (pnpm bench does)`);
  return import(pathToFileURL(path).href);
}

export const sim = await load('packages/sim/dist/index.js');
export const simTesting = await load('packages/sim/dist/testing/index.js');
export const ihex = await load('packages/ihex/dist/index.js');
export const ihexTesting = await load('packages/ihex/dist/testing/index.js');
