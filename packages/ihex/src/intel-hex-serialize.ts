import type { MemoryImage } from './memory-image.js';
import { RecordType } from './record-type.js';

export interface SerializeOptions {
  /** Data bytes per record: 16 (avr-objcopy's default) or 32. */
  recordSize?: 16 | 32;
  /** Line ending; default '\n'. */
  eol?: '\n' | '\r\n';
}

/**
 * Intel HEX text for `image`: data records aligned to `recordSize`, an 04 (extended linear address) record whenever
 * the upper 16 address bits change (so none below 64 KiB), records never crossing a 64 KiB boundary, the start
 * address as an 03/05 record when the image has one, and exactly one EOF record.
 */
export function serializeIntelHex(image: MemoryImage, opts: SerializeOptions = {}): string {
  const recordSize = opts.recordSize ?? 16;
  if (recordSize !== 16 && recordSize !== 32) {
    throw new TypeError(`serializeIntelHex: recordSize must be 16 or 32, got ${String(recordSize)}`);
  }
  const eol = opts.eol ?? '\n';
  if (eol !== '\n' && eol !== '\r\n') throw new TypeError('serializeIntelHex: eol must be "\\n" or "\\r\\n"');

  const out: string[] = [];
  let upper = 0;
  for (const seg of image.segments) {
    const end = seg.address + seg.data.length;
    let address = seg.address;
    while (address < end) {
      // recordSize divides 64 KiB, so an aligned record never crosses a 64 KiB boundary.
      const stop = Math.min(end, (Math.floor(address / recordSize) + 1) * recordSize);
      const hi = Math.floor(address / 0x10000);
      if (hi !== upper) {
        out.push(record(RecordType.extendedLinearAddress, 0, [hi >> 8, hi & 0xff]));
        upper = hi;
      }
      out.push(record(RecordType.data, address & 0xffff, seg.data.subarray(address - seg.address, stop - seg.address)));
      address = stop;
    }
  }
  const start = image.startAddress;
  if (start !== undefined) {
    if ('linear' in start) {
      const v = start.linear;
      out.push(record(RecordType.startLinearAddress, 0, [(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff]));
    } else {
      out.push(record(RecordType.startSegmentAddress, 0, [start.cs >> 8, start.cs & 0xff, start.ip >> 8, start.ip & 0xff]));
    }
  }
  out.push(record(RecordType.endOfFile, 0, []));
  return out.join(eol) + eol;
}

/** One Intel HEX record line (no line ending), upper-case hex. */
export function record(type: number, offset: number, data: ArrayLike<number>): string {
  const bytes = [data.length, (offset >> 8) & 0xff, offset & 0xff, type];
  for (let i = 0; i < data.length; i++) bytes.push(data[i]! & 0xff);
  let sum = 0;
  for (const b of bytes) sum += b;
  bytes.push(-sum & 0xff);
  let s = ':';
  for (const b of bytes) s += BYTE_HEX[b]!;
  return s;
}

const BYTE_HEX: readonly string[] = Array.from({ length: 256 }, (_, b) => b.toString(16).toUpperCase().padStart(2, '0'));
