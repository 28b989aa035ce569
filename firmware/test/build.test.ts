/**
 * The committed programmer hex files are what the sources build to, fit their boards, and the generator's
 * header for a custom board compiles into a working image.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applicationLimit, boards, firmwareName, type BoardDefinition } from '@ispkit/boards';
import { parseIntelHex } from '@ispkit/ihex';

const firmwareDir = fileURLToPath(new URL('..', import.meta.url));
const distDir = join(firmwareDir, 'dist');
let work: string;

function build(args: string[]): string {
  return execFileSync('node', [join(firmwareDir, 'scripts/build.mjs'), ...args], { encoding: 'utf8', stdio: 'pipe' });
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'ispkit-fw-'));
  build(['--out-dir', join(work, 'dist'), '--build-dir', join(work, 'build')]);
}, 180_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('programmer firmware build', () => {
  it.each(boards.map((b) => [b.id, b] as const))('%s: a fresh build reproduces the committed hex byte for byte', (_id, board) => {
    const name = `${firmwareName(board)}.hex`;
    const committed = readFileSync(join(distDir, name), 'utf8');
    const rebuilt = readFileSync(join(work, 'dist', name), 'utf8');
    expect(rebuilt).toBe(committed);
  });

  it('the committed size report matches the fresh build', () => {
    expect(readFileSync(join(work, 'dist', 'size-report.txt'), 'utf8'))
      .toBe(readFileSync(join(distDir, 'size-report.txt'), 'utf8'));
  });

  it.each(boards.map((b) => [b.id, b] as const))('%s: the image starts at 0 and ends below the bootloader', (_id, board) => {
    const image = parseIntelHex(readFileSync(join(distDir, `${firmwareName(board)}.hex`), 'utf8'));
    expect(image.minAddress).toBe(0);
    expect(image.endAddress).toBeLessThanOrEqual(applicationLimit(board));
    expect(image.byteCount).toBeGreaterThan(1000);
  });

  it('each board image carries its own USB product string and the 16C0:0483 identity', () => {
    for (const board of boards) {
      const bin = parseIntelHex(readFileSync(join(distDir, `${firmwareName(board)}.hex`), 'utf8')).toBinary();
      const utf16 = Buffer.from(board.usbProduct, 'utf16le');
      expect(Buffer.from(bin).indexOf(utf16)).toBeGreaterThan(0);
      // device descriptor: bLength 18, type 1, ..., idVendor 16C0, idProduct 0483 (little-endian)
      expect(Buffer.from(bin).indexOf(Buffer.from([0xc0, 0x16, 0x83, 0x04]))).toBeGreaterThan(0);
    }
  });

  it('builds a custom board from a JSON board file (generated header compiles, image fits)', () => {
    const custom: BoardDefinition = {
      id: 'test-keyboard',
      name: 'Test keyboard',
      mcu: 'atmega32u4',
      fCpu: 8_000_000,
      voltage: 3.3,
      targetReset: 'F0',
      leds: { status: { pin: 'C7', activeLevel: 'high' }, activity: { pin: 'E6', activeLevel: 'low' } },
      bootloader: { kind: 'none' },
      unusedSs: 'pull-up',
      usbProduct: 'ispkit test keyboard',
    };
    const file = join(work, 'test-keyboard.json');
    writeFileSync(file, JSON.stringify(custom));
    const out = build(['--board-file', file, '--out-dir', join(work, 'custom'), '--build-dir', join(work, 'build')]);
    expect(out).toMatch(/ispkit-test-keyboard-f0\.hex {2}flash \d+ \/ 32768 B/);
    const header = readFileSync(join(work, 'build', 'test-keyboard', 'gen', 'board_config.h'), 'utf8');
    expect(header).toContain('from test-keyboard.json (board "test-keyboard")');
    expect(header).toContain('#define BOARD_SS_IS_PULL_UP 1');
    const image = parseIntelHex(readFileSync(join(work, 'custom', 'ispkit-test-keyboard-f0.hex'), 'utf8'));
    expect(image.endAddress).toBeLessThanOrEqual(32768);
  }, 120_000);

  it('refuses an invalid board file with a one-line error naming the problem', () => {
    const file = join(work, 'bad.json');
    writeFileSync(file, JSON.stringify({ ...boards[0], id: 'bad', targetReset: 'B2' }));
    let stderr = '';
    try {
      build(['--board-file', file, '--out-dir', join(work, 'bad')]);
    } catch (e) {
      stderr = String((e as { stderr?: string }).stderr);
    }
    expect(stderr).toMatch(/^firmware build: board "bad": target RESET cannot be B2/);
    expect(stderr.trim().split('\n')).toHaveLength(1);
  });
});
