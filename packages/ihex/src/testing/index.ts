/**
 * Test helpers for packages that use @ispkit/ihex (import from '@ispkit/ihex/testing'; needs fast-check, a root
 * devDependency).
 */
import fc from 'fast-check';
import { MemoryImage, type Segment } from '../memory-image.js';

export { record as hexRecord } from '../intel-hex-serialize.js';
export { seededBytes } from './seeded-bytes.js';

export interface ImageArbitraryOptions {
  /** Addresses are drawn below this (default 0x30000, so images cross 64 KiB boundaries). */
  maxAddress?: number;
  /** At most this many segments (default 6). */
  maxSegments?: number;
  /** Longest segment (default 300 bytes). */
  maxSegmentLength?: number;
  /** Also draw 03/05 start addresses (default true). */
  withStartAddress?: boolean;
}

/** Random sparse images; segments may touch or overlap (later ones are dropped where they overlap). */
export function imageArbitrary(opts: ImageArbitraryOptions = {}): fc.Arbitrary<MemoryImage> {
  const maxAddress = opts.maxAddress ?? 0x30000;
  const segment = fc.record({
    address: fc.integer({ min: 0, max: maxAddress - 1 }),
    data: fc.uint8Array({ minLength: 1, maxLength: opts.maxSegmentLength ?? 300 }),
  });
  const start = fc.option(
    fc.oneof(
      fc.record({ cs: fc.integer({ min: 0, max: 0xffff }), ip: fc.integer({ min: 0, max: 0xffff }) }),
      fc.record({ linear: fc.integer({ min: 0, max: 0xffffffff }) }),
    ),
    { nil: undefined },
  );
  return fc
    .tuple(fc.array(segment, { maxLength: opts.maxSegments ?? 6 }), opts.withStartAddress === false ? fc.constant(undefined) : start)
    .map(([segs, startAddress]) => MemoryImage.fromSegments(disjoint(segs), { startAddress }));
}

/** Drop the parts of each segment that overlap an earlier one, so fromSegments never sees a conflict. */
function disjoint(segs: Segment[]): Segment[] {
  const taken: Segment[] = [];
  const out: Segment[] = [];
  for (const s of segs) {
    let pieces: Segment[] = [s];
    for (const t of taken) {
      const tEnd = t.address + t.data.length;
      pieces = pieces.flatMap((p) => {
        const pEnd = p.address + p.data.length;
        if (pEnd <= t.address || p.address >= tEnd) return [p];
        const res: Segment[] = [];
        if (p.address < t.address) res.push({ address: p.address, data: p.data.subarray(0, t.address - p.address) });
        if (pEnd > tEnd) res.push({ address: tEnd, data: p.data.subarray(tEnd - p.address) });
        return res;
      });
    }
    taken.push(s);
    out.push(...pieces);
  }
  return out;
}
