import type { MemoryImage } from '@ispkit/ihex';
import type { Part } from '@ispkit/parts';

export interface FlashPlan {
  /** Full pages to write after a chip erase: pages holding data, all-0xFF pages left out (erased flash reads so). */
  pages: { address: number; data: Uint8Array }[];
  /** Bytes that go over the wire (pages × page size). */
  bytes: number;
  /** Pages holding only 0xFF that were skipped. */
  blankPagesSkipped: number;
  /** Contiguous runs of written pages: what verify reads back. */
  runs: { start: number; length: number }[];
}

/** What to write for an image after an erase. Pure. */
export function planFlash(image: MemoryImage, part: Part): FlashPlan {
  const pages: FlashPlan['pages'] = [];
  let blankPagesSkipped = 0;
  for (const page of image.pages(part.flash.pageSize)) {
    if (page.data.every((b) => b === 0xff)) blankPagesSkipped++;
    else pages.push(page);
  }
  const runs: FlashPlan['runs'] = [];
  for (const p of pages) {
    const last = runs[runs.length - 1];
    if (last && last.start + last.length === p.address) last.length += p.data.length;
    else runs.push({ start: p.address, length: p.data.length });
  }
  return { pages, bytes: pages.length * part.flash.pageSize, blankPagesSkipped, runs };
}

export interface Mismatch {
  count: number;
  first: number;
  expected: number;
  actual: number;
}

/**
 * Compare what was read back with what should be there. `expected(address)` gives the byte the image defines, or
 * undefined where it defines none (not compared). Returns undefined when equal.
 */
export function findMismatch(start: number, actual: Uint8Array, expected: (address: number) => number | undefined): Mismatch | undefined {
  let count = 0;
  let first = -1;
  let exp = 0;
  let act = 0;
  for (let i = 0; i < actual.length; i++) {
    const e = expected(start + i);
    if (e === undefined || e === actual[i]) continue;
    if (count === 0) {
      first = start + i;
      exp = e;
      act = actual[i]!;
    }
    count++;
  }
  return count ? { count, first, expected: exp, actual: act } : undefined;
}

/** Merge per-run mismatches into one report (first address overall, total count). */
export function combineMismatches(list: readonly (Mismatch | undefined)[]): Mismatch | undefined {
  let out: Mismatch | undefined;
  for (const m of list) {
    if (!m) continue;
    if (!out) out = { ...m };
    else {
      out.count += m.count;
      if (m.first < out.first) Object.assign(out, { first: m.first, expected: m.expected, actual: m.actual });
    }
  }
  return out;
}
