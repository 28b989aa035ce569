import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { parseIntelHex } from './intel-hex-parse.js';
import { serializeIntelHex } from './intel-hex-serialize.js';
import { MemoryImage } from './memory-image.js';
import { hexRecord, imageArbitrary } from './testing/index.js';

describe('hexRecord', () => {
  test('matches records avr-objcopy writes', () => {
    expect(hexRecord(0, 0, [0x0c, 0x94, 0x56, 0x00, 0x0c, 0x94, 0x6b, 0x00, 0x0c, 0x94, 0x6b, 0x00, 0x0c, 0x94, 0x6b, 0x00])).toBe(
      ':100000000C9456000C946B000C946B000C946B00D9',
    );
    expect(hexRecord(1, 0, [])).toBe(':00000001FF');
    expect(hexRecord(4, 0, [0, 1])).toBe(':020000040001F9');
  });
});

describe('serializeIntelHex', () => {
  test('16-byte records aligned to 16, one EOF, trailing newline', () => {
    const img = MemoryImage.fromBinary(Uint8Array.from({ length: 40 }, (_, i) => i), 0x08);
    const lines = serializeIntelHex(img).split('\n');
    expect(lines.at(-1)).toBe('');
    expect(lines.slice(0, -1)).toEqual([
      hexRecord(0, 0x08, [0, 1, 2, 3, 4, 5, 6, 7]),
      hexRecord(0, 0x10, Array.from({ length: 16 }, (_, i) => i + 8)),
      hexRecord(0, 0x20, Array.from({ length: 16 }, (_, i) => i + 24)),
      ':00000001FF',
    ]);
  });

  test('32-byte records and CRLF on request', () => {
    const img = MemoryImage.fromBinary(new Uint8Array(64).fill(0xab));
    const text = serializeIntelHex(img, { recordSize: 32, eol: '\r\n' });
    const lines = text.split('\r\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]!.slice(0, 9)).toBe(':20000000');
    expect(lines[1]!.slice(0, 9)).toBe(':20002000');
    expect(lines[2]).toBe(':00000001FF');
  });

  test('no 04 record below 64 KiB; 04 records when the upper address changes, none repeated', () => {
    const img = MemoryImage.fromSegments([
      { address: 0x100, data: Uint8Array.of(1) },
      { address: 0xfff8, data: new Uint8Array(16).fill(2) }, // crosses into 0x10000
      { address: 0x10100, data: Uint8Array.of(3) },
      { address: 0x30000, data: Uint8Array.of(4) },
    ]);
    const lines = serializeIntelHex(img).trimEnd().split('\n');
    expect(lines).toEqual([
      hexRecord(0, 0x100, [1]),
      hexRecord(0, 0xfff8, new Array(8).fill(2)),
      hexRecord(4, 0, [0x00, 0x01]),
      hexRecord(0, 0x0000, new Array(8).fill(2)),
      hexRecord(0, 0x0100, [3]),
      hexRecord(4, 0, [0x00, 0x03]),
      hexRecord(0, 0x0000, [4]),
      ':00000001FF',
    ]);
  });

  test('start addresses become 03 / 05 records before EOF', () => {
    const data = [{ address: 0, data: Uint8Array.of(1) }];
    const seg = serializeIntelHex(MemoryImage.fromSegments(data, { startAddress: { cs: 0x1234, ip: 0x7000 } }));
    expect(seg.trimEnd().split('\n').slice(-2)).toEqual([hexRecord(3, 0, [0x12, 0x34, 0x70, 0x00]), ':00000001FF']);
    const lin = serializeIntelHex(MemoryImage.fromSegments(data, { startAddress: { linear: 0xfedcba98 } }));
    expect(lin.trimEnd().split('\n').slice(-2)).toEqual([hexRecord(5, 0, [0xfe, 0xdc, 0xba, 0x98]), ':00000001FF']);
  });

  test('empty image is just the EOF record', () => {
    expect(serializeIntelHex(MemoryImage.empty())).toBe(':00000001FF\n');
  });

  test('rejects a record size other than 16 or 32', () => {
    expect(() => serializeIntelHex(MemoryImage.empty(), { recordSize: 64 as 16 })).toThrow(
      'serializeIntelHex: recordSize must be 16 or 32, got 64',
    );
  });
});

describe('serializeIntelHex properties', () => {
  test('parse(serialize(x)) equals x, for 16- and 32-byte records, images spanning 64 KiB boundaries', () => {
    fc.assert(
      fc.property(imageArbitrary(), fc.constantFrom(16 as const, 32 as const), (img, recordSize) => {
        const back = parseIntelHex(serializeIntelHex(img, { recordSize }));
        expect(back.equals(img)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  test('records never cross 64 KiB, never exceed the record size, and there is exactly one EOF, last', () => {
    fc.assert(
      fc.property(imageArbitrary({ maxAddress: 0x50000 }), fc.constantFrom(16 as const, 32 as const), (img, recordSize) => {
        const lines = serializeIntelHex(img, { recordSize }).trimEnd().split('\n');
        expect(lines.filter((l) => l.slice(7, 9) === '01')).toEqual([':00000001FF']);
        expect(lines.at(-1)).toBe(':00000001FF');
        for (const l of lines) {
          if (l.slice(7, 9) !== '00') continue;
          const count = parseInt(l.slice(1, 3), 16);
          const offset = parseInt(l.slice(3, 7), 16);
          expect(count).toBeLessThanOrEqual(recordSize);
          expect(offset + count).toBeLessThanOrEqual(0x10000);
        }
        const has04 = lines.some((l) => l.slice(7, 9) === '04');
        expect(has04).toBe(img.endAddress > 0x10000);
      }),
      { numRuns: 200 },
    );
  });
});
