import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { planBlocks, planReads } from './block-plan.js';

const page = (address: number, fill: number) => ({ address, data: new Uint8Array(128).fill(fill) });

describe('planBlocks', () => {
  test('joins consecutive pages up to the block size and starts a new block at a gap', () => {
    const blocks = planBlocks([page(0, 1), page(128, 2), page(256, 3), page(1024, 4)], 128, 256);
    expect(blocks.map((b) => [b.address, b.data.length])).toEqual([
      [0, 256],
      [256, 128],
      [1024, 128],
    ]);
    expect(blocks[0]!.data[128]).toBe(2);
  });

  test('rejects unaligned, short and unsorted pages', () => {
    expect(() => planBlocks([page(64, 1)], 128, 256)).toThrow(/not aligned/);
    expect(() => planBlocks([{ address: 0, data: new Uint8Array(10) }], 128, 256)).toThrow(/has 10 bytes/);
    expect(() => planBlocks([page(128, 1), page(0, 1)], 128, 256)).toThrow(/sorted/);
  });

  test('property: blocks cover exactly the pages given, each within the limit', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 255 }), { maxLength: 60 }), fc.integer({ min: 1, max: 8 }), (indexes, perBlock) => {
        const sorted = [...indexes].sort((a, b) => a - b);
        const blocks = planBlocks(sorted.map((i) => page(i * 128, i)), 128, perBlock * 128);
        const covered = blocks.flatMap((b) => Array.from({ length: b.data.length / 128 }, (_, k) => b.address / 128 + k));
        expect(covered).toEqual(sorted);
        for (const b of blocks) expect(b.data.length).toBeLessThanOrEqual(perBlock * 128);
        for (const b of blocks) for (let k = 0; k < b.data.length / 128; k++) expect(b.data[k * 128]).toBe(b.address / 128 + k);
      }),
    );
  });
});

describe('planReads', () => {
  test('splits a range into blocks', () => {
    expect(planReads(100, 600, 256)).toEqual([
      { address: 100, length: 256 },
      { address: 356, length: 256 },
      { address: 612, length: 88 },
    ]);
  });
});
