import { describe, expect, test } from 'vitest';
import { ImageError } from './image-error.js';
import { MemoryImage } from './memory-image.js';

const bytes = (...b: number[]): Uint8Array => Uint8Array.from(b);

describe('MemoryImage.fromSegments', () => {
  test('sorts, coalesces adjacent segments and drops empty ones', () => {
    const img = MemoryImage.fromSegments([
      { address: 0x10, data: bytes(3, 4) },
      { address: 0x0e, data: bytes(1, 2) },
      { address: 0x40, data: bytes() },
      { address: 0x20, data: bytes(9) },
    ]);
    expect(img.segments.map((s) => [s.address, [...s.data]])).toEqual([
      [0x0e, [1, 2, 3, 4]],
      [0x20, [9]],
    ]);
    expect(img.byteCount).toBe(5);
    expect(img.minAddress).toBe(0x0e);
    expect(img.endAddress).toBe(0x21);
    expect(img.isEmpty()).toBe(false);
  });

  test('identical overlapping bytes are merged into one segment', () => {
    const img = MemoryImage.fromSegments([
      { address: 0, data: bytes(1, 2, 3, 4) },
      { address: 2, data: bytes(3, 4, 5) },
      { address: 1, data: bytes(2) },
    ]);
    expect(img.segments).toHaveLength(1);
    expect([...img.segments[0]!.data]).toEqual([1, 2, 3, 4, 5]);
  });

  test('differing overlap throws ImageError overlap with the first differing address', () => {
    const err = catchError(() =>
      MemoryImage.fromSegments(
        [
          { address: 0x100, data: bytes(1, 2, 3, 4) },
          { address: 0x102, data: bytes(3, 9) },
        ],
        { source: 'a.elf' },
      ),
    );
    expect(err).toBeInstanceOf(ImageError);
    expect(err).toMatchObject({ code: 'overlap', address: 0x103, source: 'a.elf' });
    expect(err.message).toBe('overlapping data with different bytes at 0x0103 in a.elf');
  });

  test('copies input data, so later writes to the caller buffer do not change the image', () => {
    const data = bytes(1, 2, 3);
    const img = MemoryImage.fromBinary(data, 0x40);
    data[0] = 0xaa;
    expect(img.byteAt(0x40)).toBe(1);
  });

  test('rejects negative addresses and data past 4 GiB', () => {
    expect(() => MemoryImage.fromSegments([{ address: -1, data: bytes(1) }])).toThrow(RangeError);
    expect(() => MemoryImage.fromSegments([{ address: 0xffffffff, data: bytes(1, 2) }])).toThrow(RangeError);
  });

  test('empty image', () => {
    const img = MemoryImage.empty();
    expect(img.isEmpty()).toBe(true);
    expect(img.byteCount).toBe(0);
    expect(img.minAddress).toBe(0);
    expect(img.endAddress).toBe(0);
    expect(img.toBinary()).toHaveLength(0);
    expect([...img.pages(128)]).toEqual([]);
  });
});

describe('reading', () => {
  const img = MemoryImage.fromSegments([
    { address: 4, data: bytes(0x11, 0x22) },
    { address: 10, data: bytes(0x33) },
  ]);

  test('byteAt returns data or undefined in gaps', () => {
    expect([0, 3, 4, 5, 6, 9, 10, 11].map((a) => img.byteAt(a))).toEqual([
      undefined,
      undefined,
      0x11,
      0x22,
      undefined,
      undefined,
      0x33,
      undefined,
    ]);
  });

  test('read fills gaps with 0xFF by default or the given fill', () => {
    expect([...img.read(3, 9)]).toEqual([0xff, 0x11, 0x22, 0xff, 0xff, 0xff, 0xff, 0x33, 0xff]);
    expect([...img.read(5, 3, 0)]).toEqual([0x22, 0, 0]);
  });

  test('toBinary starts at 0 by default and honours start/end/fill', () => {
    expect([...img.toBinary()]).toEqual([0xff, 0xff, 0xff, 0xff, 0x11, 0x22, 0xff, 0xff, 0xff, 0xff, 0x33]);
    expect([...img.toBinary({ start: 4, end: 7, fill: 0 })]).toEqual([0x11, 0x22, 0]);
    expect(() => img.toBinary({ start: 8, end: 4 })).toThrow(RangeError);
  });

  test('fromBinary(toBinary()) keeps the bytes (gaps become 0xFF data)', () => {
    const back = MemoryImage.fromBinary(img.toBinary({ start: 4 }), 4);
    expect([...back.read(4, 7)]).toEqual([...img.read(4, 7)]);
    expect(back.byteCount).toBe(7);
  });

  test('slice keeps only the bytes in range', () => {
    const s = img.slice(5, 11);
    expect(s.segments.map((x) => [x.address, [...x.data]])).toEqual([
      [5, [0x22]],
      [10, [0x33]],
    ]);
  });
});

