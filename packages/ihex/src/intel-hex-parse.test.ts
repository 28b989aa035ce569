import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { ImageError } from './image-error.js';
import { parseIntelHex } from './intel-hex-parse.js';
import { serializeIntelHex } from './intel-hex-serialize.js';
import { hexRecord, imageArbitrary } from './testing/index.js';

const EOF = ':00000001FF';

function parseError(text: string, source: string | null = 'main.hex'): ImageError {
  try {
    parseIntelHex(text, source === null ? {} : { source });
  } catch (e) {
    if (e instanceof ImageError) return e;
    throw e;
  }
  throw new Error('expected parseIntelHex to throw');
}

describe('parseIntelHex: records', () => {
  test('data records and EOF, LF line endings', () => {
    const img = parseIntelHex(':0400000001020304F2\n:020010000A0BD9\n:00000001FF\n');
    expect(img.segments.map((s) => [s.address, [...s.data]])).toEqual([
      [0x00, [1, 2, 3, 4]],
      [0x10, [0x0a, 0x0b]],
    ]);
    expect(img.startAddress).toBeUndefined();
  });

  test('CRLF, lower-case hex, a BOM, indentation and trailing blank lines are accepted', () => {
    const text = '\uFEFF:0400000001020304f2\r\n  :00000001FF\r\n\r\n   \n\n';
    expect([...parseIntelHex(text).read(0, 4)]).toEqual([1, 2, 3, 4]);
  });

  test('adjacent records coalesce into one segment', () => {
    const text = [hexRecord(0, 0, [1, 2]), hexRecord(0, 2, [3]), EOF].join('\n');
    expect(parseIntelHex(text).segments).toHaveLength(1);
  });

  test('04 extended linear address moves data above 64 KiB', () => {
    const text = [hexRecord(4, 0, [0x00, 0x01]), hexRecord(0, 0x0010, [0xaa, 0xbb]), EOF].join('\n');
    const img = parseIntelHex(text);
    expect(img.minAddress).toBe(0x10010);
    expect(img.byteAt(0x10011)).toBe(0xbb);
  });

  test('02 extended segment address applies base*16 and wraps inside the 64 KiB segment', () => {
    const text = [hexRecord(2, 0, [0x10, 0x00]), hexRecord(0, 0xfffe, [1, 2, 3, 4]), EOF].join('\n');
    const img = parseIntelHex(text);
    // base 0x10000; offset 0xFFFE..0xFFFF then wraps to 0x0000..0x0001 of the same segment
    expect(img.byteAt(0x1fffe)).toBe(1);
    expect(img.byteAt(0x1ffff)).toBe(2);
    expect(img.byteAt(0x10000)).toBe(3);
    expect(img.byteAt(0x10001)).toBe(4);
    expect(img.byteAt(0x20000)).toBeUndefined();
  });

  test('04 after 02 returns to linear addressing', () => {
    const text = [hexRecord(2, 0, [0x10, 0x00]), hexRecord(4, 0, [0, 2]), hexRecord(0, 0x0001, [9]), EOF].join('\n');
    expect(parseIntelHex(text).minAddress).toBe(0x20001);
  });

  test('03 start segment address is kept', () => {
    const text = [hexRecord(0, 0, [1]), hexRecord(3, 0, [0x12, 0x34, 0x70, 0x00]), EOF].join('\n');
    expect(parseIntelHex(text).startAddress).toEqual({ cs: 0x1234, ip: 0x7000 });
  });

  test('05 start linear address is kept (full 32 bits)', () => {
    const text = [hexRecord(5, 0, [0x80, 0x00, 0x01, 0x23]), EOF].join('\n');
    const img = parseIntelHex(text);
    expect(img.startAddress).toEqual({ linear: 0x80000123 });
    expect(img.isEmpty()).toBe(true);
  });

  test('a data record with no bytes adds nothing', () => {
    expect(parseIntelHex(`${hexRecord(0, 0x100, [])}\n${EOF}`).isEmpty()).toBe(true);
  });
});

