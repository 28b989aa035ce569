import { MergeConflictError } from './image-error.js';
import { MemoryImage, sameStart, type Segment, type StartAddress } from './memory-image.js';

export interface MergeInput {
  /** Shown in conflict errors, e.g. the file name. */
  name: string;
  image: MemoryImage;
}

/**
 * Union of the inputs. Overlapping bytes that are identical are fine; the first place where two inputs differ throws
 * MergeConflictError naming both inputs (in input order) and the run of differing addresses [start, end).
 * The result keeps a start address only when every input that has one agrees on it.
 */
export function mergeImages(inputs: readonly MergeInput[]): MemoryImage {
  for (let i = 0; i < inputs.length; i++) {
    for (let j = i + 1; j < inputs.length; j++) findConflict(inputs[i]!, inputs[j]!);
  }
  const segs: Segment[] = [];
  let start: StartAddress | undefined;
  let startAgreed = true;
  for (const input of inputs) {
    segs.push(...input.image.segments);
    const s = input.image.startAddress;
    if (s !== undefined) {
      if (start === undefined) start = s;
      else if (!sameStart(start, s)) startAgreed = false;
    }
  }
  return MemoryImage.fromSegments(segs, { startAddress: startAgreed ? start : undefined });
}

function findConflict(a: MergeInput, b: MergeInput): void {
  const as = a.image.segments;
  const bs = b.image.segments;
  let i = 0;
  let j = 0;
  while (i < as.length && j < bs.length) {
    const x = as[i]!;
    const y = bs[j]!;
    const xEnd = x.address + x.data.length;
    const yEnd = y.address + y.data.length;
    const from = Math.max(x.address, y.address);
    const to = Math.min(xEnd, yEnd);
    for (let addr = from; addr < to; addr++) {
      const xb = x.data[addr - x.address]!;
      const yb = y.data[addr - y.address]!;
      if (xb !== yb) {
        let end = addr + 1;
        while (end < to && x.data[end - x.address] !== y.data[end - y.address]) end++;
        throw new MergeConflictError(a.name, b.name, addr, end, xb, yb);
      }
    }
    if (xEnd <= yEnd) i++;
    else j++;
  }
}
