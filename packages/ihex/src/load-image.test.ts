import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { ImageError } from './image-error.js';
import { parseIntelHex } from './intel-hex-parse.js';
import { loadImage } from './load-image.js';

const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const HEX = ':0400000001020304F2\r\n:00000001FF\r\n';

describe('loadImage', () => {
  test('Intel HEX by content, whatever the name; BOM and leading whitespace allowed', () => {
    expect([...loadImage(text(HEX), 'firmware').read(0, 4)]).toEqual([1, 2, 3, 4]);
    expect(loadImage(text(`\uFEFF \r\n${HEX}`), 'x.txt').byteCount).toBe(4);
  });

  test('Intel HEX errors carry the file name', () => {
    expect(() => loadImage(text(':0400000001020304F3\n:00000001FF\n'), 'main.hex')).toThrow(
      'checksum mismatch at line 1 of main.hex: expected 0xF2, found 0xF3',
    );
  });

  test('a .hex name that is not Intel HEX is parsed as such, so the error says what is wrong with it', () => {
    expect(() => loadImage(new Uint8Array(), 'empty.hex')).toThrow(expect.objectContaining({ code: 'missing-eof', source: 'empty.hex' }));
    expect(() => loadImage(text('hello'), 'notes.HEX')).toThrow(expect.objectContaining({ code: 'syntax', line: 1 }));
  });

  test('.bin is raw bytes at address 0, 0xFF included', () => {
    const img = loadImage(Uint8Array.of(0x0c, 0x94, 0xff, 0xff), 'firmware.BIN');
    expect(img.segments).toHaveLength(1);
    expect(img.minAddress).toBe(0);
    expect(img.byteCount).toBe(4);
  });

  test('ELF by magic number, whatever the name', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ispkit-ihex-load-'));
    try {
      const elf = join(dir, 'a.elf');
      const src = fileURLToPath(new URL('./__fixtures__/app.c', import.meta.url));
      execFileSync('avr-gcc', ['-mmcu=atmega32u4', '-Os', '-o', elf, src]);
      execFileSync('avr-objcopy', ['-O', 'ihex', '-R', '.eeprom', '-R', '.fuse', '-R', '.lock', elf, join(dir, 'a.hex')]);
      const img = loadImage(new Uint8Array(readFileSync(elf)), 'firmware.bin');
      expect(img.equals(parseIntelHex(readFileSync(join(dir, 'a.hex'), 'latin1')))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('anything else: ImageError listing the accepted formats', () => {
    let err: unknown;
    try {
      loadImage(Uint8Array.of(0x50, 0x4b, 3, 4), 'firmware.zip');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ImageError);
    expect(err).toMatchObject({ code: 'unknown-format', source: 'firmware.zip' });
    expect((err as Error).message).toBe(
      "cannot tell the format of firmware.zip: expected an ELF file, Intel HEX text (lines starting with ':') or a raw binary named *.bin",
    );
  });
});
