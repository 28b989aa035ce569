import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { harnessPath, workspaceRoot } from './locate.js';

test('finds the checkout root from inside the package', () => {
  const root = workspaceRoot();
  expect(join(root, 'packages/sim/src')).toBe(join(import.meta.dirname));
});

test('a missing harness binary says where it looked and how to build it', () => {
  expect(() => harnessPath('/nonexistent/simharness')).toThrow(
    'simulator harness not found at /nonexistent/simharness; build it with `pnpm build`',
  );
});

test('an explicit harness path that exists is returned as is', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ispkit-locate-'));
  const bin = join(dir, 'simharness');
  writeFileSync(bin, '');
  expect(harnessPath(bin)).toBe(bin);
});
