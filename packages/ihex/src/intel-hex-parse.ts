import { ImageError, formatRange, hex, hex2, whereLine } from './image-error.js';
import { ADDRESS_LIMIT, MemoryImage, type StartAddress } from './memory-image.js';
import { RecordType } from './record-type.js';

interface Chunk {
  address: number;
  data: Uint8Array;
  line: number;
}

/**
 * Parse Intel HEX text (record types 00–05; LF or CRLF; blank lines ignored) into a MemoryImage.
 * 02 (extended segment) and 04 (extended linear) records are applied to the data records that follow; 03/05 start
 * addresses are kept as `startAddress`. Every problem throws ImageError with `code`, `line` and `source`.
 */
export function parseIntelHex(text: string, opts: { source?: string } = {}): MemoryImage {
  if (typeof text !== 'string') throw new TypeError('parseIntelHex: text must be a string');
  const source = opts.source;
  const at = (line: number): string => whereLine(line, source);
  const lines = text.split('\n');
  if (lines[0]?.startsWith('\uFEFF')) lines[0] = lines[0].slice(1);

  const chunks: Chunk[] = [];
  let startAddress: StartAddress | undefined;
  // Segment mode (after 02): addresses wrap inside the 64 KiB segment. Linear mode (after 04, and at start): base + offset.
  let base = 0;
  let segmentMode = false;
  let eofLine = 0;
  let lastContentLine = 0;

  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const raw = lines[i]!;
    const trimmed = raw.replace(/^[ \t]+/, '').replace(/[ \t\r]+$/, '');
    if (trimmed === '') continue;
    const indent = raw.length - raw.replace(/^[ \t]+/, '').length;
    if (eofLine !== 0) {
      throw new ImageError('data-after-eof', `data after the EOF record ${at(lineNo)} (EOF was on line ${eofLine})`, {
        source,
        line: lineNo,
      });
    }
    lastContentLine = lineNo;
    if (trimmed[0] !== ':') {
      throw new ImageError('syntax', `record does not start with ':' ${at(lineNo)}: ${quote(trimmed)}`, {
        source,
        line: lineNo,
        column: indent + 1,
      });
    }
    const digits = trimmed.slice(1);
    const bad = /[^0-9A-Fa-f]/.exec(digits);
    if (bad !== null) {
      throw new ImageError(
        'non-hex',
        `non-hex character ${quote(bad[0])} ${at(lineNo)}, column ${indent + 2 + bad.index}`,
        { source, line: lineNo, column: indent + 2 + bad.index },
      );
    }
    if (digits.length % 2 !== 0) {
      throw new ImageError('length', `record has an odd number of hex digits (${digits.length}) ${at(lineNo)}`, {
        source,
        line: lineNo,
      });
    }
    const bytes = new Uint8Array(digits.length / 2);
    for (let b = 0; b < bytes.length; b++) bytes[b] = (nibble(digits.charCodeAt(2 * b)) << 4) | nibble(digits.charCodeAt(2 * b + 1));
    if (bytes.length < 5) {
      throw new ImageError(
        'length',
        `record too short ${at(lineNo)}: ${bytes.length} bytes, a record needs at least 5 (count, address, type, checksum)`,
        { source, line: lineNo, expected: 5, found: bytes.length },
      );
    }
    const count = bytes[0]!;
    if (count !== bytes.length - 5) {
      throw new ImageError(
        'length',
        `record length mismatch ${at(lineNo)}: byte count says ${count} data bytes, record holds ${bytes.length - 5}`,
        { source, line: lineNo, expected: count, found: bytes.length - 5 },
      );
    }
    let sum = 0;
    for (let b = 0; b < bytes.length - 1; b++) sum += bytes[b]!;
    const expected = -sum & 0xff;
    const found = bytes[bytes.length - 1]!;
    if (expected !== found) {
      throw new ImageError('checksum', `checksum mismatch ${at(lineNo)}: expected ${hex2(expected)}, found ${hex2(found)}`, {
        source,
        line: lineNo,
        expected,
        found,
      });
    }
    const offset = (bytes[1]! << 8) | bytes[2]!;
    const type = bytes[3]!;
    const data = bytes.subarray(4, 4 + count);
    const needCount = (n: number, what: string): void => {
      if (count !== n) {
        throw new ImageError(
          'bad-record',
          `${what} record (type ${hex2(type)}) ${at(lineNo)} must hold ${n} data bytes, holds ${count}`,
          { source, line: lineNo, expected: n, found: count },
        );
      }
    };
    switch (type) {
      case RecordType.data: {
        if (count === 0) break;
        if (segmentMode && offset + count > 0x10000) {
          // Segment addressing wraps at the end of the 64 KiB segment: split in two.
          const first = 0x10000 - offset;
          chunks.push({ address: base + offset, data: data.slice(0, first), line: lineNo });
          chunks.push({ address: base, data: data.slice(first), line: lineNo });
        } else {
          const address = base + offset;
          if (address + count > ADDRESS_LIMIT) {
            throw new ImageError(
              'address-range',
              `data record ${at(lineNo)} runs past the 32-bit address space (${hex(address)} + ${count} bytes)`,
              { source, line: lineNo, address },
            );
          }
          chunks.push({ address, data: data.slice(), line: lineNo });
        }
        break;
      }
      case RecordType.endOfFile:
        needCount(0, 'EOF');
        eofLine = lineNo;
        break;
      case RecordType.extendedSegmentAddress:
        needCount(2, 'extended segment address');
        base = ((data[0]! << 8) | data[1]!) << 4;
        segmentMode = true;
        break;
      case RecordType.extendedLinearAddress:
        needCount(2, 'extended linear address');
        base = ((data[0]! << 8) | data[1]!) * 0x10000;
        segmentMode = false;
        break;
      case RecordType.startSegmentAddress:
        needCount(4, 'start segment address');
        startAddress = { cs: (data[0]! << 8) | data[1]!, ip: (data[2]! << 8) | data[3]! };
        break;
      case RecordType.startLinearAddress:
        needCount(4, 'start linear address');
        startAddress = { linear: ((data[0]! << 24) | (data[1]! << 16) | (data[2]! << 8) | data[3]!) >>> 0 };
        break;
      default:
        throw new ImageError(
          'unknown-record-type',
          `unknown record type ${hex2(type)} ${at(lineNo)} (Intel HEX types are 0x00-0x05)`,
          { source, line: lineNo, found: type },
        );
    }
  }

  if (eofLine === 0) {
    const where = source === undefined ? '' : ` of ${source}`;
    throw new ImageError(
      'missing-eof',
      lastContentLine === 0
        ? `no records${where}: the text is empty, expected Intel HEX ending in an EOF record (:00000001FF)`
        : `missing EOF record (:00000001FF) at the end${where} (last record on line ${lastContentLine}); the file may be truncated`,
      { source, line: lastContentLine === 0 ? undefined : lastContentLine },
    );
  }

  checkNoOverlap(chunks, source);
  return MemoryImage.fromSegments(chunks, { startAddress, source });
}

/** Within one file every address may be written once. Reports the later line and the earlier one. */
function checkNoOverlap(chunks: Chunk[], source: string | undefined): void {
  const sorted = chunks.slice().sort((a, b) => a.address - b.address || a.line - b.line);
  let prev: Chunk | undefined;
  for (const c of sorted) {
    if (prev !== undefined && c.address < prev.address + prev.data.length) {
      const start = c.address;
      const end = Math.min(c.address + c.data.length, prev.address + prev.data.length);
      const [early, late] = prev.line <= c.line ? [prev, c] : [c, prev];
      throw new ImageError(
        'overlap',
        `overlapping data ${whereLine(late.line, source)}: ${formatRange(start, end)} already written by line ${early.line}`,
        { source, line: late.line, address: start },
      );
    }
    if (prev === undefined || c.address + c.data.length > prev.address + prev.data.length) prev = c;
  }
}

/** Value of one hex digit (already validated). */
function nibble(c: number): number {
  return c <= 0x39 ? c - 0x30 : (c | 0x20) - 0x57;
}

function quote(s: string): string {
  const shown = s.length > 20 ? `${s.slice(0, 20)}…` : s;
  return JSON.stringify(shown);
}