describe('pages', () => {
  const img = MemoryImage.fromSegments([
    { address: 0x00, data: bytes(1, 2) },
    { address: 0x7e, data: bytes(3, 4, 5, 6) }, // spans pages 0x00 and 0x80
    { address: 0x200, data: new Uint8Array(128).fill(0xff) }, // an all-0xFF page
    { address: 0x3ff, data: bytes(7) },
  ]);

  test('yields only pages holding data, full size, gaps 0xFF, in order', () => {
    const pages = [...img.pages(128)];
    expect(pages.map((p) => p.address)).toEqual([0x000, 0x080, 0x200, 0x380]);
    expect(pages.every((p) => p.data.length === 128)).toBe(true);
    expect([...pages[0]!.data.subarray(0, 3)]).toEqual([1, 2, 0xff]);
    expect([...pages[0]!.data.subarray(126)]).toEqual([3, 4]);
    expect([...pages[1]!.data.subarray(0, 3)]).toEqual([5, 6, 0xff]);
    expect(pages[3]!.data[127]).toBe(7);
  });

  test('skipBlank leaves out pages that are all 0xFF', () => {
    expect([...img.pages(128, { skipBlank: true })].map((p) => p.address)).toEqual([0x000, 0x080, 0x380]);
  });

  test('several segments in one page yield that page once', () => {
    const many = MemoryImage.fromSegments([
      { address: 1, data: bytes(1) },
      { address: 5, data: bytes(2) },
      { address: 9, data: bytes(3) },
    ]);
    expect([...many.pages(64)].map((p) => p.address)).toEqual([0]);
  });

  test('rejects a non-positive or fractional page size', () => {
    expect(() => [...img.pages(0)]).toThrow(RangeError);
    expect(() => [...img.pages(1.5)]).toThrow(/pageSize must be a positive integer, got 1.5/);
  });
});

describe('equals', () => {
  test('compares bytes, addresses and start address', () => {
    const a = MemoryImage.fromSegments([{ address: 0, data: bytes(1, 2) }]);
    const b = MemoryImage.fromSegments([
      { address: 1, data: bytes(2) },
      { address: 0, data: bytes(1) },
    ]);
    expect(a.equals(b)).toBe(true);
    expect(a.equals(MemoryImage.fromSegments([{ address: 0, data: bytes(1, 3) }]))).toBe(false);
    expect(a.equals(MemoryImage.fromSegments([{ address: 1, data: bytes(1, 2) }]))).toBe(false);
    expect(a.equals(MemoryImage.fromSegments(a.segments, { startAddress: { linear: 0 } }))).toBe(false);
    const s1 = MemoryImage.fromSegments(a.segments, { startAddress: { cs: 0, ip: 0x7000 } });
    const s2 = MemoryImage.fromSegments(a.segments, { startAddress: { cs: 0, ip: 0x7000 } });
    expect(s1.equals(s2)).toBe(true);
    expect(s1.equals(MemoryImage.fromSegments(a.segments, { startAddress: { linear: 0x7000 } }))).toBe(false);
  });
});

function catchError(fn: () => unknown): ImageError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ImageError) return e;
    throw e;
  }
  throw new Error('expected an ImageError');
}
