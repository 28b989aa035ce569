import { writeFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { runHarness, scratch } from './harness.js';

/** Every bad invocation: exit 2, nothing on stdout, exactly one line on stderr that names the problem. */
function expectOneLineError(args: string[], pattern: RegExp) {
  const r = runHarness(args);
  expect(r.code).toBe(2);
  expect(r.stdout).toBe('');
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^simharness: /);
  expect(lines[0]).toMatch(pattern);
}

describe('command line errors', () => {
  test('no command', () => expectOneLineError([], /missing command: run or boot/));
  test('unknown command', () => expectOneLineError(['flash'], /unknown command 'flash'/));
  test('unsupported option', () =>
    expectOneLineError(['run', '--firmware', 'x.hex', '--reset-pin', 'B0', '--speed', '9'], /unsupported option --speed/));
  test('missing firmware file', () =>
    expectOneLineError(['run', '--firmware', '/nonexistent/fw.hex', '--reset-pin', 'B0'], /cannot open \/nonexistent\/fw.hex/));
  test('firmware that is not Intel HEX, with the line number', () => {
    const bad = scratch('bad.hex');
    writeFileSync(bad, ':00000001FF\nhello\n');
    expectOneLineError(['run', '--firmware', bad, '--reset-pin', 'B0'], /bad.hex line 2: .*(not an Intel HEX|end-of-file)/);
  });
  test('bad checksum', () => {
    const bad = scratch('checksum.hex');
    writeFileSync(bad, ':0400000011223344AA\n:00000001FF\n');
    expectOneLineError(['run', '--firmware', bad, '--reset-pin', 'B0'], /checksum.hex line 1: checksum mismatch/);
  });
  test('missing --reset-pin says which pin each board uses', () =>
    expectOneLineError(['run', '--firmware', 'x.hex'], /--reset-pin: B0 for Teensy 2.0.*B6 for Pro Micro/));
  test('bad reset pin', () => expectOneLineError(['run', '--firmware', 'x.hex', '--reset-pin', 'Q9'], /--reset-pin 'Q9'/));
  test('unknown target lists the known parts', () =>
    expectOneLineError(['run', '--firmware', 'x.hex', '--reset-pin', 'B0', '--target', 'attiny13'], /unknown --target 'attiny13' \(known: .*atmega32u4/));
  test('unknown fault', () =>
    expectOneLineError(['run', '--firmware', 'x.hex', '--reset-pin', 'B0', '--fault', 'smoke'], /unknown --fault 'smoke'/));
  test('bad flip probability', () =>
    expectOneLineError(['run', '--firmware', 'x.hex', '--reset-pin', 'B0', '--fault', 'flip:2'], /flip probability/));
  test('bad fuses', () => expectOneLineError(['boot', '--image', 'x.hex', '--fuses', '5E:99'], /--fuses '5E:99'/));
  test('boot needs fuses', () => expectOneLineError(['boot', '--image', 'x.hex'], /needs --fuses/));
  test('run-only option on boot', () =>
    expectOneLineError(['boot', '--image', 'x.hex', '--fuses', '5E:99:F3', '--link', '/tmp/x'], /--link is for 'simharness run'/));
  test('--help prints usage and succeeds', () => {
    const r = runHarness(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/simharness run --firmware <hex> --reset-pin B0\|B6/);
  });
});
