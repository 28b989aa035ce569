// Builds the demo's keyboard firmware (demo/keyboard/*.c, a USB HID boot keyboard at 0x0000) and its stand-in
// bootloader (demo/bootloader/boot.c, linked at the Caterina boot section 0x7000) with avr-gcc, into Intel HEX.
// No dependencies beyond Node and the AVR toolchain (`npm run setup` installs it). The output is deterministic:
// same sources and compiler, same bytes (no debug info, no timestamps, sources compiled in sorted order).
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const KEYBOARD_DIR = join(here, 'keyboard');
const BOOTLOADER_DIR = join(here, 'bootloader');
/** Start of the 4 KB boot section on an ATmega32U4 (BOOTSZ = 00 with the Caterina fuses, high D8). */
export const BOOTLOADER_START = 0x7000;

const CFLAGS = [
  '-mmcu=atmega32u4',
  '-DF_CPU=16000000UL',
  '-std=gnu11',
  '-Os',
  '-Wall',
  '-Wextra',
  '-Werror',
  '-Wundef',
  '-Wshadow',
  '-Wstrict-prototypes',
  '-ffunction-sections',
  '-fdata-sections',
  '-Wl,--gc-sections',
];
const OBJCOPY_FLAGS = ['-O', 'ihex', '-R', '.eeprom', '-R', '.fuse', '-R', '.lock', '-R', '.signature'];

function run(tool, args, cwd) {
  try {
    execFileSync(tool, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    if (err.code === 'ENOENT') {
      throw new Error(`${tool} not found on PATH: the demo keyboard is built with the AVR toolchain; run \`npm run setup\``);
    }
    const output = `${String(err.stdout ?? '')}${String(err.stderr ?? '')}`.trim();
    throw new Error(`${tool} failed building the demo keyboard (in ${cwd}):\n${output || err.message}`);
  }
}

/** Data bytes in an Intel HEX file (type 00 records), i.e. the flash the image occupies. */
function hexDataBytes(path) {
  let bytes = 0;
  for (const line of readFileSync(path, 'utf8').split(/\r?\n/)) {
    if (line.startsWith(':') && line.slice(7, 9) === '00') bytes += parseInt(line.slice(1, 3), 16);
  }
  return bytes;
}

function build(srcDir, sources, name, outDir, extraFlags) {
  const elf = join(outDir, `${name}.elf`);
  const hex = join(outDir, `${name}.hex`);
  run('avr-gcc', [...CFLAGS, ...extraFlags, ...sources, '-o', elf], srcDir);
  run('avr-objcopy', [...OBJCOPY_FLAGS, elf, hex], srcDir);
  return hex;
}

/**
 * Compiles the demo keyboard firmware and the stand-in bootloader into `outDir` (created if missing).
 * Returns the two .hex paths and how many flash bytes each image holds. Throws an Error naming the tool when
 * avr-gcc / avr-objcopy are missing or the build fails.
 */
export function buildDemoKeyboard(outDir) {
  const out = resolve(outDir);
  mkdirSync(out, { recursive: true });
  const keyboardSources = readdirSync(KEYBOARD_DIR).filter((f) => f.endsWith('.c')).sort();
  const keyboard = build(KEYBOARD_DIR, keyboardSources, 'keyboard', out, []);
  const bootloader = build(BOOTLOADER_DIR, ['boot.c'], 'boot', out, [
    `-Wl,--section-start=.text=0x${BOOTLOADER_START.toString(16)}`,
  ]);
  return { keyboard, bootloader, keyboardBytes: hexDataBytes(keyboard), bootloaderBytes: hexDataBytes(bootloader) };
}
