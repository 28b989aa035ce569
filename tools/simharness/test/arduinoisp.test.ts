import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterEach, beforeAll, describe, expect, test } from 'vitest';
import { arduinoIspHex, hexBytes, scratch, startHarness, writeHex, type Harness } from './harness.js';

const run = promisify(execFile);

/** avrdude 7.1 as a user runs it; resolves with its exit code and output. */
async function avrdude(port: string, ...args: string[]): Promise<{ code: number; out: string }> {
  try {
    const r = await run('avrdude', ['-c', 'avrisp', '-P', port, '-p', 'm32u4', '-b', '115200', ...args], { timeout: 60000 });
    return { code: 0, out: r.stdout + r.stderr };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { code: typeof x.code === 'number' ? x.code : -1, out: x.stdout + x.stderr };
  }
}

let hex: string;
let harness: Harness | undefined;

beforeAll(() => {
  hex = arduinoIspHex();
}, 120000);

afterEach(async () => {
  if (harness) {
    harness.send('quit');
    await harness.exited;
    harness = undefined;
  }
});

async function start(...extra: string[]) {
  harness = startHarness(['run', '--firmware', hex, '--reset-pin', 'B6', ...extra]);
  return harness.next('ready');
}

describe('stock ArduinoISP (Leonardo build) in the harness with real avrdude 7.1', () => {
  test('enumerates as the Arduino core CDC device found from its descriptors', async () => {
    const ready = await start();
    expect(ready.usb).toMatchObject({ vid: 0x2341, pid: 0x8036, ep0Size: 64, bulkOut: 2, bulkIn: 3 });
    expect(ready.port).toMatch(/^\/dev\/pts\/\d+$/);
  }, 30000);

  test('avrdude reads the signature 1E 95 87', async () => {
    const ready = await start();
    const r = await avrdude(ready.port as string);
    expect(r.out).toMatch(/device signature = 0x1e9587/);
    expect(r.code).toBe(0);
  }, 60000);

  test('avrdude writes and verifies a 3 KB image and the target flash equals it', async () => {
    const image = randomBytes(3 * 1024);
    const file = scratch('random-3k.hex');
    writeFileSync(file, writeHex(image));
    const dump = scratch('arduinoisp-3k-dump.hex');
    const ready = await start('--dump-flash', dump);
    const r = await avrdude(ready.port as string, '-U', `flash:w:${file}:i`);
    expect(r.out).toMatch(/3072 bytes of flash verified/);
    expect(r.code).toBe(0);
    harness!.send('stats');
    const stats = await harness!.next('stats');
    expect(stats.pageWrites).toBe(24);
    expect(stats.violations).toEqual({ busy: 0, sckTooFast: 0, enableTooEarly: 0 });
    harness!.send('quit');
    await harness!.exited;
    harness = undefined;
    expect(hexBytes(dump, 0, 3072)).toEqual([...image]);
    expect(hexBytes(dump, 3072, 1024)).toEqual(new Array(1024).fill(0xff)); // chip erase left the rest blank
  }, 90000);

  test('with no target (MISO stuck high) avrdude fails with its signature error instead of hanging', async () => {
    const ready = await start('--fault', 'no-target-high');
    const r = await avrdude(ready.port as string);
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/[Ii]nvalid device signature|0xffffff/);
  }, 60000);

  test('a wrong chip answers with its own signature', async () => {
    const ready = await start('--target-signature', '1e950f');
    const r = await avrdude(ready.port as string);
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/signature.*0x1e950f/i);
  }, 60000);
});

describe('USB life cycle', () => {
  test('the Arduino core attaches when started the way Caterina leaves the chip (USB on, detached)', async () => {
    const ready = await start('--start-detached');
    expect(ready.usb).toMatchObject({ vid: 0x2341, pid: 0x8036 });
  }, 30000);

  test('1200 baud with DTR dropped: the Arduino core detaches and reboots into its bootloader by watchdog', async () => {
    await start('--bootloader-address', '0x7000');
    harness!.send('line 1200 0 0');
    const entry = await harness!.next('bootloader-entry', 20000);
    expect(entry).toMatchObject({ address: 0x7000, via: 'watchdog-reset' });
    const exit = await harness!.next('exit');
    expect(exit.reason).toBe('bootloader-entry');
    harness = undefined;
  }, 40000);

  test('disconnect fault: the pty hangs up at the given simulated time and the harness exits', async () => {
    const ready = await start('--fault', 'disconnect:1000');
    expect(ready.simMs as number).toBeLessThan(1000);
    // A request left unread keeps it the firmware's turn, so simulated time runs on to the fault.
    const fd = openSync(ready.port as string, 'r+');
    try {
      writeSync(fd, Buffer.from('0 '));
      const ev = await harness!.next('disconnect', 20000);
      expect(ev.simMs as number).toBeGreaterThanOrEqual(1000);
      const exit = await harness!.next('exit');
      expect(exit.reason).toBe('disconnect');
      expect(await harness!.exited).toBe(0);
    } finally {
      closeSync(fd);
    }
    harness = undefined;
  }, 40000);
});

describe('boot check', () => {
  test('an application image with BOOTRST unprogrammed starts at 0 and attaches as its VID:PID', async () => {
    const h = startHarness(['boot', '--image', hex, '--fuses', 'FF:D9:CB', '--timeout-ms', '2000']);
    const boot = await h.next('boot', 30000);
    expect(boot).toMatchObject({ attached: true, startAddress: 0, usb: { vid: 0x2341, pid: 0x8036, cdc: true } });
    expect(await h.exited).toBe(0);
  }, 40000);

  test('BOOTRST programmed with an empty 4 KB boot section: starts at 0x7000 and never attaches', async () => {
    const h = startHarness(['boot', '--image', hex, '--fuses', 'FF:D8:CB', '--timeout-ms', '300']);
    const boot = await h.next('boot', 30000);
    expect(boot).toMatchObject({ attached: false, startAddress: 0x7000, usb: null });
    expect(await h.exited).toBe(0);
  }, 40000);
});
