import { MemoryImage } from '@ispkit/ihex';
import { getPart } from '@ispkit/parts';
import { describe, expect, test } from 'vitest';
import { combineMismatches, findMismatch, planFlash } from './flash-plan.js';

const m32u4 = getPart('atmega32u4');

describe('planFlash', () => {
  test('writes pages with data, skips all-FF pages, verifies contiguous runs', () => {
    const image = MemoryImage.fromSegments([
      { address: 0, data: new Uint8Array(200).fill(1) },
      { address: 256, data: new Uint8Array(128).fill(0xff) },
      { address: 0x7000, data: new Uint8Array(10).fill(2) },
    ]);
    const plan = planFlash(image, m32u4);
    expect(plan.pages.map((p) => p.address)).toEqual([0, 128, 0x7000]);
    expect(plan.blankPagesSkipped).toBe(1);
    expect(plan.bytes).toBe(384);
    expect(plan.runs).toEqual([
      { start: 0, length: 256 },
      { start: 0x7000, length: 128 },
    ]);
    expect(plan.pages[1]!.data[100]).toBe(0xff); // gap filled with erased value
  });
});

describe('mismatch', () => {
  test('first address and count; undefined bytes are not compared', () => {
    const actual = Uint8Array.from([1, 2, 3, 4, 5]);
    const expected = (a: number) => (a === 12 ? undefined : [1, 9, 3, 9, 5][a - 10]);
    expect(findMismatch(10, actual, expected)).toEqual({ count: 2, first: 11, expected: 9, actual: 2 });
    expect(findMismatch(10, actual, (a) => actual[a - 10])).toBeUndefined();
    expect(combineMismatches([undefined, { count: 1, first: 50, expected: 1, actual: 2 }, { count: 3, first: 20, expected: 5, actual: 6 }])).toEqual({ count: 4, first: 20, expected: 5, actual: 6 });
  });
});
