/** A contiguous run of bytes sent in one STK_PROG_PAGE / read in one STK_READ_PAGE. */
export interface Block {
  address: number;
  data: Uint8Array;
}

/**
 * Group page-aligned pages into transfer blocks: consecutive pages are joined up to `maxBlock` bytes (rounded down
 * to whole pages), a gap starts a new block. Pages must be sorted, page-aligned and `pageSize` long.
 */
export function planBlocks(
  pages: Iterable<{ address: number; data: Uint8Array }>,
  pageSize: number,
  maxBlock: number,
): Block[] {
  const perBlock = Math.max(1, Math.floor(maxBlock / pageSize));
  const blocks: Block[] = [];
  let runStart = -1;
  let run: Uint8Array[] = [];
  let last = -Infinity;
  const flush = (): void => {
    if (run.length === 0) return;
    const data = new Uint8Array(run.length * pageSize);
    run.forEach((p, i) => data.set(p, i * pageSize));
    blocks.push({ address: runStart, data });
    run = [];
  };
  for (const page of pages) {
    if (page.address % pageSize !== 0) throw new RangeError(`page at 0x${page.address.toString(16)} is not aligned to ${pageSize}`);
    if (page.data.length !== pageSize) throw new RangeError(`page at 0x${page.address.toString(16)} has ${page.data.length} bytes, expected ${pageSize}`);
    if (page.address <= last) throw new RangeError('pages must be sorted and distinct');
    if (run.length > 0 && (page.address !== last + pageSize || run.length >= perBlock)) flush();
    if (run.length === 0) runStart = page.address;
    run.push(page.data);
    last = page.address;
  }
  flush();
  return blocks;
}

/** Split [start, start+length) into read blocks of at most `maxBlock` bytes. */
export function planReads(start: number, length: number, maxBlock: number): { address: number; length: number }[] {
  const out: { address: number; length: number }[] = [];
  for (let a = start; a < start + length; a += maxBlock) out.push({ address: a, length: Math.min(maxBlock, start + length - a) });
  return out;
}
