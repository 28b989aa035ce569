import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { BackupError, decodeBackup, encodeBackup, type ChipBackup } from './chip-backup.js';
import { parseElfImages } from './elf.js';
import { writeAvrElf } from './elf-write.js';
import { MemoryImage } from './memory-image.js';

function backup(): ChipBackup {
  let x = 7;
  const rnd = (n: number) =>
    new Uint8Array(n).map(() => {
      x = (x * 1103515245 + 12345) >>> 0;
      return x >>> 24;
    });
  return {
    part: 'atmega32u4',
    partName: 'ATmega32U4',
    signature: [0x1e, 0x95, 0x87],
    date: '2026-12-03T22:30:00.000Z',
    tool: 'ispkit 0.1.0',
    flash: rnd(32768),
    eeprom: rnd(1024),
    fuses: { low: 0xff, high: 0xd8, ext: 0xfb },
    lock: 0xff,
  };
}

function reason(bytes: Uint8Array): BackupError {
  try {
    decodeBackup(bytes, { source: 'b.elf' });
  } catch (err) {
    if (err instanceof BackupError) return err;
    throw err;
  }
  throw new Error('decodeBackup accepted it');
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ispkit-ihex-backup-'));
});
afterAll(() => {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

describe('chip backup file', () => {
  test('encode → decode gives the same chip', () => {
    const b = backup();
    expect(decodeBackup(encodeBackup(b))).toEqual(b);
  });

  test('is an avr-gcc-shaped ELF: full flash in .text, EEPROM, fuses in avr-libc order, signature reversed', () => {
    const b = backup();
    const bytes = encodeBackup(b);
    const images = parseElfImages(bytes);
    expect(images.flash.toBinary()).toEqual(b.flash);
    expect(images.eeprom.toBinary()).toEqual(b.eeprom);
    expect(Array.from(images.fuse.toBinary())).toEqual([0xff, 0xd8, 0xfb]);
    expect(Array.from(images.lock.toBinary())).toEqual([0xff]);
    expect(Array.from(images.signature.toBinary())).toEqual([0x87, 0x95, 0x1e]);
    const path = join(dir, 'b.elf');
    writeFileSync(path, bytes);
    const notes = execFileSync('avr-readelf', ['-n', '-W', path], { encoding: 'utf8' });
    expect(notes).toMatch(/ispkit\s+0x[0-9a-f]{8}/);
  });

  test('a flipped byte in any memory is refused naming the memory and both CRCs', () => {
    const bytes = encodeBackup(backup());
    const images = parseElfImages(bytes);
    // find the file offset of EEPROM byte 100 by searching for a unique window
    const eep = images.eeprom.toBinary();
    const window = eep.subarray(100, 116);
    let at = -1;
    for (let i = bytes.length - window.length; i >= 0 && at < 0; i--) if (window.every((v, j) => bytes[i + j] === v)) at = i;
    expect(at).toBeGreaterThan(0);
    const bad = bytes.slice();
    bad[at] = bad[at]! ^ 0x01;
    const e = reason(bad);
    expect(e.code).toBe('checksum');
    expect(e.message).toMatch(/^b\.elf is not a usable ispkit backup: the EEPROM checksum does not match \(file says CRC-32 [0-9A-F]{8}, contents give [0-9A-F]{8}\): the file is damaged$/);
  });

  test('a truncated file, an edited note, a plain firmware ELF and a non-ELF are each refused with their reason', () => {
    const bytes = encodeBackup(backup());
    expect(reason(bytes.subarray(0, bytes.length - 100)).code).toBe('not-elf');
    expect(reason(new TextEncoder().encode(':00000001FF\n')).message).toMatch(/not an ELF file/);

    const text = new TextDecoder('latin1').decode(bytes);
    const edited = bytes.slice();
    const i = text.indexOf('"atmega32u4"');
    edited.set(new TextEncoder().encode('"atmega16u4"'), i);
    const e = reason(edited);
    expect(e.code).toBe('checksum');
    expect(e.message).toMatch(/metadata checksum does not match/);

    const firmware = writeAvrElf({ flash: MemoryImage.fromBinary(Uint8Array.from([1, 2, 3, 4])) });
    const f = reason(firmware);
    expect(f.code).toBe('not-a-backup');
    expect(f.message).toMatch(/has no \.note\.ispkit\.backup section/);
  });
});
