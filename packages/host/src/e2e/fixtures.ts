import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryImage, parseIntelHex, serializeIntelHex } from '@ispkit/ihex';
import { workspaceRoot } from '@ispkit/sim/testing';

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `ispkit-host-e2e-${prefix}-`));
}

/**
 * A minimal real bootloader for the boot section at 0x7000, built with avr-gcc: its reset vector is at the section
 * start (so BOOTRST enters it) and it hands over to the application at 0x0000, as a bootloader with nothing to do
 * does. The boot check then sees the application's USB device attach.
 */
export function buildJumpBootloader(dir: string): { path: string; image: MemoryImage } {
  const c = join(dir, 'jump-boot.c');
  writeFileSync(c, 'int main(void) { __asm__ volatile("jmp 0"); for (;;) {} }\n');
  const elf = join(dir, 'jump-boot.elf');
  execFileSync('avr-gcc', ['-mmcu=atmega32u4', '-Os', '-Wl,--section-start=.text=0x7000', '-o', elf, c]);
  const path = join(dir, 'jump-boot.hex');
  execFileSync('avr-objcopy', ['-O', 'ihex', '-R', '.eeprom', elf, path]);
  return { path, image: parseIntelHex(readFileSync(path, 'utf8')) };
}

/**
 * A "keyboard firmware" that really enumerates on USB: the committed ispkit programmer image (~7 KB of code),
 * which a booted target runs like any USB firmware.
 */
export function usbApplication(): { path: string; image: MemoryImage } {
  const path = join(workspaceRoot(), 'firmware/dist/ispkit-teensy2-b0.hex');
  return { path, image: parseIntelHex(readFileSync(path, 'utf8')) };
}

export { seededBytes as seeded } from '@ispkit/ihex/testing';

export function writeHex(dir: string, name: string, image: MemoryImage): string {
  const path = join(dir, name);
  writeFileSync(path, serializeIntelHex(image));
  return path;
}

/** Stock ArduinoISP for the Leonardo, built from Debian's packages (never vendored) into a gitignored dir. */
export function buildStockArduinoIsp(): string {
  const root = workspaceRoot();
  return execFileSync('bash', [join(root, 'tools/scripts/build-arduinoisp.sh'), join(root, 'packages/host/.tmp/arduinoisp')], { encoding: 'utf8' }).trim();
}

/** The image's bytes compared with the chip's: undefined when every byte the image defines matches. */
export function differs(expected: MemoryImage, actual: MemoryImage): string | undefined {
  for (const s of expected.segments) {
    const got = actual.read(s.address, s.data.length);
    for (let i = 0; i < s.data.length; i++) {
      if (got[i] !== s.data[i]) return `0x${(s.address + i).toString(16)}: expected ${s.data[i]}, chip has ${got[i]}`;
    }
  }
  return undefined;
}
