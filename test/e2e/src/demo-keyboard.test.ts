import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { mergeImages, parseIntelHex, serializeIntelHex } from '@ispkit/ihex';
import { bootCheck } from '@ispkit/sim';
import { workspaceRoot } from '@ispkit/sim/testing';
import { fixtureDir } from './fixtures.js';

// The `npm run demo` payload: the demo keyboard firmware (a USB HID boot keyboard, built here from
// tools/scripts/demo/keyboard) merged with the stand-in bootloader at 0x7000, booted in a fresh simulated 32U4.

interface DemoKeyboard {
  keyboard: string;
  bootloader: string;
  keyboardBytes: number;
  bootloaderBytes: number;
}
type BuildDemoKeyboard = (outDir: string) => DemoKeyboard;

const CATERINA_FUSES = 'FF:D8:FB'; // BOOTRST programmed, BOOTSZ 4 KB: reset enters 0x7000
const NO_BOOTRST_FUSES = 'FF:D9:FB'; // BOOTRST unprogrammed: reset enters 0x0000
const BOOT_TIMEOUT_MS = 3000; // simulated

const fx = fixtureDir('demo-keyboard');
let built: DemoKeyboard;
let merged: string;

beforeAll(async () => {
  const url = pathToFileURL(join(workspaceRoot(), 'tools/scripts/demo/build-keyboard.mjs')).href;
  const { buildDemoKeyboard } = (await import(url)) as { buildDemoKeyboard: BuildDemoKeyboard };
  built = buildDemoKeyboard(join(fx.dir, 'build'));
  const image = mergeImages([
    { name: 'keyboard.hex', image: parseIntelHex(readFileSync(built.keyboard, 'utf8'), { source: built.keyboard }) },
    { name: 'boot.hex', image: parseIntelHex(readFileSync(built.bootloader, 'utf8'), { source: built.bootloader }) },
  ]);
  merged = join(fx.dir, 'keyboard-with-bootloader.hex');
  writeFileSync(merged, serializeIntelHex(image));
}, 60_000);
afterAll(() => fx.remove());

describe('demo keyboard firmware with its stand-in bootloader', () => {
  test('both images are small and sit where the fuses expect them', () => {
    expect(built.keyboardBytes).toBeGreaterThan(0);
    expect(built.keyboardBytes).toBeLessThan(4096);
    expect(built.bootloaderBytes).toBeGreaterThan(0);
    expect(built.bootloaderBytes).toBeLessThanOrEqual(4096);
    const boot = parseIntelHex(readFileSync(built.bootloader, 'utf8'));
    expect(boot.segments[0]?.address).toBe(0x7000);
    const kb = parseIntelHex(readFileSync(built.keyboard, 'utf8'));
    expect(kb.segments[0]?.address).toBe(0);
  });

  test('with the Caterina fuses it resets into the bootloader at 0x7000, which starts the keyboard: a HID device 1209:0001 attaches', async () => {
    const result = await bootCheck({ image: merged, fuses: CATERINA_FUSES, timeoutMs: BOOT_TIMEOUT_MS });
    expect(result.startAddress).toBe(0x7000);
    expect(result.attached, JSON.stringify(result)).toBe(true);
    expect(result.problem).toBeUndefined();
    expect(result.usb).toMatchObject({ vid: 0x1209, pid: 0x0001, product: 'ispkit demo keyboard', cdc: false });
  }, 60_000);

  test('with BOOTRST unprogrammed the keyboard alone starts at 0 and attaches', async () => {
    const result = await bootCheck({ image: built.keyboard, fuses: NO_BOOTRST_FUSES, timeoutMs: BOOT_TIMEOUT_MS });
    expect(result.startAddress).toBe(0);
    expect(result.attached, JSON.stringify(result)).toBe(true);
    expect(result.problem).toBeUndefined();
    expect(result.usb).toMatchObject({ vid: 0x1209, pid: 0x0001, cdc: false });
  }, 60_000);
});