describe('parseIntelHex: errors name code, file and line', () => {
  test('checksum: message has expected and found, fields set', () => {
    const text = [':0400000001020304F2', ':020010000A0BD8', EOF].join('\n');
    const err = parseError(text);
    expect(err).toMatchObject({ code: 'checksum', line: 2, source: 'main.hex', expected: 0xd9, found: 0xd8 });
    expect(err.message).toBe('checksum mismatch at line 2 of main.hex: expected 0xD9, found 0xD8');
  });

  test('checksum on line 12, avrdude-style wording', () => {
    const lines = Array.from({ length: 11 }, (_, i) => hexRecord(0, i * 16, new Array(16).fill(i)));
    lines.push(':0100B0000C42'); // correct checksum is 0x43
    lines.push(EOF);
    expect(parseError(lines.join('\r\n')).message).toBe('checksum mismatch at line 12 of main.hex: expected 0x43, found 0x42');
  });

  test('without a source the message just gives the line', () => {
    expect(parseError(':0100000001FF\n' + EOF, null).message).toBe(
      'checksum mismatch at line 1: expected 0xFE, found 0xFF',
    );
  });

  test('length: byte count disagrees with the data', () => {
    const err = parseError([':0400000001020304F2', ':05001000010203E5', EOF].join('\n'));
    expect(err).toMatchObject({ code: 'length', line: 2, expected: 5, found: 3 });
    expect(err.message).toBe('record length mismatch at line 2 of main.hex: byte count says 5 data bytes, record holds 3');
  });

  test('length: record too short to hold count, address, type and checksum', () => {
    expect(parseError(`:0000\n${EOF}`)).toMatchObject({ code: 'length', line: 1, found: 2 });
  });

  test('length: odd number of hex digits', () => {
    const err = parseError(`:0400000001020304F\n${EOF}`);
    expect(err).toMatchObject({ code: 'length', line: 1 });
    expect(err.message).toMatch(/odd number of hex digits \(17\) at line 1 of main.hex/);
  });

  test('non-hex: names the character, line and column', () => {
    const err = parseError([':0400000001020304F2', ':0200100G0A0BD9', EOF].join('\n'));
    expect(err).toMatchObject({ code: 'non-hex', line: 2, column: 9 });
    expect(err.message).toBe('non-hex character "G" at line 2 of main.hex, column 9');
  });

  test('syntax: a line that is not a record', () => {
    const err = parseError(['# comment', EOF].join('\n'));
    expect(err).toMatchObject({ code: 'syntax', line: 1 });
    expect(err.message).toBe('record does not start with \':\' at line 1 of main.hex: "# comment"');
  });

  test('missing EOF: says the file may be truncated and gives the last record line', () => {
    const err = parseError(':0400000001020304F2\n:020010000A0BD9\n\n');
    expect(err).toMatchObject({ code: 'missing-eof', line: 2, source: 'main.hex' });
    expect(err.message).toBe(
      'missing EOF record (:00000001FF) at the end of main.hex (last record on line 2); the file may be truncated',
    );
  });

  test('missing EOF in empty text', () => {
    const err = parseError('\n\n');
    expect(err).toMatchObject({ code: 'missing-eof' });
    expect(err.line).toBeUndefined();
    expect(err.message).toMatch(/^no records of main.hex/);
  });

  test('data after EOF', () => {
    const err = parseError([EOF, '', ':0400000001020304F2'].join('\n'));
    expect(err).toMatchObject({ code: 'data-after-eof', line: 3 });
    expect(err.message).toBe('data after the EOF record at line 3 of main.hex (EOF was on line 1)');
  });

  test('a second EOF is data after EOF', () => {
    expect(parseError([EOF, EOF].join('\n'))).toMatchObject({ code: 'data-after-eof', line: 2 });
  });

  test('unknown record type', () => {
    const err = parseError([hexRecord(0, 0, [1]), hexRecord(6, 0, []), EOF].join('\n'));
    expect(err).toMatchObject({ code: 'unknown-record-type', line: 2, found: 6 });
    expect(err.message).toBe('unknown record type 0x06 at line 2 of main.hex (Intel HEX types are 0x00-0x05)');
  });

  test('bad-record: address record with the wrong byte count, EOF with data', () => {
    expect(parseError([hexRecord(4, 0, [1]), EOF].join('\n'))).toMatchObject({
      code: 'bad-record',
      line: 1,
      expected: 2,
      found: 1,
    });
    expect(parseError([hexRecord(2, 0, [1, 2, 3]), EOF].join('\n'))).toMatchObject({ code: 'bad-record', line: 1 });
    expect(parseError([hexRecord(3, 0, [1, 2]), EOF].join('\n'))).toMatchObject({ code: 'bad-record', line: 1 });
    expect(parseError([hexRecord(5, 0, [1, 2, 3, 4, 5]), EOF].join('\n'))).toMatchObject({ code: 'bad-record', line: 1 });
    expect(parseError(hexRecord(1, 0, [0]))).toMatchObject({ code: 'bad-record', line: 1, expected: 0, found: 1 });
  });

  test('overlap inside one file, even with identical bytes: names both lines and the range', () => {
    const text = [
      hexRecord(0, 0x100, new Array(16).fill(1)),
      hexRecord(0, 0x200, [2]),
      hexRecord(0, 0x108, new Array(16).fill(1)),
      EOF,
    ].join('\n');
    const err = parseError(text);
    expect(err).toMatchObject({ code: 'overlap', line: 3, address: 0x108 });
    expect(err.message).toBe('overlapping data at line 3 of main.hex: 0x0108-0x010F already written by line 1');
  });

  test('overlap reported against the later line even when it has the lower address', () => {
    const text = [hexRecord(0, 0x104, [1, 2]), hexRecord(0, 0x100, [0, 0, 0, 0, 1]), EOF].join('\n');
    expect(parseError(text)).toMatchObject({ code: 'overlap', line: 2, address: 0x104 });
  });

  test('overlap via 04 aliasing the same address', () => {
    const text = [hexRecord(4, 0, [0, 1]), hexRecord(0, 0, [1]), hexRecord(4, 0, [0, 1]), hexRecord(0, 0, [2]), EOF].join(
      '\n',
    );
    expect(parseError(text)).toMatchObject({ code: 'overlap', line: 4, address: 0x10000 });
  });

  test('address-range: data past 4 GiB', () => {
    const text = [hexRecord(4, 0, [0xff, 0xff]), hexRecord(0, 0xffff, [1, 2]), EOF].join('\n');
    expect(parseError(text)).toMatchObject({ code: 'address-range', line: 2, address: 0xffffffff });
  });

  test('errors are ImageError instances named ImageError', () => {
    const err = parseError('x');
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('ImageError');
    expect(err.message).not.toContain('\n');
  });
});

