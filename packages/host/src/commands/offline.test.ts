import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { runCli } from '../test-support/run-cli.js';

describe('ispkit fuses decode / presets', () => {
  test('decodes the factory ATmega32U4 fuses', async () => {
    const r = await runCli(['fuses', 'decode', '--part', 'atmega32u4', '--low', '5E', '--high', '99', '--ext', 'F3']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/CKDIV8\s+programmed/);
    expect(r.stdout).toMatch(/BOOTSZ\s+4 KB/);
    expect(r.stdout).toMatch(/divided by 8/);
  });

  test('--json carries the decoded facts', async () => {
    const r = await runCli(['fuses', 'decode', '--low', '0xFF', '--high', 'D8', '--ext', 'FB', '--json']);
    expect(r.code).toBe(0);
    expect(r.json).toHaveLength(1);
    expect(r.json[0]).toMatchObject({ event: 'result', command: 'fuses decode', data: { ckdiv8: false, bootrst: true, bootStart: 0x7000 } });
  });

  test('a dangerous value is pointed out', async () => {
    const r = await runCli(['fuses', 'decode', '--low', '5E', '--high', 'B9', '--ext', 'F3']);
    expect(r.stdout).toMatch(/DANGER SPIEN/);
  });

  test('bad byte and unknown part are usage errors (exit 2), one line', async () => {
    const bad = await runCli(['fuses', 'decode', '--low', '5EE', '--high', '99', '--ext', 'F3']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('ispkit: error: --low 5EE is not a byte; give two hex digits, e.g. 5E or 0x5E\n');
    const part = await runCli(['fuses', 'decode', '-p', 'atmega9000', '--low', '5E', '--high', '99', '--ext', 'F3']);
    expect(part.code).toBe(2);
    expect(part.stderr).toMatch(/^ispkit: error: unknown part "atmega9000"; known parts: atmega32u4/);
  });

  test('missing required option and unknown command exit 2 with a pointer to help', async () => {
    const missing = await runCli(['fuses', 'decode', '--low', '5E']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^ispkit: error: required option '--high <hex>' not specified; see `ispkit fuses --help`\n$/);
    const unknown = await runCli(['frobnicate', '--json']);
    expect(unknown.code).toBe(2);
    expect(unknown.json[0]).toMatchObject({ event: 'error', exitCode: 2, code: 'usage' });
  });

  test('presets lists every bootloader with fuses and region', async () => {
    const r = await runCli(['fuses', 'presets', '--json']);
    const data = (r.json[0] as { data: { id: string; region: { start: number } }[] }).data;
    expect(data.map((p) => p.id)).toEqual(expect.arrayContaining(['atmel-dfu', 'caterina-5v', 'caterina-3v3', 'halfkay', 'qmk-dfu']));
    expect(data.find((p) => p.id === 'halfkay')!.region.start).toBe(0x7e00);
    expect(data.find((p) => p.id === 'lufa-ms')).toMatchObject({ region: { start: 0x7000, size: 0x1000 }, auxBelow: 0x800, verified: false });
    const text = await runCli(['fuses', 'presets']);
    expect(text.stdout).toMatch(/^lufa-ms +LUFA Mass Storage \(6 KB\): low 5E high D8 ext F3, 4096 B at 0x7000 \(atmega32u4\) \[fuses not published by its maker\], plus 2048 B of its code below that$/m);
  });
});

describe('ispkit hex info', () => {
  test('ranges, pages, blank pages and the bootloader', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ispkit-hexinfo-'));
    const lines: string[] = [];
    const rec = (addr: number, bytes: number[]): string => {
      const body = [bytes.length, (addr >> 8) & 0xff, addr & 0xff, 0, ...bytes];
      const sum = (-body.reduce((a, b) => a + b, 0)) & 0xff;
      return `:${[...body, sum].map((b) => b.toString(16).toUpperCase().padStart(2, '0')).join('')}`;
    };
    lines.push(rec(0x0000, Array(16).fill(0x11)));
    lines.push(rec(0x0080, Array(16).fill(0xff)));
    lines.push(rec(0x7e00, [0x0c, 0x94, 0, 0x3f]));
    lines.push(':00000001FF');
    const file = join(dir, 'x.hex');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const r = await runCli(['hex', 'info', file, '--json']);
    expect(r.code).toBe(0);
    expect(r.json[0]).toMatchObject({
      data: { bytes: 36, pagesUsed: 3, blankPages: 1, ranges: [{ start: 0, end: 16 }, { start: 0x80, end: 0x90 }, { start: 0x7e00, end: 0x7e04 }], bootloader: { bootStart: 0x7e00, bootSize: 512 } },
    });
    const human = await runCli(['hex', 'info', file]);
    expect(human.stdout).toMatch(/pages: 3 of 256 used \(128 B each\), 1 all-FF/);
  });
});
