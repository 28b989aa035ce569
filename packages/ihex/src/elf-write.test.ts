import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parseElfImages, parseElfNotes } from './elf.js';
import { writeAvrElf, writeElf } from './elf-write.js';
import { parseIntelHex } from './intel-hex-parse.js';
import { MemoryImage } from './memory-image.js';

// The written ELF is checked with the real binutils (avr-readelf, avr-objcopy), not only with our own reader.
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ispkit-ihex-elfw-'));
});
afterAll(() => {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

function sample(): { flash: MemoryImage; eeprom: MemoryImage; fuse: MemoryImage; lock: MemoryImage; signature: MemoryImage } {
  const flash = new Uint8Array(0x1000).map((_, i) => (i * 7 + 3) & 0xff);
  return {
    flash: MemoryImage.fromSegments([{ address: 0, data: flash }, { address: 0x7000, data: Uint8Array.from([1, 2, 3, 4]) }]),
    eeprom: MemoryImage.fromBinary(Uint8Array.from([0xe7, 0xfe, 0, 0, 9]), 0),
    fuse: MemoryImage.fromBinary(Uint8Array.from([0x5e, 0x99, 0xf3])),
    lock: MemoryImage.fromBinary(Uint8Array.from([0xfc])),
    signature: MemoryImage.fromBinary(Uint8Array.from([0x87, 0x95, 0x1e])),
  };
}

function save(name: string, bytes: Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

describe('writeAvrElf', () => {
  test('parseElfImages reads every memory back', () => {
    const m = sample();
    const back = parseElfImages(writeAvrElf(m));
    expect(back.machine).toBe(83);
    expect(back.flash.equals(m.flash)).toBe(true);
    expect(back.eeprom.equals(m.eeprom)).toBe(true);
    expect(back.fuse.equals(m.fuse)).toBe(true);
    expect(back.lock.equals(m.lock)).toBe(true);
    expect(back.signature.equals(m.signature)).toBe(true);
  });

  test('avr-readelf sees the avr-gcc section layout and avr-objcopy extracts each memory', () => {
    const m = sample();
    const path = save('all.elf', writeAvrElf(m, { notes: [{ section: '.note.test', owner: 'ispkit', type: 1, desc: new TextEncoder().encode('hello') }] }));
    const sections = execFileSync('avr-readelf', ['-S', '-W', path], { encoding: 'utf8' });
    expect(sections).toMatch(/\.text\s+PROGBITS\s+00000000 [0-9a-f]+ 001000 00\s+AX/);
    expect(sections).toMatch(/\.eeprom\s+PROGBITS\s+00810000 [0-9a-f]+ 000005 00\s+WA/);
    expect(sections).toMatch(/\.fuse\s+PROGBITS\s+00820000 [0-9a-f]+ 000003 00\s+WA/);
    expect(sections).toMatch(/\.lock\s+PROGBITS\s+00830000 [0-9a-f]+ 000001 00\s+WA/);
    expect(sections).toMatch(/\.signature\s+PROGBITS\s+00840000 [0-9a-f]+ 000003 00\s+WA/);
    expect(sections).toMatch(/\.note\.test\s+NOTE/);
    const notes = execFileSync('avr-readelf', ['-n', '-W', path], { encoding: 'utf8' });
    expect(notes).toMatch(/ispkit\s+0x00000005/);

    const flashHex = join(dir, 'flash.hex');
    execFileSync('avr-objcopy', ['-O', 'ihex', '-R', '.eeprom', '-R', '.fuse', '-R', '.lock', '-R', '.signature', path, flashHex]);
    expect(parseIntelHex(readFileSync(flashHex, 'latin1')).equals(m.flash)).toBe(true);
    const eepHex = join(dir, 'eeprom.hex');
    execFileSync('avr-objcopy', ['-O', 'ihex', '-j', '.eeprom', '--change-section-lma', '.eeprom=0', path, eepHex]);
    expect(parseIntelHex(readFileSync(eepHex, 'latin1')).equals(m.eeprom)).toBe(true);
  });

  test('notes round-trip through parseElfNotes; empty sections are left out', () => {
    const desc = Uint8Array.from([1, 2, 3, 4, 5, 6, 7]);
    const bytes = writeElf({
      sections: [{ name: '.text', address: 0, data: new Uint8Array(0) }],
      notes: [
        { section: '.note.a', owner: 'abc', type: 7, desc },
        { section: '.note.b', owner: 'ispkit', type: 1, desc: new Uint8Array(0) },
      ],
    });
    expect(parseElfNotes(bytes)).toEqual([
      { section: '.note.a', owner: 'abc', type: 7, desc },
      { section: '.note.b', owner: 'ispkit', type: 1, desc: new Uint8Array(0) },
    ]);
    expect(() => parseElfImages(bytes)).toThrow(/no program headers/);
  });

  test('rejects a section outside the address space', () => {
    expect(() => writeElf({ sections: [{ name: '.x', address: 0xffff_ffff, data: new Uint8Array(2) }] })).toThrow(RangeError);
  });
});
