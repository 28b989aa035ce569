import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { EM_AVR, isElf, parseElf, parseElfImages } from './elf.js';
import { ImageError } from './image-error.js';
import { parseIntelHex } from './intel-hex-parse.js';
import { MemoryImage } from './memory-image.js';

// Real toolchain, no mocks: build small programs with avr-gcc and compare against avr-objcopy's view of the same ELF.
const fixture = (name: string): string => fileURLToPath(new URL(`./__fixtures__/${name}`, import.meta.url));
const NOT_FLASH = ['-R', '.eeprom', '-R', '.fuse', '-R', '.lock', '-R', '.signature', '-R', '.user_signatures'];

let dir: string;
interface Built {
  elf: Uint8Array;
  hex: string;
}
const built: Record<'app' | 'boot' | 'big', Built> = {} as Record<'app' | 'boot' | 'big', Built>;
let appEepromHex: string;

function build(name: keyof typeof built, source: string, mcu: string, extra: string[] = []): void {
  const elf = join(dir, `${name}.elf`);
  const hex = join(dir, `${name}.hex`);
  execFileSync('avr-gcc', [`-mmcu=${mcu}`, '-Os', '-o', elf, fixture(source), ...extra]);
  execFileSync('avr-objcopy', ['-O', 'ihex', ...NOT_FLASH, elf, hex]);
  built[name] = { elf: new Uint8Array(readFileSync(elf)), hex: readFileSync(hex, 'latin1') };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ispkit-ihex-elf-'));
  build('app', 'app.c', 'atmega32u4');
  build('boot', 'app.c', 'atmega32u4', ['-Wl,--section-start=.text=0x7000']);
  build('big', 'big.c', 'at90usb1286');
  const eep = join(dir, 'app.eep');
  execFileSync('avr-objcopy', ['-O', 'ihex', '-j', '.eeprom', '--change-section-lma', '.eeprom=0', join(dir, 'app.elf'), eep]);
  appEepromHex = readFileSync(eep, 'latin1');
});

afterAll(() => {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

describe('parseElf against avr-objcopy', () => {
  test('atmega32u4 program: flash image equals avr-objcopy -O ihex of the same ELF', () => {
    const { elf, hex } = built.app;
    const fromElf = parseElf(elf, { source: 'app.elf' });
    const fromHex = parseIntelHex(hex, { source: 'app.hex' });
    expect(fromElf.equals(fromHex)).toBe(true);
    expect(fromElf.minAddress).toBe(0);
    expect(fromElf.startAddress).toBeUndefined();
  });

  test('.data is placed at its load address in flash, right after .text, not at 0x800100', () => {
    const img = parseElf(built.app.elf);
    expect(img.endAddress).toBeLessThan(0x8000);
    const data = [0xd0, 0xd1, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7];
    const bin = img.toBinary();
    const at = indexOf(bin, data);
    expect(at).toBeGreaterThan(0);
    expect(at + data.length).toBe(img.endAddress);
    expect(indexOf(bin, [0x10, 0x21, 0x32, 0x43, 0x54, 0x65, 0x76, 0x87])).toBeGreaterThan(0);
  });

  test('code linked at 0x7000 (bootloader-style): equal, including the 03 start address objcopy writes', () => {
    const { elf, hex } = built.boot;
    const fromElf = parseElf(elf);
    expect(fromElf.equals(parseIntelHex(hex))).toBe(true);
    expect(fromElf.minAddress).toBe(0x7000);
    expect(fromElf.startAddress).toEqual({ cs: 0, ip: 0x7000 });
  });

  test('at90usb1286 image above 64 KiB (objcopy writes 02 segment records): equal', () => {
    const { elf, hex } = built.big;
    expect(hex).toMatch(/^:02000002/m);
    const fromElf = parseElf(elf);
    expect(fromElf.endAddress).toBeGreaterThan(0x10000);
    expect(fromElf.equals(parseIntelHex(hex))).toBe(true);
  });

  test('EEPROM, fuses and lock bits are exposed separately and kept out of flash', () => {
    const images = parseElfImages(built.app.elf);
    expect(images.machine).toBe(EM_AVR);
    expect(images.eeprom.equals(parseIntelHex(appEepromHex))).toBe(true);
    expect([...images.eeprom.read(0, 5)]).toEqual([0xe0, 0xe1, 0xe2, 0xe3, 0xe4]);
    expect([...images.fuse.read(0, 3)]).toEqual([0x5e, 0x99, 0xf3]);
    expect(images.fuse.byteCount).toBe(3);
    expect([...images.lock.read(0, 1)]).toEqual([0xef]);
    expect(images.flash.endAddress).toBeLessThan(0x800000);
  });

  test('isElf recognises the magic number', () => {
    expect(isElf(built.app.elf)).toBe(true);
    expect(isElf(new TextEncoder().encode(':00000001FF'))).toBe(false);
  });
});

describe('parseElf errors', () => {
  const elfError = (bytes: Uint8Array): ImageError => {
    try {
      parseElf(bytes, { source: 'x.elf' });
    } catch (e) {
      if (e instanceof ImageError) return e;
      throw e;
    }
    throw new Error('expected parseElf to throw');
  };

  test('not an ELF', () => {
    const err = elfError(Uint8Array.of(1, 2, 3, 4, 5));
    expect(err).toMatchObject({ code: 'elf', source: 'x.elf' });
    expect(err.message).toBe('not a usable ELF file in x.elf: missing the ELF magic number (7F 45 4C 46)');
  });

  test('ELF64 and big-endian are refused with the reason', () => {
    const e64 = built.app.elf.slice();
    e64[4] = 2;
    expect(elfError(e64).message).toMatch(/ELF class 2 is not ELF32/);
    const be = built.app.elf.slice();
    be[5] = 2;
    expect(elfError(be).message).toMatch(/not little-endian/);
  });

  test('truncated files say which part runs past the end', () => {
    const { elf } = built.app;
    expect(elfError(elf.subarray(0, 30)).message).toMatch(/shorter than an ELF32 header/);
    expect(elfError(elf.subarray(0, 60)).message).toMatch(/program header table .* extends past the end of the file \(60 bytes\)/);
    expect(elfError(elf.subarray(0, 0x100)).message).toMatch(/program header 0 at file offset .* extends past the end/);
  });

  test('a relocatable object (.o) is refused: it has no load addresses yet', () => {
    const obj = join(dir, 'app.o');
    execFileSync('avr-gcc', ['-mmcu=atmega32u4', '-Os', '-c', '-o', obj, fixture('app.c')]);
    const err = elfError(new Uint8Array(readFileSync(obj)));
    expect(err).toMatchObject({ code: 'elf', source: 'x.elf' });
    expect(err.message).toBe(
      'not a usable ELF file in x.elf: it is a relocatable object (.o), not a linked program; link it with avr-gcc first',
    );
  });

  test('an executable without program headers is refused', () => {
    const noPh = built.app.elf.slice();
    noPh[44] = 0; // e_phnum
    noPh[45] = 0;
    expect(elfError(noPh).message).toMatch(/no program headers, so load addresses are unknown/);
  });

  test('truncating a real ELF anywhere yields ImageError or an image, never another exception', () => {
    const { elf } = built.app;
    for (let len = 0; len < 0x240; len += 3) {
      try {
        expect(parseElf(elf.subarray(0, len))).toBeInstanceOf(MemoryImage);
      } catch (e) {
        expect(e).toBeInstanceOf(ImageError);
      }
    }
  });
});

function indexOf(hay: Uint8Array, needle: number[]): number {
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}
