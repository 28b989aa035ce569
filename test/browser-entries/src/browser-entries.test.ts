import { builtinModules, createRequire } from 'node:module';
import { rolldown } from 'rolldown';
import { describe, expect, test } from 'vitest';

/**
 * Every entry point the web page may import, bundled for the browser exactly as a page's bundler would see it
 * (package `exports`, `browser` conditions, the whole import graph). A Node builtin anywhere in that graph fails
 * the test with the chain that pulled it in; the Node-only parts live on their own subpaths (listed at the end,
 * where the opposite is asserted so the check is known to catch them). Node globals (process, Buffer, require) in
 * the bundled code fail it too.
 */
// what packages/web imports today, plus @ispkit/doctor (I/O-free, so the page can explain a pasted log too)
const browserEntries = ['@ispkit/core', '@ispkit/stk500', '@ispkit/ihex', '@ispkit/parts', '@ispkit/boards', '@ispkit/loaders', '@ispkit/doctor'];
const nodeOnlyEntries = ['@ispkit/boards/node', '@ispkit/loaders/node-hid'];

const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
const require = createRequire(import.meta.url);

async function nodeImports(entry: string): Promise<string[]> {
  const found: string[] = [];
  const bundle = await rolldown({
    input: require.resolve(entry),
    platform: 'browser',
    logLevel: 'silent',
    plugins: [
      {
        name: 'forbid-node-builtins',
        resolveId(id, importer) {
          if (id.startsWith('node:') || builtins.has(id)) {
            found.push(`${id} (imported by ${importer?.replace(/.*\/packages\//, 'packages/') ?? entry})`);
            return { id, external: true };
          }
          return null;
        },
      },
    ],
    // anything else that does not resolve is a real error (a missing export, a typo), not a pass
    onLog(level, log) {
      if (level === 'warn' && log.code === 'UNRESOLVED_IMPORT') found.push(`unresolved: ${log.message}`);
    },
  });
  const { output } = await bundle.generate({ format: 'esm' });
  await bundle.close();
  // Node globals a browser does not have (an import check cannot see these)
  for (const chunk of output) {
    if (chunk.type !== 'chunk') continue;
    for (const m of chunk.code.matchAll(/.{0,40}(\b(?:process|Buffer)\s*\.|\b__dirname\b|\b__filename\b|\brequire\s*\().{0,40}/g)) found.push(`Node global: ${m[0].trim()}`);
  }
  return found;
}

describe('entry points the web page imports load in a browser (no Node builtins in their import graph)', () => {
  for (const entry of browserEntries) {
    test(entry, async () => {
      expect(await nodeImports(entry)).toEqual([]);
    });
  }
  for (const entry of nodeOnlyEntries) {
    test(`${entry} is Node-only and the check sees it`, async () => {
      expect((await nodeImports(entry)).length).toBeGreaterThan(0);
    });
  }
});
