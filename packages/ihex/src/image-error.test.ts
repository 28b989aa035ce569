import { describe, expect, test } from 'vitest';
import { ImageError, MergeConflictError, formatRange, hex, hex2 } from './image-error.js';

describe('ImageError', () => {
  test('carries code and only the details given', () => {
    const e = new ImageError('checksum', 'm', { source: 'a.hex', line: 3, expected: 1, found: 2 });
    expect(e).toBeInstanceOf(Error);
    expect(e).toMatchObject({ name: 'ImageError', code: 'checksum', source: 'a.hex', line: 3, expected: 1, found: 2 });
    expect('address' in e).toBe(false);
  });

  test('MergeConflictError is an ImageError with both names and an exclusive end', () => {
    const e = new MergeConflictError('a.hex', 'b.hex', 0x100, 0x101, 1, 2);
    expect(e).toBeInstanceOf(ImageError);
    expect(e).toMatchObject({ code: 'merge-conflict', first: 'a.hex', second: 'b.hex', start: 0x100, end: 0x101 });
    expect(e.message).toBe(
      'merge conflict: a.hex and b.hex hold different bytes at 0x0100 (at 0x0100: 0x01 vs 0x02); remove the overlap from one of them',
    );
  });

  test('number formatting', () => {
    expect(hex(0x7000)).toBe('0x7000');
    expect(hex(0x1fffe)).toBe('0x1FFFE');
    expect(hex2(0xa)).toBe('0x0A');
    expect(formatRange(0x10, 0x20)).toBe('0x0010-0x001F');
  });
});