describe('parseIntelHex: random corruption', () => {
  const corruption = fc.oneof(
    fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), char: fc.constantFrom(...'0123456789ABCDEFaz:G \r\n\t\u00e9') }),
    fc.record({ kind: fc.constant('truncate' as const), at: fc.nat(), char: fc.constant('') }),
    fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), char: fc.constantFrom(...'0123456789ABCDEF:xX \r\n') }),
    fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), char: fc.constant('') }),
  );

  test('only ever yields ImageError or a valid image', () => {
    fc.assert(
      fc.property(imageArbitrary({ maxSegments: 4, maxSegmentLength: 80 }), fc.array(corruption, { minLength: 1, maxLength: 3 }), (img, edits) => {
        let text = serializeIntelHex(img);
        for (const e of edits) {
          const at = e.at % (text.length + 1);
          if (e.kind === 'flip') text = text.slice(0, at) + e.char + text.slice(at + 1);
          else if (e.kind === 'truncate') text = text.slice(0, at);
          else if (e.kind === 'insert') text = text.slice(0, at) + e.char + text.slice(at);
          else text = text.slice(0, at) + text.slice(at + 1);
        }
        try {
          const parsed = parseIntelHex(text, { source: 'fuzz.hex' });
          expect(parsed.byteCount).toBeGreaterThanOrEqual(0);
        } catch (err) {
          if (!(err instanceof ImageError)) throw err;
          expect(err.message).not.toContain('\n');
          expect(err.source).toBe('fuzz.hex');
          if (err.code !== 'missing-eof') expect(err.line).toBeGreaterThan(0);
        }
      }),
      { numRuns: 400 },
    );
  });

  test('a single changed hex digit in a data record is always caught by the checksum', () => {
    fc.assert(
      fc.property(imageArbitrary({ maxSegments: 3, maxSegmentLength: 64, withStartAddress: false }), fc.nat(), fc.nat(15), (img, pick, digit) => {
        fc.pre(!img.isEmpty());
        const lines = serializeIntelHex(img).split('\n');
        const dataLines = lines.map((l, i) => [l, i] as const).filter(([l]) => l.slice(7, 9) === '00');
        const [line, index] = dataLines[pick % dataLines.length]!;
        const col = 9 + ((pick >> 4) % (line.length - 11)); // a data digit
        const replacement = digit.toString(16).toUpperCase();
        fc.pre(line[col] !== replacement);
        lines[index] = line.slice(0, col) + replacement + line.slice(col + 1);
        const err = parseError(lines.join('\n'));
        expect(err).toMatchObject({ code: 'checksum', line: index + 1 });
      }),
      { numRuns: 200 },
    );
  });
});
