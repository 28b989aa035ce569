import { LoaderError, hex } from './loader-error.js';

/** What a loader needs from an image: @ispkit/ihex's MemoryImage satisfies it. */
export interface FlashImage {
  readonly segments: readonly { readonly address: number; readonly data: Uint8Array }[];
}

export interface FlashBlock {
  /** Byte address, a multiple of the block size. */
  address: number;
  /** Exactly one block; bytes the image does not set are 0xFF. */
  data: Uint8Array;
}

/** One past the highest address the image sets (0 for an empty image). */
export function imageEnd(image: FlashImage): number {
  let end = 0;
  for (const s of image.segments) if (s.data.length > 0) end = Math.max(end, s.address + s.data.length);
  return end;
}

/**
 * Throw 'image-too-big' unless every byte of the image lies below `limit`. `what` names the board and area,
 * e.g. "the Pro Micro's application area (Caterina occupies 0x7000-0x7fff)".
 */
export function assertImageFits(image: FlashImage, limit: number, what: string): void {
  const end = imageEnd(image);
  if (end > limit) {
    throw new LoaderError(
      'image-too-big',
      `image too big: it reaches ${hex(end - 1)} (${end} bytes) but ${what} ends at ${hex(limit - 1)} (${limit} bytes)`,
      end - 1,
    );
  }
  for (const s of image.segments) {
    if (s.address < 0) throw new LoaderError('image-too-big', `image has data at a negative address`, s.address);
  }
}

/**
 * The blocks of `blockSize` bytes that hold at least one byte of the image, in address order, gaps filled with
 * 0xFF. With `skipBlank`, blocks whose bytes are all 0xFF are left out (an erased chip already holds them).
 */
export function imageBlocks(image: FlashImage, blockSize: number, opts: { skipBlank?: boolean } = {}): FlashBlock[] {
  const blocks = new Map<number, Uint8Array>();
  for (const s of image.segments) {
    for (let i = 0; i < s.data.length; ) {
      const addr = s.address + i;
      const base = addr - (addr % blockSize);
      let block = blocks.get(base);
      if (!block) {
        block = new Uint8Array(blockSize).fill(0xff);
        blocks.set(base, block);
      }
      const n = Math.min(blockSize - (addr - base), s.data.length - i);
      block.set(s.data.subarray(i, i + n), addr - base);
      i += n;
    }
  }
  return [...blocks.entries()]
    .sort((a, b) => a[0] - b[0])
    .filter(([, data]) => !opts.skipBlank || data.some((b) => b !== 0xff))
    .map(([address, data]) => ({ address, data }));
}
