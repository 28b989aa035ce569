import { mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { portGone } from './port-gone.js';

describe('portGone (a timeout on a vanished device node is an unplug)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ispkit-steps-'));

  test('a symlink whose device went away (the simulator\'s port after a hang-up) is gone', () => {
    const link = join(dir, 'port-gone');
    symlinkSync(join(dir, 'no-such-pts'), link);
    expect(portGone(link)).toBe(true);
    expect(portGone('/dev/ttyACM-unplugged')).toBe(true);
  });

  test('a node that is still there is not gone', () => {
    const dev = join(dir, 'tty-present');
    writeFileSync(dev, '');
    const link = join(dir, 'port-present');
    symlinkSync(dev, link);
    expect(portGone(dev)).toBe(false);
    expect(portGone(link)).toBe(false);
  });

  test('names that are not paths (Windows COM ports) are never judged gone', () => {
    expect(portGone('COM3')).toBe(false);
  });
});
