import { describe, expect, it } from 'vitest';
import { assertImageFits, imageBlocks, imageEnd } from './flash-image.js';
import { LoaderError } from './loader-error.js';

const seg = (address: number, ...data: number[]) => ({ address, data: Uint8Array.from(data) });

describe('imageBlocks', () => {
  it('cuts segments into aligned blocks, filling gaps with 0xFF, in address order', () => {
    const blocks = imageBlocks({ segments: [seg(10, 1, 2), seg(3, 9), seg(7, 5, 6)] }, 4);
    expect(blocks).toEqual([
      { address: 0, data: Uint8Array.of(0xff, 0xff, 0xff, 9) },
      { address: 4, data: Uint8Array.of(0xff, 0xff, 0xff, 5) },
      { address: 8, data: Uint8Array.of(6, 0xff, 1, 2) },
    ]);
  });

  it('drops all-0xFF blocks only when asked', () => {
    const img = { segments: [seg(0, 0xff, 0xff, 0xff, 0xff, 1)] };
    expect(imageBlocks(img, 4).map((b) => b.address)).toEqual([0, 4]);
    expect(imageBlocks(img, 4, { skipBlank: true }).map((b) => b.address)).toEqual([4]);
  });
});

describe('assertImageFits', () => {
  it('accepts an image ending exactly at the limit and names the area when it does not fit', () => {
    expect(() => assertImageFits({ segments: [seg(0x6fff, 1)] }, 0x7000, 'the area')).not.toThrow();
    let err: unknown;
    try {
      assertImageFits({ segments: [seg(0x6fff, 1, 2)] }, 0x7000, "the Pro Micro's application area");
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(LoaderError);
    expect((err as LoaderError).message).toBe(
      "image too big: it reaches 0x7000 (28673 bytes) but the Pro Micro's application area ends at 0x6fff (28672 bytes)",
    );
    expect(imageEnd({ segments: [] })).toBe(0);
  });
});
