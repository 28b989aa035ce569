import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, test } from 'vitest';
import { runCli } from '../test-support/run-cli.js';

const cliPath = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

/** Build a real AVR program with avr-gcc; `textStart` moves .text (a bootloader lives at a boot section). */
function buildAvr(dir: string, name: string, source: string, textStart?: number): { hex: string; bin: Uint8Array } {
  const c = join(dir, `${name}.c`);
  writeFileSync(c, source);
  const elf = join(dir, `${name}.elf`);
  const args = ['-mmcu=atmega32u4', '-Os', '-o', elf, c];
  if (textStart !== undefined) args.push(`-Wl,--section-start=.text=0x${textStart.toString(16)}`);
  execFileSync('avr-gcc', args);
  const hex = join(dir, `${name}.hex`);
  execFileSync('avr-objcopy', ['-O', 'ihex', '-R', '.eeprom', elf, hex]);
  const bin = join(dir, `${name}.bin`);
  execFileSync('avr-objcopy', ['-I', 'ihex', '-O', 'binary', hex, bin]);
  return { hex, bin: new Uint8Array(readFileSync(bin)) };
}

const APP = `#include <avr/io.h>
#include <util/delay.h>
int main(void) { DDRD |= 1 << 6; for (;;) { PORTD ^= 1 << 6; _delay_ms(100); } }
`;
const BOOT = `#include <avr/io.h>
int main(void) { DDRB = 0xff; for (;;) PORTB++; }
`;

describe('ispkit merge (avr-gcc built inputs)', () => {
  let dir: string;
  let app: { hex: string; bin: Uint8Array };
  let boot: { hex: string; bin: Uint8Array };
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ispkit-merge-'));
    app = buildAvr(dir, 'app', APP);
    boot = buildAvr(dir, 'boot', BOOT, 0x7000);
  });

  test('the output, read back by avr-objcopy, equals each input at its addresses', () => {
    const out = join(dir, 'merged.hex');
    const stdout = execFileSync('node', [cliPath, 'merge', app.hex, boot.hex, '-o', out], { encoding: 'utf8' });
    expect(stdout).toMatch(/BOOTSZ=00/);
    const text = readFileSync(out, 'utf8');
    expect(text.match(/^:00000001FF/gm)?.length).toBe(1);
    const merged = join(dir, 'merged.bin');
    execFileSync('avr-objcopy', ['-I', 'ihex', '-O', 'binary', out, merged]);
    const bytes = new Uint8Array(readFileSync(merged));
    expect(bytes.length).toBe(0x7000 + boot.bin.length);
    expect(bytes.subarray(0, app.bin.length)).toEqual(app.bin);
    expect(bytes.subarray(0x7000, 0x7000 + boot.bin.length)).toEqual(boot.bin);
  });

  test('names the BOOTSZ and the matching presets in --json', async () => {
    const r = await runCli(['merge', app.hex, boot.hex, '-o', join(dir, 'm2.hex'), '--json']);
    expect(r.code).toBe(0);
    const result = r.json.find((e) => e.event === 'result');
    expect(result).toMatchObject({ command: 'merge', data: { bootStart: 0x7000, bootSize: 4096, bootsz: 0, presets: expect.arrayContaining(['atmel-dfu', 'caterina-5v']) } });
  });

  test('swapped arguments are refused with a hint', async () => {
    const r = await runCli(['merge', boot.hex, app.hex, '-o', join(dir, 'bad.hex')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^ispkit: error: app\.hex .* is not inside a boot section of ATmega32U4.*arguments are swapped/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  test('a firmware reaching into the boot section is refused, naming the limit', async () => {
    const big = join(dir, 'big.bin');
    writeFileSync(big, new Uint8Array(0x7100).fill(0x12));
    const r = await runCli(['merge', big, boot.hex, '-o', join(dir, 'bad.hex')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/big\.bin reaches 0x70FF, into the 4 KB boot section at 0x7000/);
  });

  test('a .bin bootloader of a boot-section size is placed at that section', async () => {
    const raw = join(dir, 'halfkay-like.bin');
    const data = new Uint8Array(512).map((_, i) => (i * 3) & 0xff);
    writeFileSync(raw, data);
    const out = join(dir, 'm3.hex');
    const r = await runCli(['merge', app.hex, raw, '-o', out]);
    expect(r.code).toBe(0);
    const merged = join(dir, 'm3.bin');
    execFileSync('avr-objcopy', ['-I', 'ihex', '-O', 'binary', out, merged]);
    expect(new Uint8Array(readFileSync(merged)).subarray(0x7e00)).toEqual(data);
  });

  test('a .bin bootloader of another size is ambiguous', async () => {
    const raw = join(dir, 'odd.bin');
    writeFileSync(raw, new Uint8Array(700));
    const r = await runCli(['merge', app.hex, raw, '-o', join(dir, 'x.hex')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cannot tell where odd\.bin belongs/);
  });

  test('a missing file and a corrupt hex give one line each', async () => {
    const missing = await runCli(['merge', join(dir, 'nope.hex'), boot.hex, '-o', join(dir, 'x.hex')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^ispkit: error: cannot read .*nope\.hex: no such file; check the path\n$/);
    const corrupt = join(dir, 'corrupt.hex');
    writeFileSync(corrupt, readFileSync(app.hex, 'utf8').replace(/^:10000000/m, ':10000001'));
    const bad = await runCli(['merge', corrupt, boot.hex, '-o', join(dir, 'x.hex')]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/checksum/);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
  });

  test('an overlap with different bytes names both files; identical overlap is fine', async () => {
    const other = buildAvr(dir, 'boot2', BOOT.replace('PORTB++', 'PORTB--'), 0x7000);
    const withBoot = join(dir, 'app-with-boot.hex');
    expect((await runCli(['merge', app.hex, boot.hex, '-o', withBoot])).code).toBe(0);
    const r = await runCli(['merge', withBoot, other.hex, '-o', join(dir, 'x.hex')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/app-with-boot\.hex and boot2\.hex hold different bytes at 0x70/);
    const same = await runCli(['merge', withBoot, boot.hex, '-o', join(dir, 'y.hex')]);
    expect(same.code).toBe(0);
    expect(same.stdout).toMatch(/already contains boot\.hex/);
  });
});
