/**
 * The fingerprint of what an image programs into flash, independent of how its Intel HEX is written.
 *
 * Definition (the catalogue's hashes use exactly this): take the flash bytes the image sets in [start, end) — by
 * default its whole address range — with every address the image does not set read as 0xFF (erased flash);
 * drop the 0xFF bytes at both ends (writing 0xFF is the same as not writing); the digest is the SHA-256 of what
 * is left, together with the address of its first byte. Record length, address records (segment 02 or linear 04),
 * line endings, letter case, EOF and start-address records therefore do not change it; an explicit 0xFF padding
 * at either end does not either. Two images with the same digest program the same flash bytes.
 */
import { sha256 } from '@noble/hashes/sha2';

import type { ImageLike } from './identify-bootloader.js';

export interface FlashDigest {
  /** First and end (exclusive) byte address of the non-0xFF span the hash covers. */
  start: number;
  end: number;
  /** Lowercase hex SHA-256 of the bytes in [start, end). */
  sha256: string;
}

function toHex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

/** The digest of the image's flash bytes in [range.start, range.end); undefined when that span is all 0xFF. */
export function flashDigest(image: ImageLike, range?: { start: number; end: number }): FlashDigest | undefined {
  const segments = image.segments.filter((s) => s.data.length > 0);
  if (segments.length === 0) return undefined;
  const lo = range?.start ?? Math.min(...segments.map((s) => s.address));
  const hi = range?.end ?? Math.max(...segments.map((s) => s.address + s.data.length));
  if (hi <= lo) return undefined;
  const bytes = new Uint8Array(hi - lo).fill(0xff);
  for (const s of segments) {
    const from = Math.max(lo, s.address);
    const to = Math.min(hi, s.address + s.data.length);
    if (from < to) bytes.set(s.data.subarray(from - s.address, to - s.address), from - lo);
  }
  let first = 0;
  while (first < bytes.length && bytes[first] === 0xff) first++;
  if (first === bytes.length) return undefined;
  let last = bytes.length;
  while (bytes[last - 1] === 0xff) last--;
  return { start: lo + first, end: lo + last, sha256: toHex(sha256(bytes.subarray(first, last))) };
}
