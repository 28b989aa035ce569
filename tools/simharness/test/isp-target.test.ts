import { writeFileSync } from 'node:fs';
import { beforeAll, describe, expect, test } from 'vitest';
import { buildFixture, hexBytes, scratch, startHarness, type HarnessEvent } from './harness.js';

/*
 * __fixtures__/isp-probe.c drives the target model over the programmer's hardware SPI (RESET on B0), one datasheet
 * rule per step, and stores the bytes it saw in target flash page 255 (0x7F80); see the fixture for the steps.
 */
describe('target model (ATmega32U4 serial programming) driven by a probe firmware', () => {
  const flashDump = scratch('probe-flash.hex');
  const eepromDump = scratch('probe-eeprom.hex');
  let exit: HarnessEvent;
  let seen: number[];

  beforeAll(async () => {
    const probe = buildFixture('isp-probe');
    const eeprom = scratch('probe-eeprom-in.hex');
    writeFileSync(eeprom, ':040000007777777720\n:00000001FF\n');
    const h = startHarness([
      'run', '--firmware', probe, '--reset-pin', 'B0', '--no-usb', '--max-sim-seconds', '2',
      '--eeprom-image', eeprom, '--dump-flash', flashDump, '--dump-eeprom', eepromDump,
    ]);
    exit = await h.next('exit', 30000);
    expect(await h.exited).toBe(0);
    seen = hexBytes(flashDump, 0x7f80, 13);
  }, 40000);

  test('the probe ran to its end (halted), not into the time limit', () => {
    expect(exit.reason).toBe('firmware-halted');
    expect(exit.simSeconds as number).toBeLessThan(1);
  });

  test('Programming Enable is refused < 20 ms after RESET goes low, counted, and echoes no 53', () => {
    expect(seen[0]).not.toBe(0x53);
    expect((exit.violations as Record<string, number>).enableTooEarly).toBe(1);
  });

  test('in sync, the third byte of AC 53 00 00 echoes 53', () => expect(seen[1]).toBe(0x53));

  test('a stray byte puts the target out of sync until RESET is pulsed', () => {
    expect(seen[9]).not.toBe(0x53);
    expect(seen[10]).toBe(0x53);
    expect(seen[11]).toBe(0x87); // signature byte 2 after re-sync
  });

  test('programming without erase ANDs: F0 then 3C gives 30', () => {
    expect(hexBytes(flashDump, 0, 128)).toEqual(new Array(128).fill(0x30));
  });

  test('an instruction while a page write runs is ignored and counted; RDY/BSY says busy', () => {
    expect(seen[2]).not.toBe(0x00); // the read got no data
    expect(seen[3]! & 1).toBe(1); // poll: busy
    expect(seen[4]).toBe(0x00); // after the write completed
    expect((exit.violations as Record<string, number>).busy).toBe(1);
    expect(hexBytes(flashDump, 0x80, 128)).toEqual(new Array(128).fill(0x00));
  });

  test('EEPROM page write stores only the loaded bytes; byte write replaces', () => {
    expect(hexBytes(eepromDump, 0, 8)).toEqual([0x11, 0x22, 0x77, 0x77, 0xff, 0x55, 0xff, 0xff]);
    expect(seen[5]).toBe(0x22);
  });

  test('SCK above fck/4 of the CKDIV8 target garbles MISO and is counted per byte', () => {
    expect(seen[6]).not.toBe(0x1e);
    expect(seen[7]).toBe(0x1e);
    expect((exit.violations as Record<string, number>).sckTooFast).toBe(4);
  });

  test('with RESET released the target ignores SPI and MISO reads high', () => {
    expect(seen[8]).toBe(0xff);
    expect(hexBytes(flashDump, 0x180, 128)).toEqual(new Array(128).fill(0xff));
  });

  test('a Programming Enable after a RESET pulse runs no earlier instruction again (the page write counts once)', () => {
    expect(seen[12]).toBe(0x53);
    expect(hexBytes(flashDump, 0x200, 128)).toEqual(new Array(128).fill(0x5a));
    expect(exit.pageWrites).toBe(5);
  });

  test('page writes counted; fuses untouched', () => {
    expect(exit.pageWrites).toBe(5);
    expect(exit.fuses).toEqual({ low: 0x5e, high: 0x99, ext: 0xf3 });
  });
});

/*
 * The wiring faults `ispkit doctor` tells apart, seen from the same probe. The probe stores what it read in the
 * target's own flash, so only a target that still takes data (MISO open) can show what was read (all FF); the
 * others must take nothing at all. What the programmer reads from them is checked end to end by the doctor tests.
 */
describe.each([
  ['miso-open', true],
  ['reset-open', false],
  ['unpowered', false],
  ['sck-mosi-swapped', false],
])('wiring fault %s', (fault, written) => {
  test(`${written ? 'the target is written but every byte read back is FF' : 'the target takes nothing'}`, async () => {
    const probe = buildFixture('isp-probe');
    const flashDump = scratch(`probe-${fault}.hex`);
    const h = startHarness([
      'run', '--firmware', probe, '--reset-pin', 'B0', '--no-usb', '--max-sim-seconds', '2',
      '--fault', fault, '--dump-flash', flashDump,
    ]);
    const exit = await h.next('exit', 30000);
    expect(await h.exited).toBe(0);
    expect((exit.pageWrites as number) > 0).toBe(written);
    expect(hexBytes(flashDump, 0x7f80, 13)).toEqual(new Array(13).fill(0xff));
    if (!written) expect(hexBytes(flashDump, 0, 128)).toEqual(new Array(128).fill(0xff));
  }, 40000);
});
