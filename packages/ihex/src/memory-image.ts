import { ImageError, hex, inSource } from './image-error.js';

/** A run of bytes starting at `address`. */
export interface Segment {
  address: number;
  data: Uint8Array;
}

/** Intel HEX start address: type 03 (CS:IP) or type 05 (32-bit linear). */
export type StartAddress = { cs: number; ip: number } | { linear: number };

export interface Page {
  address: number;
  data: Uint8Array;
}

/** Exclusive upper bound of the address space (32-bit). */
export const ADDRESS_LIMIT = 0x1_0000_0000;

/**
 * A sparse memory image: sorted, non-overlapping segments, adjacent ones coalesced, so two images holding the same
 * bytes have the same segments. Immutable by contract: the segment arrays are owned by the image; don't write to them.
 */
export class MemoryImage {
  readonly segments: readonly Segment[];
  readonly startAddress?: StartAddress;

  private constructor(segments: Segment[], startAddress: StartAddress | undefined) {
    this.segments = Object.freeze(segments.map((s) => Object.freeze(s)));
    if (startAddress !== undefined) this.startAddress = Object.freeze({ ...startAddress });
  }

  /** The empty image. */
  static empty(): MemoryImage {
    return new MemoryImage([], undefined);
  }

  /**
   * Build from segments in any order. Overlapping segments must agree byte for byte; differing bytes throw
   * ImageError code 'overlap' (naming `source` if given). The data is copied.
   */
  static fromSegments(
    segs: Iterable<Segment>,
    opts: { startAddress?: StartAddress | undefined; source?: string | undefined } = {},
  ): MemoryImage {
    const list: Segment[] = [];
    for (const seg of segs) {
      checkSegment(seg);
      if (seg.data.length > 0) list.push(seg);
    }
    list.sort((a, b) => a.address - b.address);
    const out: Segment[] = [];
    let i = 0;
    while (i < list.length) {
      // A run: segments that overlap or touch, in address order.
      const runStart = list[i]!.address;
      let runEnd = runStart;
      let j = i;
      while (j < list.length && list[j]!.address <= runEnd) {
        runEnd = Math.max(runEnd, list[j]!.address + list[j]!.data.length);
        j++;
      }
      const data = new Uint8Array(runEnd - runStart);
      // Highest offset written so far; parts come in address order, so only [part start, written) can overlap.
      let written = 0;
      for (let k = i; k < j; k++) {
        const part = list[k]!;
        const off = part.address - runStart;
        const overlapEnd = Math.min(written, off + part.data.length);
        for (let o = off; o < overlapEnd; o++) {
          if (data[o] !== part.data[o - off]) {
            const a = runStart + o;
            throw new ImageError('overlap', `overlapping data with different bytes at ${hex(a)}${inSource(opts.source)}`, {
              source: opts.source,
              address: a,
            });
          }
        }
        data.set(part.data, off);
        written = Math.max(written, off + part.data.length);
      }
      out.push({ address: runStart, data });
      i = j;
    }
    return new MemoryImage(out, opts.startAddress);
  }

  /** The bytes as one segment at `baseAddress` (default 0). Nothing is trimmed: 0xFF bytes count as data. */
  static fromBinary(bytes: Uint8Array, baseAddress = 0): MemoryImage {
    return MemoryImage.fromSegments([{ address: baseAddress, data: bytes }]);
  }

  /** Number of bytes holding data (gaps not counted). */
  get byteCount(): number {
    let n = 0;
    for (const s of this.segments) n += s.data.length;
    return n;
  }

  /** Lowest address holding data; 0 when empty. */
  get minAddress(): number {
    return this.segments[0]?.address ?? 0;
  }

  /** One past the highest address holding data; 0 when empty. */
  get endAddress(): number {
    const last = this.segments[this.segments.length - 1];
    return last === undefined ? 0 : last.address + last.data.length;
  }

  isEmpty(): boolean {
    return this.segments.length === 0;
  }

  /** The byte at `address`, or undefined in a gap. */
  byteAt(address: number): number | undefined {
    const i = this.segmentIndexAtOrBefore(address);
    if (i < 0) return undefined;
    const s = this.segments[i]!;
    const off = address - s.address;
    return off < s.data.length ? s.data[off] : undefined;
  }

