import { describe, expect, test } from 'vitest';
import { decodeIspReply, encodeIsp, ispOpShape } from './encode-isp.js';
import { ispOps, type IspOp } from './part.js';
import { parts } from './part-registry.js';
import { atmega2560 } from './parts/other-megas.js';
import { at90usb1286, atmega32u4 } from './parts/usb-megas.js';

const bytes = (u: Uint8Array) => Array.from(u);

// The ATmega32U4 serial programming instruction set, byte for byte (datasheet "Serial Programming Instruction
// Set"); addresses: flash = word address, EEPROM = byte address.
const table: [string, IspOp, { address?: number; data?: number }, number[]][] = [
  ['programming enable', 'programEnable', {}, [0xac, 0x53, 0x00, 0x00]],
  ['chip erase', 'chipErase', {}, [0xac, 0x80, 0x00, 0x00]],
  ['poll RDY/BSY', 'pollReady', {}, [0xf0, 0x00, 0x00, 0x00]],
  ['load flash low byte, word 5 of its page', 'loadFlashLow', { address: 0x3fc5, data: 0x12 }, [0x40, 0x00, 0x05, 0x12]],
  ['load flash high byte', 'loadFlashHigh', { address: 0x3fc5, data: 0x34 }, [0x48, 0x00, 0x05, 0x34]],
  ['load flash low byte, last word of page', 'loadFlashLow', { address: 0x003f, data: 0xff }, [0x40, 0x00, 0x3f, 0xff]],
  ['write flash page at byte 0x7F00', 'writeFlashPage', { address: 0x3f80 }, [0x4c, 0x3f, 0x80, 0x00]],
  ['write flash page, word inside the page', 'writeFlashPage', { address: 0x3f85 }, [0x4c, 0x3f, 0x80, 0x00]],
  ['write flash page 1', 'writeFlashPage', { address: 0x0040 }, [0x4c, 0x00, 0x40, 0x00]],
  ['read flash low byte', 'readFlashLow', { address: 0x3801 }, [0x20, 0x38, 0x01, 0x00]],
  ['read flash high byte', 'readFlashHigh', { address: 0x3801 }, [0x28, 0x38, 0x01, 0x00]],
  ['read flash, last word', 'readFlashLow', { address: 0x3fff }, [0x20, 0x3f, 0xff, 0x00]],
  ['read EEPROM', 'readEeprom', { address: 0x3ff }, [0xa0, 0x03, 0xff, 0x00]],
  ['write EEPROM byte', 'writeEeprom', { address: 0x1a5, data: 0x5a }, [0xc0, 0x01, 0xa5, 0x5a]],
  ['load EEPROM page byte', 'loadEepromPage', { address: 0x1a5, data: 0x5a }, [0xc1, 0x00, 0x01, 0x5a]],
  ['write EEPROM page', 'writeEepromPage', { address: 0x1a5 }, [0xc2, 0x01, 0xa4, 0x00]],
  ['read lock bits', 'readLock', {}, [0x58, 0x00, 0x00, 0x00]],
  ['read signature byte 0', 'readSignature', { address: 0 }, [0x30, 0x00, 0x00, 0x00]],
  ['read signature byte 1', 'readSignature', { address: 1 }, [0x30, 0x00, 0x01, 0x00]],
  ['read signature byte 2', 'readSignature', { address: 2 }, [0x30, 0x00, 0x02, 0x00]],
  ['read low fuse', 'readLowFuse', {}, [0x50, 0x00, 0x00, 0x00]],
  ['read high fuse', 'readHighFuse', {}, [0x58, 0x08, 0x00, 0x00]],
  ['read extended fuse', 'readExtFuse', {}, [0x50, 0x08, 0x00, 0x00]],
  ['read calibration byte', 'readCalibration', {}, [0x38, 0x00, 0x00, 0x00]],
  ['write lock bits', 'writeLock', { data: 0xff }, [0xac, 0xe0, 0x00, 0xff]],
  ['write lock bits, LB programmed', 'writeLock', { data: 0xfc }, [0xac, 0xe0, 0x00, 0xfc]],
  ['write low fuse', 'writeLowFuse', { data: 0x5e }, [0xac, 0xa0, 0x00, 0x5e]],
  ['write high fuse', 'writeHighFuse', { data: 0x99 }, [0xac, 0xa8, 0x00, 0x99]],
  ['write extended fuse', 'writeExtFuse', { data: 0xf3 }, [0xac, 0xa4, 0x00, 0xf3]],
];

describe('encodeIsp on the ATmega32U4 instruction table', () => {
  test.each(table)('%s', (_name, op, args, expected) => {
    expect(bytes(encodeIsp(atmega32u4, op, args))).toEqual(expected);
  });

  test('every op in the table is covered, except load-extended-address which the 32U4 lacks', () => {
    const covered = new Set(table.map((row) => row[1]));
    expect(ispOps.filter((op) => !covered.has(op))).toEqual(['loadExtendedAddress']);
  });

  test('unused extended fuse and lock bits go out as 1 (unprogrammed)', () => {
    expect(bytes(encodeIsp(atmega32u4, 'writeExtFuse', { data: 0x03 }))).toEqual([0xac, 0xa4, 0x00, 0xf3]);
    expect(bytes(encodeIsp(atmega32u4, 'writeLock', { data: 0x2c }))).toEqual([0xac, 0xe0, 0x00, 0xec]);
  });
});

