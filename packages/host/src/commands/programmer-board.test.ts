import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { firmwareDir } from './programmer-board.js';

test('finds the committed hex in a checkout and next to the npm package\'s bundle', () => {
  expect(firmwareDir({})).toMatch(/firmware$/);
  const pkg = join(mkdtempSync(join(tmpdir(), 'ispkit-layout-')), 'node_modules', 'ispkit');
  mkdirSync(join(pkg, 'firmware', 'dist'), { recursive: true });
  mkdirSync(join(pkg, 'dist'));
  expect(firmwareDir({}, join(pkg, 'dist'))).toBe(join(pkg, 'firmware'));
  expect(firmwareDir({ ISPKIT_FIRMWARE_DIR: '/opt/fw' }, join(pkg, 'dist'))).toBe('/opt/fw');
});
