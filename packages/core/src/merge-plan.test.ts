import { MemoryImage } from '@ispkit/ihex';
import { atmega32u4 } from '@ispkit/parts';
import { expect, test } from 'vitest';
import { IspkitError } from './errors.js';
import { planMerge } from './merge-plan.js';

/** Non-blank filler that never contains a USB device descriptor. */
function code(length: number, seed = 1): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => ((i * 7 + seed) % 250) + 2);
}

/** LUFA's mass-storage bootloader as its makefile lays it out on a 32 KB part (6 KB build): 2 KB from 0x6800, then
 *  the 4 KB boot section with its vector table and its 03EB:2045 device descriptor. */
function lufaMs6k(): MemoryImage {
  const boot = code(0xe00, 5);
  for (let k = 0; k < 16; k++) boot.set([0x0c, 0x94, 0x00, 0x38], 4 * k);
  boot.set([0x12, 0x01, 0x10, 0x01, 0, 0, 0, 0x08, 0xeb, 0x03, 0x45, 0x20, 0x01, 0x00, 0, 0, 0, 1], 0x300);
  return MemoryImage.fromSegments([
    { address: 0x6800, data: code(0x20, 9) }, // the trampoline LUFA places at the start of its extra code
    { address: 0x6840, data: code(0x300, 7) },
    { address: 0x7000, data: boot },
  ]);
}

const app = (length: number) => ({ name: 'kbd.hex', image: MemoryImage.fromSegments([{ address: 0, data: code(length, 3) }]) });
const bootloader = { name: 'BootloaderMassStorage.hex', image: lufaMs6k() };

test('an application below 0x6800 merges with a 6 KB LUFA mass-storage bootloader, which keeps its code below 0x7000', () => {
  const r = planMerge(atmega32u4, app(0x6800), bootloader);
  expect([r.bootloader.bootStart, r.bootloader.auxStart]).toEqual([0x7000, 0x6800]);
  expect(r.merged.byteAt(0x6800)).toBe(lufaMs6k().byteAt(0x6800));
  expect(r.merged.byteAt(0x67ff)).toBe(code(0x6800, 3)[0x67ff]);
  expect(r.summary[1]).toContain('with 2 KB more below it from 0x6800');
});

test('an application reaching past 0x6800 is refused with the 6 KB limit, though it ends below the boot section', () => {
  let err: unknown;
  try {
    planMerge(atmega32u4, app(0x6a00), bootloader);
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(IspkitError);
  expect((err as IspkitError).message).toBe(
    'kbd.hex reaches 0x69FF, into the 6 KB from 0x6800 that BootloaderMassStorage.hex needs (first byte there at 0x6820)',
  );
  expect((err as IspkitError).hint).toBe('the application must end below 0x6800 (at most 26 KB); build it for a bootloader of this size');
});
