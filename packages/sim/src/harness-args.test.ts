import { expect, test } from 'vitest';
import { buildBootArgs, buildRunArgs } from './harness-args.js';

test('builds the documented `simharness run` argv, passing the target part through', () => {
  const args = buildRunArgs({
    firmware: '/fw.hex',
    fCpu: 16_000_000,
    resetPin: 'B6',
    link: '/tmp/x/port',
    target: { id: 'atmega328p', signature: [0x1e, 0x95, 0x0f], flash: { size: 32768, pageSize: 128 }, eeprom: { size: 1024, pageSize: 4 } },
    fuses: { low: 0xde, high: 0x99, ext: 0xf3 },
    lock: 0xfc,
    dtr: false,
    faults: ['no-target-high', 'flip:0.01'],
    maxSimSeconds: 60,
    leds: [{ role: 'status', pin: 'B0', activeLevel: 'low' }, { role: 'activity', pin: 'D5', activeLevel: 'low' }],
  });
  expect(args).toEqual([
    'run', '--firmware', '/fw.hex', '--f-cpu', '16000000', '--reset-pin', 'B6',
    '--target', 'atmega328p', '--target-signature', '1e950f', '--flash', '32768:128', '--eeprom', '1024:4',
    '--fuses', 'DE:99:F3', '--lock', 'FC', '--dtr', 'off', '--link', '/tmp/x/port',
    '--fault', 'no-target-high', '--fault', 'flip:0.01', '--max-sim-seconds', '60',
    '--led', 'status:B0:low', '--led', 'activity:D5:low',
  ]);
});

test('leaves optional settings to the harness defaults', () => {
  expect(buildRunArgs({ firmware: 'a.hex', fCpu: 8_000_000, resetPin: 'B0', link: '/l' })).toEqual([
    'run', '--firmware', 'a.hex', '--f-cpu', '8000000', '--reset-pin', 'B0', '--link', '/l',
  ]);
});

test('builds `simharness boot`', () => {
  expect(buildBootArgs('/i.hex', { low: 0xff, high: 0xd8, ext: 0xfb }, 2000)).toEqual([
    'boot', '--image', '/i.hex', '--fuses', 'FF:D8:FB', '--timeout-ms', '2000',
  ]);
});