  /** `length` bytes from `start`, gaps filled with `fill` (default 0xFF, erased flash). */
  read(start: number, length: number, fill = 0xff): Uint8Array {
    checkRange('read', start, length);
    const out = new Uint8Array(length);
    if (fill !== 0) out.fill(fill);
    const end = start + length;
    let i = Math.max(0, this.segmentIndexAtOrBefore(start));
    for (; i < this.segments.length; i++) {
      const s = this.segments[i]!;
      if (s.address >= end) break;
      const sEnd = s.address + s.data.length;
      if (sEnd <= start) continue;
      const from = Math.max(start, s.address);
      const to = Math.min(end, sEnd);
      out.set(s.data.subarray(from - s.address, to - s.address), from - start);
    }
    return out;
  }

  /**
   * Full pages (aligned to `pageSize`) that hold at least one byte of data, in address order; gaps inside a page
   * read as 0xFF. With `skipBlank`, pages whose bytes are all 0xFF are left out (erased flash already reads so).
   */
  *pages(pageSize: number, opts: { skipBlank?: boolean } = {}): Generator<Page> {
    if (!Number.isInteger(pageSize) || pageSize <= 0) {
      throw new RangeError(`pages: pageSize must be a positive integer, got ${String(pageSize)}`);
    }
    let next = 0; // first page address not yet yielded or skipped
    for (const s of this.segments) {
      const sEnd = s.address + s.data.length;
      let page = Math.max(next, Math.floor(s.address / pageSize) * pageSize);
      for (; page < sEnd; page += pageSize) {
        const data = this.read(page, pageSize);
        next = page + pageSize;
        if (opts.skipBlank === true && data.every((b) => b === 0xff)) continue;
        yield { address: page, data };
      }
    }
  }

  /**
   * A flat binary of [start, end), gaps filled with `fill` (default 0xFF). Defaults: start 0 (so a .bin is loaded at
   * address 0, as avrdude and loadImage do), end = endAddress.
   */
  toBinary(opts: { start?: number; end?: number; fill?: number } = {}): Uint8Array {
    const start = opts.start ?? 0;
    const end = opts.end ?? Math.max(start, this.endAddress);
    if (end < start) throw new RangeError(`toBinary: end ${hex(end)} is below start ${hex(start)}`);
    return this.read(start, end - start, opts.fill ?? 0xff);
  }

  /** The data inside [start, end) as a new image (start address not kept). */
  slice(start: number, end: number): MemoryImage {
    const segs: Segment[] = [];
    for (const s of this.segments) {
      const sEnd = s.address + s.data.length;
      const from = Math.max(start, s.address);
      const to = Math.min(end, sEnd);
      if (from < to) segs.push({ address: from, data: s.data.subarray(from - s.address, to - s.address) });
    }
    return MemoryImage.fromSegments(segs);
  }

  /** Same bytes at the same addresses and the same start address. */
  equals(other: MemoryImage): boolean {
    if (!sameStart(this.startAddress, other.startAddress)) return false;
    if (this.segments.length !== other.segments.length) return false;
    for (let i = 0; i < this.segments.length; i++) {
      const a = this.segments[i]!;
      const b = other.segments[i]!;
      if (a.address !== b.address || a.data.length !== b.data.length) return false;
      for (let j = 0; j < a.data.length; j++) if (a.data[j] !== b.data[j]) return false;
    }
    return true;
  }

  /** Index of the last segment starting at or before `address`, or -1. */
  private segmentIndexAtOrBefore(address: number): number {
    let lo = 0;
    let hi = this.segments.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.segments[mid]!.address <= address) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }
}

export function sameStart(a: StartAddress | undefined, b: StartAddress | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  if ('linear' in a) return 'linear' in b && a.linear === b.linear;
  return 'cs' in b && a.cs === b.cs && a.ip === b.ip;
}

function checkSegment(seg: Segment): void {
  if (!(seg.data instanceof Uint8Array)) {
    throw new TypeError(`segment at ${String(seg.address)}: data must be a Uint8Array`);
  }
  checkRange('segment', seg.address, seg.data.length);
}

function checkRange(what: string, start: number, length: number): void {
  if (!Number.isInteger(start) || start < 0) {
    throw new RangeError(`${what}: address must be a non-negative integer, got ${String(start)}`);
  }
  if (!Number.isInteger(length) || length < 0) {
    throw new RangeError(`${what}: length must be a non-negative integer, got ${String(length)}`);
  }
  if (start + length > ADDRESS_LIMIT) {
    throw new RangeError(`${what}: ${hex(start)} + ${length} bytes runs past the 32-bit address space`);
  }
}
