import { describe, expect, test } from 'vitest';
import { eepromRunsToWrite } from './eeprom-pages.js';

describe('eepromRunsToWrite', () => {
  test('only pages that differ, consecutive ones joined', () => {
    const now = new Uint8Array(32).fill(0xff);
    const want = now.slice();
    want[1] = 0;
    want[5] = 1;
    want[6] = 2;
    want[20] = 3;
    expect(eepromRunsToWrite(now, want, 4)).toEqual([
      { start: 0, length: 8 },
      { start: 20, length: 4 },
    ]);
    expect(eepromRunsToWrite(now, now.slice(), 4)).toEqual([]);
  });
  test('refuses mismatched sizes', () => {
    expect(() => eepromRunsToWrite(new Uint8Array(4), new Uint8Array(8), 4)).toThrow(RangeError);
  });
});