describe('load extended address (4D 00 e 00)', () => {
  test('ATmega2560 sends address bits 16..23 of the word address', () => {
    expect(bytes(encodeIsp(atmega2560, 'loadExtendedAddress', { address: 0x1abcd }))).toEqual([0x4d, 0x00, 0x01, 0x00]);
    expect(bytes(encodeIsp(atmega2560, 'loadExtendedAddress', { address: 0x0abcd }))).toEqual([0x4d, 0x00, 0x00, 0x00]);
    // The 16 low bits still go in the read instruction itself.
    expect(bytes(encodeIsp(atmega2560, 'readFlashHigh', { address: 0x1abcd }))).toEqual([0x28, 0xab, 0xcd, 0x00]);
  });

  test('parts up to 128 KB have none and say so', () => {
    expect(() => encodeIsp(atmega32u4, 'loadExtendedAddress', { address: 0 })).toThrow(/ATmega32U4 has no loadExtendedAddress/);
    expect(at90usb1286.isp).not.toHaveProperty('loadExtendedAddress');
    // 128 KB = 64 K words: the last word is reachable with 16 address bits.
    expect(bytes(encodeIsp(at90usb1286, 'readFlashLow', { address: 0xffff }))).toEqual([0x20, 0xff, 0xff, 0x00]);
  });
});

describe('page fields follow the page size', () => {
  test('256-byte pages (AT90USB1286): 7-bit word index, page address from bit 7', () => {
    expect(bytes(encodeIsp(at90usb1286, 'loadFlashLow', { address: 0xfff5, data: 1 }))).toEqual([0x40, 0x00, 0x75, 0x01]);
    expect(bytes(encodeIsp(at90usb1286, 'writeFlashPage', { address: 0xfff5 }))).toEqual([0x4c, 0xff, 0x80, 0x00]);
  });

  test('8-byte EEPROM pages (AT90USB1286)', () => {
    expect(bytes(encodeIsp(at90usb1286, 'loadEepromPage', { address: 0xfff, data: 7 }))).toEqual([0xc1, 0x00, 0x07, 0x07]);
    expect(bytes(encodeIsp(at90usb1286, 'writeEepromPage', { address: 0xfff }))).toEqual([0xc2, 0x0f, 0xf8, 0x00]);
  });
});

describe('replies', () => {
  test('the data-out byte is picked from the fourth reply byte', () => {
    expect(decodeIspReply(atmega32u4, 'readSignature', [0x30, 0x00, 0x02, 0x87])).toBe(0x87);
    expect(decodeIspReply(atmega32u4, 'readLowFuse', [0x50, 0x00, 0x00, 0x5e])).toBe(0x5e);
    expect(decodeIspReply(atmega32u4, 'readLock', [0x58, 0x00, 0x00, 0xff])).toBe(0x3f);
  });

  test('RDY/BSY is bit 0 only', () => {
    expect(decodeIspReply(atmega32u4, 'pollReady', [0xf0, 0x00, 0x00, 0xff])).toBe(1);
    expect(decodeIspReply(atmega32u4, 'pollReady', [0xf0, 0x00, 0x00, 0xfe])).toBe(0);
  });

  test('a reply must have 4 bytes', () => {
    expect(() => decodeIspReply(atmega32u4, 'readLowFuse', [0x5e])).toThrow(/4 bytes/);
  });

  test('op shapes', () => {
    expect(ispOpShape(atmega32u4, 'writeLowFuse')).toEqual({ address: false, data: true, returns: false });
    expect(ispOpShape(atmega32u4, 'readFlashLow')).toEqual({ address: true, data: false, returns: true });
  });
});

describe('bad arguments', () => {
  test('an address outside the part', () => {
    expect(() => encodeIsp(atmega32u4, 'readFlashLow', { address: 0x4000 })).toThrow(
      'readFlashLow: flash word address 0x4000 is outside ATmega32U4 (0..0x3FFF)',
    );
    expect(() => encodeIsp(atmega32u4, 'readEeprom', { address: 1024 })).toThrow(/EEPROM byte address 0x400/);
    expect(() => encodeIsp(atmega32u4, 'readSignature', { address: 3 })).toThrow(RangeError);
  });

  test('missing or out-of-range data and address', () => {
    expect(() => encodeIsp(atmega32u4, 'writeLowFuse')).toThrow(/needs a data byte/);
    expect(() => encodeIsp(atmega32u4, 'writeLowFuse', { data: 0x100 })).toThrow(/0\.\.255/);
    expect(() => encodeIsp(atmega32u4, 'writeLowFuse', { data: 1.5 })).toThrow(RangeError);
    expect(() => encodeIsp(atmega32u4, 'readFlashLow')).toThrow(/needs an address/);
    expect(() => encodeIsp(atmega32u4, 'readFlashLow', { address: -1 })).toThrow(RangeError);
  });
});

test('every part encodes the instructions every part shares identically', () => {
  for (const part of parts) {
    expect(bytes(encodeIsp(part, 'programEnable')), part.id).toEqual([0xac, 0x53, 0x00, 0x00]);
    expect(bytes(encodeIsp(part, 'readHighFuse')), part.id).toEqual([0x58, 0x08, 0x00, 0x00]);
    expect(bytes(encodeIsp(part, 'readSignature', { address: 1 })), part.id).toEqual([0x30, 0x00, 0x01, 0x00]);
    // Writing the last flash word's page and reading the last EEPROM byte stay in range on every part.
    const lastWord = part.flash.size / 2 - 1;
    if (part.isp.loadExtendedAddress === undefined) {
      expect(bytes(encodeIsp(part, 'readFlashLow', { address: lastWord })).slice(1, 3), part.id).toEqual([
        (lastWord >> 8) & 0xff,
        lastWord & 0xff,
      ]);
    }
    expect(bytes(encodeIsp(part, 'readEeprom', { address: part.eeprom.size - 1 })).slice(1, 3), part.id).toEqual([
      (part.eeprom.size - 1) >> 8,
      (part.eeprom.size - 1) & 0xff,
    ]);
  }
});
