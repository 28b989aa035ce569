import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { MemoryImage } from '@ispkit/ihex';
import { bootCheck, defaultFirmware, SimError, startSim } from './index.js';

// These run the real harness binary and the committed firmware (both built by the workspace build).

test('starts the harness for a Teensy 2.0, reports counters, and leaves nothing behind on stop', async () => {
  const sim = await startSim({ board: 'teensy2' });
  let pid: number | undefined;
  try {
    expect(sim.config.resetPin).toBe('B0');
    expect(sim.config.fCpu).toBe(16_000_000);
    expect(sim.config.args).toContain('--target-signature');
    expect(existsSync(sim.port)).toBe(true);
    expect(sim.pty).toMatch(/^\/dev\/pts\/\d+$/);
    const stats = await sim.stats();
    expect(stats.simSeconds).toBeGreaterThan(0);
    expect(stats.targetSeconds).toBeCloseTo(stats.simSeconds - (stats.hostQuietGraceMs + stats.hostReadMs) / 1000, 9);
    expect(stats.hostReadMs).toBeGreaterThanOrEqual(0);
    expect(stats.targetSeconds).toBeLessThanOrEqual(stats.simSeconds);
    expect(stats.spiBytes).toBe(0); // nobody asked the programmer to do anything yet
    expect(stats.pageWrites).toBe(0);
    expect(await sim.fuses()).toEqual({ low: 0x5e, high: 0x99, ext: 0xf3, lock: expect.any(Number) as number });
    const flash = await sim.targetImage();
    expect(flash.read(0, 32768).every((b) => b === 0xff)).toBe(true);
    pid = sim.events.length; // events recorded
    expect(sim.events[0]?.event).toBe('ready');
  } finally {
    await sim.stop();
  }
  expect(existsSync(sim.port)).toBe(false);
  await expect(sim.stop()).resolves.toBeDefined(); // idempotent
  expect(pid).toBeGreaterThan(0);
});

test('passes the target part, fuses and initial flash through to the harness', async () => {
  const initial = MemoryImage.fromBinary(new Uint8Array([1, 2, 3, 4, 5]), 0x100);
  const sim = await startSim({ board: 'pro-micro', target: 'atmega328p', fuses: 'DE:D8:FB', flashImage: initial });
  try {
    expect(sim.config.resetPin).toBe('B6');
    expect(sim.config.args.join(' ')).toContain('--target atmega328p --target-signature 1e950f');
    const f = await sim.fuses();
    expect([f.low, f.high, f.ext]).toEqual([0xde, 0xd8, 0xfb]);
    expect(Array.from((await sim.targetImage()).read(0x100, 5))).toEqual([1, 2, 3, 4, 5]);
  } finally {
    await sim.stop();
  }
});

test('bad inputs fail up front with one clear line', async () => {
  await expect(startSim({ board: 'teensy3' })).rejects.toThrow(/unknown board "teensy3"/);
  await expect(startSim({ board: 'teensy2', target: 'atmega9' })).rejects.toThrow(SimError);
  await expect(startSim({ board: 'teensy2', firmware: '/nope.hex' })).rejects.toThrow('firmware hex not found: /nope.hex');
  await expect(startSim({ board: 'teensy2', faults: 'no-target' as never })).rejects.toThrow(/unknown fault/);
  await expect(startSim({ board: 'teensy2', harness: '/nope/simharness' })).rejects.toThrow(/build it with `pnpm build`/);
});

test('a firmware file the harness cannot load is a start failure quoting the harness, not a hang', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ispkit-sim-test-'));
  const bad = join(dir, 'bad.hex');
  writeFileSync(bad, ':10000000ZZ\n');
  const err = await startSim({ board: 'teensy2', firmware: bad, startTimeoutMs: 20_000 }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(SimError);
  expect((err as SimError).code).toBe('start-failed');
  expect((err as SimError).message).toMatch(/simulator did not start \(teensy2, .*bad\.hex\): simulator harness exited/);
});

test('bootCheck: the target flash holding a USB firmware attaches; a bare loop does not', async () => {
  // Program the target with our own Teensy firmware image (a real USB device) before the run starts.
  const sim = await startSim({ board: 'teensy2', flashImage: defaultFirmware('teensy2', 'ispkit-teensy2-b0') });
  try {
    const boot = await sim.bootCheck({ timeoutMs: 1000 });
    expect(boot.attached).toBe(true);
    expect(boot.startAddress).toBe(0);
    expect(boot.usb?.vid).toBe(0x16c0);
  } finally {
    await sim.stop();
  }
  // rjmp .-2 at the reset vector: runs forever, never touches USB.
  const loop = MemoryImage.fromBinary(new Uint8Array([0xff, 0xcf]), 0);
  const idle = await bootCheck({ image: loop, fuses: '5E:99:F3', timeoutMs: 200 });
  expect(idle.attached).toBe(false);
  expect(idle.usb).toBeNull();
});
