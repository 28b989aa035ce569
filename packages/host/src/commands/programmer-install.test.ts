import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseIntelHex } from '@ispkit/ihex';
import { FakeProMicro, FakeTeensy2, FakeUsb } from '@ispkit/loaders/testing';
import { describe, expect, test } from 'vitest';
import { CliError, ExitCode } from '../cli-error.js';
import type { RunContext } from '../command.js';
import { Reporter } from '../output/reporter.js';
import { firmwareDir } from './programmer-board.js';
import { runProgrammerInstall, type ProgrammerInstallOptions } from './programmer-install.js';

function committedFirmware(name: string): Uint8Array {
  const image = parseIntelHex(readFileSync(join(firmwareDir(), 'dist', name), 'utf8'));
  return image.toBinary({ start: 0 });
}

function context(json = false): { ctx: Pick<RunContext, 'out' | 'global' | 'cwd'>; stdout: () => string; stderr: () => string; out: Reporter } {
  let stdout = '';
  let stderr = '';
  const out = new Reporter({ json, verbose: 0, quiet: false, stdout: { write: (s) => void (stdout += s) }, stderr: { write: (s) => void (stderr += s) } });
  const ctx = { out, global: { json, verbose: 0, quiet: false }, cwd: process.cwd() };
  return { ctx, out, stdout: () => stdout, stderr: () => stderr };
}

async function install(opts: ProgrammerInstallOptions, usb: FakeUsb, ctx = context()) {
  let error: CliError | undefined;
  try {
    await runProgrammerInstall(ctx.ctx, opts, { devices: usb, clock: usb.clock });
  } catch (err) {
    if (!(err instanceof CliError)) throw err;
    error = err;
  }
  return { error, ...ctx };
}

describe('ispkit programmer install (fake boards, real firmware images)', () => {
  test('Pro Micro: installs the committed hex through Caterina and reports the programmer port', async () => {
    const firmware = committedFirmware('ispkit-pro-micro-b6.hex');
    const usb = new FakeUsb();
    const board = new FakeProMicro(usb, { running: 'sketch', ispkitImage: firmware }).start();
    const r = await install({ board: 'pro-micro' }, usb);
    expect(r.error).toBeUndefined();
    expect(board.flash.subarray(0, firmware.length)).toEqual(firmware);
    expect(r.stdout()).toBe('ispkit programmer ready: Pro Micro 5 V (16 MHz) on /dev/ttyACM0 (signs on as "AVR ISP"), firmware verified by read-back\n');
    expect(r.stderr()).toContain('rebooting it into Caterina (1200-baud touch)');
    const progress = r.out.events.filter((e) => e.event === 'progress' && e.finished);
    expect(progress.map((e) => (e.event === 'progress' ? e.task : ''))).toEqual(['writing', 'verifying']);
  });

  test('Teensy 2.0: installs the committed hex through HalfKay', async () => {
    const firmware = committedFirmware('ispkit-teensy2-b0.hex');
    const usb = new FakeUsb();
    const board = new FakeTeensy2(usb, { running: 'bootloader', ispkitImage: firmware }).start();
    const r = await install({ board: 'teensy2' }, usb, context(true));
    expect(r.error).toBeUndefined();
    expect(board.halfkay?.booted).toBeDefined();
    const result = r.out.events.find((e) => e.event === 'result');
    expect(result).toMatchObject({ data: { board: 'teensy2', alreadyInBootloader: true, readBack: false, signOn: 'AVR ISP' } });
  });

  test('an image too big for the board is exit 1 before anything is touched', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ispkit-install-test-'));
    const big = new Uint8Array(0x7100).fill(0x12);
    const lines: string[] = [];
    for (let a = 0; a < big.length; a += 16) {
      const rec = [16, (a >> 8) & 0xff, a & 0xff, 0, ...big.subarray(a, a + 16)];
      const sum = (0x100 - (rec.reduce((x, y) => x + y, 0) & 0xff)) & 0xff;
      lines.push(':' + [...rec, sum].map((b) => b.toString(16).toUpperCase().padStart(2, '0')).join(''));
    }
    lines.push(':00000001FF');
    writeFileSync(join(dir, 'big.hex'), lines.join('\n') + '\n');
    const usb = new FakeUsb();
    new FakeProMicro(usb, { running: 'ispkit', ispkitImage: Uint8Array.of(1) }).start();
    const r = await install({ board: 'pro-micro', hex: join(dir, 'big.hex') }, usb);
    expect(r.error?.exitCode).toBe(ExitCode.FAILURE);
    expect(r.error?.code).toBe('image-too-big');
    expect(usb.touches).toEqual([]);
  });

  test('no board at all is exit 3 with what was seen', async () => {
    const usb = new FakeUsb();
    const ctx = context();
    const run = install({ board: 'teensy2' }, usb, ctx);
    const r = await run;
    expect(r.error?.exitCode).toBe(ExitCode.PROGRAMMER);
    expect(r.error?.message).toContain('no USB serial ports or HID devices at all');
    expect(r.stderr()).toContain('ispkit: warning: no running Teensy 2.0 found');
  });

  test('without a firmware tree it says how to build one', async () => {
    const ctx = context();
    let error: CliError | undefined;
    try {
      await runProgrammerInstall(ctx.ctx, { board: 'teensy2' }, { devices: new FakeUsb(), env: { ISPKIT_FIRMWARE_DIR: '/nonexistent' } });
    } catch (err) {
      error = err as CliError;
    }
    expect(error?.message).toBe('no prebuilt programmer firmware for teensy2 at /nonexistent/dist/ispkit-teensy2-b0.hex');
    expect(error?.hint).toBe('build one with `ispkit programmer build --board teensy2` and pass it with --hex');
  });

  test('an unknown board is a usage error (exit 2)', async () => {
    const r = await install({ board: 'nonexistent' }, new FakeUsb());
    expect(r.error?.exitCode).toBe(ExitCode.USAGE);
  });
});
