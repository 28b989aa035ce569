import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { runCli } from '../test-support/run-cli.js';
import { firmwareDir } from './programmer-board.js';

const DIST = join(firmwareDir(), 'dist');

describe('ispkit programmer build', () => {
  for (const [board, hex] of [
    ['teensy2', 'ispkit-teensy2-b0.hex'],
    ['pro-micro', 'ispkit-pro-micro-b6.hex'],
    ['pro-micro-3v3', 'ispkit-pro-micro-3v3-b6.hex'],
  ] as const) {
    test(`reproduces the committed ${hex} byte for byte`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'ispkit-build-test-'));
      const r = await runCli(['programmer', 'build', '--board', board, '-o', 'out.hex'], dir);
      expect(r.stderr).not.toMatch(/error/);
      expect(r.code).toBe(0);
      expect(readFileSync(join(dir, 'out.hex'), 'utf8')).toBe(readFileSync(join(DIST, hex), 'utf8'));
      expect(r.stdout).toMatch(/^out\.hex: \d+ bytes of (32256|28672) below the bootloader/m);
    }, 120_000);
  }

  test('moves the target RESET with --reset-pin and says where to wire it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ispkit-build-test-'));
    const r = await runCli(['programmer', 'build', '--board', 'pro-micro', '--reset-pin', 'b5', '--json'], dir);
    expect(r.code).toBe(0);
    const result = r.json.find((e) => e.event === 'result');
    expect(result).toMatchObject({ data: { board: 'pro-micro', output: 'ispkit-pro-micro-b5.hex', pins: { resetPin: 'B5' } } });
    const built = readFileSync(join(dir, 'ispkit-pro-micro-b5.hex'), 'utf8');
    expect(built).not.toBe(readFileSync(join(DIST, 'ispkit-pro-micro-b6.hex'), 'utf8'));
    expect(built).toMatch(/^:00000001FF\r?\n?$/m);
  }, 120_000);

  test('refuses a RESET pin on an SPI line as a usage error', async () => {
    const r = await runCli(['programmer', 'build', '--board', 'teensy2', '--reset-pin', 'B1']);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n').filter(Boolean)).toHaveLength(1);
    expect(r.stderr).toMatch(/^ispkit: error: board "teensy2": .*B1/);
  });

  test('builds a custom board file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ispkit-build-test-'));
    const board = {
      id: 'my-board',
      name: 'My 32U4 board',
      mcu: 'atmega32u4',
      fCpu: 16000000,
      voltage: 5,
      targetReset: 'B4',
      leds: { status: { pin: 'D6', activeLevel: 'high' } },
      bootloader: { kind: 'halfkay', address: 0x7e00, size: 512 },
      unusedSs: 'drive-high',
      usbProduct: 'my programmer',
    };
    writeFileSync(join(dir, 'board.json'), JSON.stringify(board));
    const r = await runCli(['programmer', 'build', '--board-file', 'board.json'], dir);
    expect(r.stderr).not.toMatch(/error/);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('ispkit-my-board-b4.hex');
    expect(r.stdout).toContain('RESET ← B4');
  }, 120_000);

  test('unknown board: usage error naming the known ones', async () => {
    const r = await runCli(['programmer', 'build', '--board', 'uno']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('ispkit: error: unknown programmer board "uno"; use one of teensy2, pro-micro, pro-micro-3v3\n');
  });
});
