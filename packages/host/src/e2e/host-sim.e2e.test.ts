/**
 * End to end: the ispkit CLI → serialport → the simulator's pty → our programmer firmware running in simavr → the
 * modelled target ATmega32U4 (tools/simharness through @ispkit/sim). Nothing is mocked.
 */
import { openSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { MemoryImage, mergeImages } from '@ispkit/ihex';
import { startSim, type Sim } from '@ispkit/sim';
import { afterEach, beforeAll, describe, expect, test } from 'vitest';
import { runCli } from '../test-support/run-cli.js';
import { buildJumpBootloader, buildStockArduinoIsp, differs, seeded, tempDir, usbApplication, writeHex } from './fixtures.js';

const MINUTE = 60_000;
let dir: string;
let boot: ReturnType<typeof buildJumpBootloader>;
let firmware4k: { path: string; image: MemoryImage };
let sims: Sim[] = [];

async function sim(options: Parameters<typeof startSim>[0]): Promise<Sim> {
  const s = await startSim({ maxSimSeconds: 120, ...options });
  sims.push(s);
  return s;
}

beforeAll(() => {
  dir = tempDir('sim');
  boot = buildJumpBootloader(dir);
  const image = MemoryImage.fromBinary(seeded(4096, 42), 0);
  firmware4k = { path: writeHex(dir, 'firmware-4k.hex', image), image };
});

afterEach(async () => {
  await Promise.all(sims.map((s) => s.stop()));
  sims = [];
});

describe.each(['teensy2', 'pro-micro'] as const)('ispkit + our firmware on %s in the simulator', (board) => {
  test('flashes a USB firmware merged with a bootloader onto a factory-fresh chip, sets the preset, and it boots', async () => {
    const s = await sim({ board });
    const app = usbApplication();
    const r = await runCli(['flash', app.path, '--bootloader', boot.path, '--fuses', 'caterina-5v', '-P', s.port, '--json']);
    expect(r.code, r.stdout).toBe(0);
    const result = r.json.find((e) => e.event === 'result');
    expect(result).toMatchObject({ data: { clockTrick: true, sck: 'SCK 2 MHz', verified: true, fuses: { low: 0xff, high: 0xd8, ext: 0xfb } } });
    const merged = mergeImages([{ name: 'app', image: app.image }, { name: 'boot', image: boot.image }]);
    expect(differs(merged, await s.targetImage())).toBeUndefined();
    expect(await s.fuses()).toMatchObject({ low: 0xff, high: 0xd8, ext: 0xfb });
    const stats = await s.stats();
    expect(stats.violations.busy).toBe(0);
    expect(stats.violations.sckTooFast).toBe(0);
    const booted = await s.bootCheck({ timeoutMs: 3000 });
    expect(booted.startAddress).toBe(0x7000);
    expect(booted.attached).toBe(true);
    expect(booted.usb).toMatchObject({ vid: 0x16c0, pid: 0x0483 });
  }, 3 * MINUTE);

  test('a 4 KB firmware without --fuses: CKDIV8 restored, warning about the missing bootloader', async () => {
    const s = await sim({ board });
    const r = await runCli(['flash', firmware4k.path, '-P', s.port]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/warning: the image has no bootloader/);
    expect(differs(firmware4k.image, await s.targetImage())).toBeUndefined();
    expect(await s.fuses()).toMatchObject({ low: 0x5e, high: 0x99, ext: 0xf3 });
    expect((await s.stats()).violations).toMatchObject({ busy: 0, sckTooFast: 0 });
  }, 3 * MINUTE);
});

describe('ispkit against the simulator: checks and failures', () => {
  test('verify names the first differing address and the count (exit 5); injected MISO bit flips never pass', async () => {
    const s = await sim({ board: 'teensy2', fuses: 'DE:99:F3' });
    expect((await runCli(['flash', firmware4k.path, '-P', s.port])).code).toBe(0);
    const changed = firmware4k.image.toBinary();
    changed[0x123] = changed[0x123]! ^ 0x10;
    changed[0x800] = changed[0x800]! ^ 0x01;
    const other = writeHex(dir, 'changed.hex', MemoryImage.fromBinary(changed, 0));
    const v = await runCli(['verify', other, '-P', s.port]);
    expect(v.code).toBe(5);
    expect(v.stderr).toMatch(/^ispkit: error: verify failed: 2 bytes of flash differ, the first at 0x0123 \(expected [0-9A-F]{2}, read [0-9A-F]{2}\)$/m);

    const flaky = await sim({ board: 'teensy2', fuses: 'DE:99:F3', faults: 'flip:0.001' });
    const f = await runCli(['flash', firmware4k.path, '-P', flaky.port]);
    expect([4, 5]).toContain(f.code);
    expect(f.stdout).toBe('');
    expect(f.stderr).toMatch(/^ispkit: error: /m);
  }, 3 * MINUTE);

  test('fuse preset write and read-back; EEPROM write and read', async () => {
    const s = await sim({ board: 'pro-micro' });
    const app = writeHex(dir, 'boot-only.hex', boot.image);
    expect((await runCli(['flash', app, '-P', s.port])).code).toBe(0);
    const w = await runCli(['fuses', 'write', '--preset', 'caterina-3v3', '-P', s.port, '--json']);
    expect(w.code, w.stdout).toBe(0);
    expect(await s.fuses()).toMatchObject({ low: 0xff, high: 0xd8, ext: 0xfe });
    const rd = await runCli(['fuses', 'read', '-P', s.port, '--json']);
    expect(rd.json.at(-1)).toMatchObject({ data: { fuses: { low: 0xff, high: 0xd8, ext: 0xfe } } });

    const eep = MemoryImage.fromBinary(seeded(100, 9), 0x31);
    const eepPath = writeHex(dir, 'data.eep', eep);
    const ew = await runCli(['eeprom', 'write', eepPath, '-P', s.port]);
    expect(ew.code, ew.stderr).toBe(0);
    expect(differs(eep, await s.eepromImage())).toBeUndefined();
    const out = join(dir, 'eeprom-back.hex');
    expect((await runCli(['eeprom', 'read', '-o', out, '-P', s.port])).code).toBe(0);
    const verify = await runCli(['hex', 'info', out, '--json']);
    expect(verify.code).toBe(0);
  }, 3 * MINUTE);

  test('wrong chip is refused naming both parts (exit 4); no target shows the wiring (exit 4)', async () => {
    const wrong = await sim({ board: 'teensy2', target: 'atmega328p' });
    const r = await runCli(['flash', firmware4k.path, '-p', 'atmega32u4', '-P', wrong.port]);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/^ispkit: error: found ATmega328P \(1E 95 0F\), expected ATmega32U4 \(1E 95 87\)/m);

    const none = await sim({ board: 'teensy2', faults: 'no-target-high' });
    const n = await runCli(['info', '-P', none.port]);
    expect(n.code).toBe(4);
    expect(n.stderr).toMatch(/Teensy 2\.0: .*B0.* → RESET/);
    expect(n.stderr).toMatch(/ispkit: error: no target answered/);
  }, 3 * MINUTE);

  test('programmer unplugged mid-write: exits within 2 s of the unplug, saying the chip state and what to run (exit 3)', async () => {
    const big = MemoryImage.fromBinary(seeded(28 * 1024, 5), 0);
    const path = writeHex(dir, 'big.hex', big);
    // unplugged after the automatic backup (0.6 s of 32 KB + 1 KB reads at 2 MHz SCK; up to ~1.6 s of simulated time
    // on a loaded machine, whose slow host lets the clock run), while writing (1.5 s) or verifying
    const s = await sim({ board: 'teensy2', fuses: 'DE:99:F3', faults: 'disconnect:2100' });
    let unpluggedAt = 0;
    void s.exited.then(() => (unpluggedAt = Date.now()));
    const r = await runCli(['flash', path, '-P', s.port]);
    const endedAt = Date.now();
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^ispkit: error: the programmer on .* disconnected while (writing|verifying) flash.*: the chip is erased.*; reconnect and run `ispkit flash .*big\.hex -P \S+` again; the chip as it was before is backed up in (\S+\.elf): `ispkit restore \2` puts it back$/m);
    if (unpluggedAt) expect(endedAt - unpluggedAt).toBeLessThan(2000);
  }, 3 * MINUTE);

  test('garbage on the line before sync is drained', async () => {
    const s = await sim({ board: 'teensy2' });
    const fd = openSync(s.port, 'r+');
    writeSync(fd, Buffer.from([0x55, 0x00, 0x20, 0x41, 0x99, 0x64, 0x00]));
    closeSync(fd);
    const r = await runCli(['info', '-P', s.port, '--json']);
    expect(r.code, r.stdout).toBe(0);
    expect(r.json.at(-1)).toMatchObject({ data: { target: { signature: '1E 95 87' } } });
  }, 3 * MINUTE);
});

