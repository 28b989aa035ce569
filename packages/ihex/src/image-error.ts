/**
 * Typed errors for everything this package rejects. Each carries a machine-readable `code` plus where it happened
 * (`source`, `line`, `address`), and its message is one line saying what and where, e.g.
 * "checksum mismatch at line 12 of main.hex: expected 0x3C, found 0x3D".
 */

export type ImageErrorCode =
  /** A non-blank line that does not start with ':'. */
  | 'syntax'
  /** A record holds a character that is not a hex digit. */
  | 'non-hex'
  /** The record's checksum byte does not match its contents (`expected`/`found` set). */
  | 'checksum'
  /** The byte count field disagrees with the record's length, or the record is too short / has an odd digit count. */
  | 'length'
  /** The text ends without an EOF (type 01) record. */
  | 'missing-eof'
  /** A record follows the EOF record. */
  | 'data-after-eof'
  /** Record type other than 00–05. */
  | 'unknown-record-type'
  /** A known record type with an invalid body (e.g. an 04 record whose byte count is not 2). */
  | 'bad-record'
  /** Two pieces of data in one input cover the same address. */
  | 'overlap'
  /** Data would lie outside the 32-bit address space. */
  | 'address-range'
  /** Not a usable ELF file (bad header, truncated, wrong class or byte order). */
  | 'elf'
  /** loadImage could not tell which format the bytes are in. */
  | 'unknown-format'
  /** mergeImages: two inputs put different bytes at the same address. */
  | 'merge-conflict';

export interface ImageErrorDetails {
  source?: string | undefined;
  line?: number | undefined;
  column?: number | undefined;
  address?: number | undefined;
  expected?: number | undefined;
  found?: number | undefined;
}

export class ImageError extends Error {
  override name: string = 'ImageError';
  readonly code: ImageErrorCode;
  /** Name of the input (file name) the error is about, when the caller gave one. */
  declare readonly source?: string;
  /** 1-based line number in Intel HEX text. */
  declare readonly line?: number;
  /** 1-based column of the offending character, for 'non-hex' and 'syntax'. */
  declare readonly column?: number;
  /** Memory address the error is about, where there is one. */
  declare readonly address?: number;
  /** For 'checksum' and 'length': the value the record should have had. */
  declare readonly expected?: number;
  /** For 'checksum' and 'length': the value the record has. */
  declare readonly found?: number;

  constructor(code: ImageErrorCode, message: string, details: ImageErrorDetails = {}) {
    super(message);
    this.code = code;
    if (details.source !== undefined) this.source = details.source;
    if (details.line !== undefined) this.line = details.line;
    if (details.column !== undefined) this.column = details.column;
    if (details.address !== undefined) this.address = details.address;
    if (details.expected !== undefined) this.expected = details.expected;
    if (details.found !== undefined) this.found = details.found;
  }
}

/** Two merge inputs disagree about the bytes in [start, end) (end exclusive). */
export class MergeConflictError extends ImageError {
  override name: string = 'MergeConflictError';
  readonly first: string;
  readonly second: string;
  readonly start: number;
  readonly end: number;

  constructor(first: string, second: string, start: number, end: number, firstByte: number, secondByte: number) {
    super(
      'merge-conflict',
      `merge conflict: ${first} and ${second} hold different bytes at ${formatRange(start, end)}` +
        ` (at ${hex(start)}: ${hex2(firstByte)} vs ${hex2(secondByte)}); remove the overlap from one of them`,
      { address: start, expected: firstByte, found: secondByte },
    );
    this.first = first;
    this.second = second;
    this.start = start;
    this.end = end;
  }
}

/** "0x1F00" style address (at least 4 digits, upper case). */
export function hex(value: number): string {
  return `0x${value.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** "0x3C" style byte. */
export function hex2(value: number): string {
  return `0x${value.toString(16).toUpperCase().padStart(2, '0')}`;
}

/** Inclusive human form of the half-open range [start, end): "0x7000-0x700F" or "0x7000" for one byte. */
export function formatRange(start: number, end: number): string {
  return end - start <= 1 ? hex(start) : `${hex(start)}-${hex(end - 1)}`;
}

/** "at line 12 of main.hex" / "at line 12". */
export function whereLine(line: number, source: string | undefined): string {
  return source === undefined ? `at line ${line}` : `at line ${line} of ${source}`;
}

/** " in main.hex" / "". */
export function inSource(source: string | undefined): string {
  return source === undefined ? '' : ` in ${source}`;
}
