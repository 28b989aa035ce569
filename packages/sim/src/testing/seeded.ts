import { MemoryImage } from '@ispkit/ihex';

/** Deterministic pseudo-random bytes (mulberry32), so fixtures are generated, not committed. */
export function seededBytes(length: number, seed: number): Uint8Array {
  let a = seed >>> 0;
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = (t ^ (t >>> 14)) & 0xff;
  }
  return out;
}

/** A flash image of `length` seeded random bytes at `base` (default 0). */
export function randomImage(length: number, seed: number, base = 0): MemoryImage {
  return MemoryImage.fromBinary(seededBytes(length, seed), base);
}