describe('ispkit against stock ArduinoISP (Leonardo build from Debian packages) in the simulator', () => {
  let hex: string;
  beforeAll(() => {
    hex = buildStockArduinoIsp();
  }, 5 * MINUTE);

  test('flash + verify a 4 KB image, EEPROM at the right byte addresses', async () => {
    const s = await sim({ board: 'pro-micro', firmware: hex, fuses: 'DE:99:F3' });
    const r = await runCli(['flash', firmware4k.path, '-P', s.port, '--json']);
    expect(r.code, r.stdout).toBe(0);
    expect(r.json.find((e) => e.event === 'result')).toMatchObject({ data: { programmer: 'arduinoisp', verified: true } });
    expect(differs(firmware4k.image, await s.targetImage())).toBeUndefined();
    const eep = MemoryImage.fromBinary(Uint8Array.from([1, 2, 3, 4, 5, 6]), 0x40);
    const ew = await runCli(['eeprom', 'write', writeHex(dir, 'stock.eep', eep), '-P', s.port]);
    expect(ew.code, ew.stderr).toBe(0);
    expect(differs(eep, await s.eepromImage())).toBeUndefined();
    expect((await s.stats()).violations).toMatchObject({ busy: 0, sckTooFast: 0 });
  }, 5 * MINUTE);
});
