import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { ImageError, MergeConflictError } from './image-error.js';
import { MemoryImage } from './memory-image.js';
import { mergeImages } from './merge-images.js';
import { imageArbitrary } from './testing/index.js';

const img = (address: number, ...data: number[]): MemoryImage => MemoryImage.fromBinary(Uint8Array.from(data), address);

describe('mergeImages', () => {
  test('disjoint images are united; touching ones coalesce', () => {
    const m = mergeImages([
      { name: 'main.hex', image: img(0, 1, 2) },
      { name: 'boot.hex', image: img(0x7000, 9) },
      { name: 'tail.hex', image: img(2, 3) },
    ]);
    expect(m.segments.map((s) => [s.address, [...s.data]])).toEqual([
      [0, [1, 2, 3]],
      [0x7000, [9]],
    ]);
  });

  test('identical overlapping bytes are fine', () => {
    const m = mergeImages([
      { name: 'a', image: img(0, 1, 2, 3) },
      { name: 'b', image: img(1, 2, 3, 4) },
    ]);
    expect([...m.read(0, 4)]).toEqual([1, 2, 3, 4]);
  });

  test('differing bytes throw MergeConflictError naming both inputs and the range', () => {
    let err: unknown;
    try {
      mergeImages([
        { name: 'main.hex', image: img(0x6ffe, 0, 0, 0, 0, 0, 0) },
        { name: 'Caterina.hex', image: img(0x7000, 0, 0x0c, 0x94, 0, 0x7f) },
      ]);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(MergeConflictError);
    expect(err).toBeInstanceOf(ImageError);
    expect(err).toMatchObject({
      code: 'merge-conflict',
      first: 'main.hex',
      second: 'Caterina.hex',
      start: 0x7001,
      end: 0x7003,
      address: 0x7001,
      name: 'MergeConflictError',
    });
    expect((err as Error).message).toBe(
      'merge conflict: main.hex and Caterina.hex hold different bytes at 0x7001-0x7002 (at 0x7001: 0x00 vs 0x0C); remove the overlap from one of them',
    );
  });

  test('a conflict between the 2nd and 3rd inputs names those two', () => {
    expect(() =>
      mergeImages([
        { name: 'a', image: img(0, 1) },
        { name: 'b', image: img(0x10, 1) },
        { name: 'c', image: img(0x10, 2) },
      ]),
    ).toThrow(expect.objectContaining({ first: 'b', second: 'c', start: 0x10, end: 0x11 }));
  });

  test('start address kept when inputs agree, dropped when they differ', () => {
    const withStart = (s: number): MemoryImage => MemoryImage.fromSegments([], { startAddress: { linear: s } });
    expect(mergeImages([{ name: 'a', image: withStart(5) }, { name: 'b', image: img(0, 1) }]).startAddress).toEqual({ linear: 5 });
    expect(mergeImages([{ name: 'a', image: withStart(5) }, { name: 'b', image: withStart(5) }]).startAddress).toEqual({ linear: 5 });
    expect(mergeImages([{ name: 'a', image: withStart(5) }, { name: 'b', image: withStart(6) }]).startAddress).toBeUndefined();
  });

  test('no inputs gives the empty image', () => {
    expect(mergeImages([]).isEmpty()).toBe(true);
  });
});

describe('mergeImages properties', () => {
  const disjointPair = fc
    .tuple(imageArbitrary({ withStartAddress: false }), imageArbitrary({ withStartAddress: false }))
    .map(([a, b]) => {
      // Cut from b whatever a covers, so the two are disjoint.
      const segs = b.segments.flatMap((s) => {
        const out: { address: number; data: Uint8Array }[] = [];
        let runStart = -1;
        for (let i = 0; i <= s.data.length; i++) {
          const free = i < s.data.length && a.byteAt(s.address + i) === undefined;
          if (free && runStart < 0) runStart = i;
          if (!free && runStart >= 0) {
            out.push({ address: s.address + runStart, data: s.data.subarray(runStart, i) });
            runStart = -1;
          }
        }
        return out;
      });
      return [a, MemoryImage.fromSegments(segs)] as const;
    });

  test('merge of disjoint images is order-independent and holds every byte of both', () => {
    fc.assert(
      fc.property(disjointPair, ([a, b]) => {
        const ab = mergeImages([
          { name: 'a', image: a },
          { name: 'b', image: b },
        ]);
        const ba = mergeImages([
          { name: 'b', image: b },
          { name: 'a', image: a },
        ]);
        expect(ab.equals(ba)).toBe(true);
        expect(ab.byteCount).toBe(a.byteCount + b.byteCount);
        for (const src of [a, b]) {
          for (const s of src.segments) expect([...ab.read(s.address, s.data.length)]).toEqual([...s.data]);
        }
      }),
      { numRuns: 200 },
    );
  });

  test('merging an image with itself or a slice of itself gives the image back', () => {
    fc.assert(
      fc.property(imageArbitrary({ withStartAddress: false }), fc.nat(), fc.nat(), (a, x, y) => {
        const lo = Math.min(x, y) % 0x30000;
        const hi = Math.max(x, y) % 0x30000;
        const merged = mergeImages([
          { name: 'a', image: a },
          { name: 'slice', image: a.slice(lo, Math.max(lo, hi)) },
        ]);
        expect(merged.equals(a)).toBe(true);
      }),
      { numRuns: 100 },
    );
  });

  test('changing one overlapping byte always yields a conflict at that address', () => {
    fc.assert(
      fc.property(imageArbitrary({ withStartAddress: false }), fc.nat(), (a, pick) => {
        fc.pre(!a.isEmpty());
        const seg = a.segments[pick % a.segments.length]!;
        const addr = seg.address + ((pick >> 3) % seg.data.length);
        const changed = MemoryImage.fromBinary(Uint8Array.of((a.byteAt(addr)! + 1) & 0xff), addr);
        expect(() =>
          mergeImages([
            { name: 'a', image: a },
            { name: 'b', image: changed },
          ]),
        ).toThrow(expect.objectContaining({ code: 'merge-conflict', start: addr, end: addr + 1 }));
      }),
      { numRuns: 100 },
    );
  });
});
