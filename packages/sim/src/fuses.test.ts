import { describe, expect, test } from 'vitest';
import { formatFuses, parseFuses } from './fuses.js';

describe('parseFuses', () => {
  test('reads LOW:HIGH:EXT hex as the harness CLI writes it', () => {
    expect(parseFuses('5E:99:F3')).toEqual({ low: 0x5e, high: 0x99, ext: 0xf3 });
    expect(parseFuses('0xde:0xd8:fb')).toEqual({ low: 0xde, high: 0xd8, ext: 0xfb });
  });
  test('round-trips through formatFuses with upper-case two-digit bytes', () => {
    expect(formatFuses(parseFuses('e:99:3'))).toBe('0E:99:03');
  });
  test('rejects malformed strings and out-of-range bytes with the expected shape', () => {
    expect(() => parseFuses('5E:99')).toThrow(/LOW:HIGH:EXT/);
    expect(() => parseFuses('5E:99:G3')).toThrow(/LOW:HIGH:EXT/);
    expect(() => parseFuses({ low: 256, high: 0, ext: 0 })).toThrow(/fuse low must be a byte/);
  });
});
