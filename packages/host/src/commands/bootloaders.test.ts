import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { runCli } from '../test-support/run-cli.js';

const app = ':100000000C9434000C9446000C9446000C9446006A\n:00000001FF\n';

describe('ispkit bootloaders', () => {
  test('lists every catalogue entry with part, preset, USB ids, source and digest', async () => {
    const r = await runCli(['bootloaders']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("atmel-dfu-32u4\n  QMK's Atmel DFU 1.0.0 for ATmega32U4: ATmega32U4, 4 KB boot section, USB 03EB:2FF4");
    expect(r.stdout).toContain('  fuses: --fuses atmel-dfu (low 5E high 99 ext F3)');
    expect(r.stdout).toContain('  get it: github.com/sparkfun/Arduino_Boards (commit b2ccf64208), sparkfun/avr/bootloaders/caterina/Caterina-promicro16.hex');
    expect(r.stdout).toContain('  sha256 of its flash bytes 7000..7FF9: f1c0eb77cd7532abc2c532fcd1bbf8646326ac80c239080b7bf5b77d6691101f');
    expect(r.stdout).toMatch(/nanoboot\n  nanoBoot \(HID, 512 B\): ATmega32U4, 512 B boot section/);
    expect(r.stdout).toMatch(/lufa-ms\n  LUFA Mass Storage \(6 KB build[^\n]*: ATmega32U4, 4 KB boot section \+ 2 KB below it, USB 03EB:2045\n  fuses: --fuses lufa-ms \(low 5E high D8 ext F3\)/);
    expect(r.stdout).toMatch(/lufa-ms-8k\n[^\n]*4 KB boot section \+ 4 KB below it/);
    expect(r.stdout).toMatch(/elite-c\n[^\n]*\n  fuses: --fuses atmel-dfu[^\n]*\n  known from: [^\n]*\(preloaded on the boards; no image published\); to flash one: --bootloader atmel-dfu-32u4/);
    expect(r.stdout).toMatch(/lufa-ms\n[^\n]*\n[^\n]*\n  get it: github.com\/abcminiuser\/lufa[^\n]*\(built from source\); to flash one: --bootloader atmel-dfu-32u4/);
  });

  test('--dir says which files are there and whether their bytes are the catalogued ones', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ispkit-bl-'));
    writeFileSync(join(dir, 'Caterina-promicro16.hex'), app);
    const r = await runCli(['bootloaders', '--dir', dir, '--json']);
    const rows = (r.json[0] as unknown as { data: { bootloaders: { id: string; file: string }[] } }).data.bootloaders;
    expect(rows.find((b) => b.id === 'caterina-promicro16')!.file).toBe('differs');
    expect(rows.find((b) => b.id === 'atmel-dfu-32u4')!.file).toBe('missing');
    expect(rows.find((b) => b.id === 'qmk-dfu')!.file).toBe('source-only');
  });
});

describe('flash --bootloader <catalogue name>', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ispkit-flash-bl-'));
  writeFileSync(join(dir, 'app.hex'), app);

  test('without --bootloader-dir: nothing is downloaded; says where to get the file (exit 1, before any device)', async () => {
    const r = await runCli(['flash', 'app.hex', '--bootloader', 'atmel-dfu-32u4'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'ispkit: error: "atmel-dfu-32u4" is a catalogue name: ispkit does not download bootloaders; get bootloader_atmega32u4_1_0_0.hex from ' +
        'github.com/qmk/qmk_firmware (commit 95c19ad573), util/bootloader_atmega32u4_1_0_0.hex, then add --bootloader-dir <folder holding it> (or give its path)\n',
    );
  });

  test('a file of that name with other bytes is refused', async () => {
    writeFileSync(join(dir, 'bootloader_atmega32u4_1_0_0.hex'), app);
    const r = await runCli(['flash', 'app.hex', '--bootloader', 'atmel-dfu-32u4', '--bootloader-dir', '.'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^ispkit: error: bootloader_atmega32u4_1_0_0.hex is not QMK's Atmel DFU 1.0.0 for ATmega32U4: its flash bytes differ/);
  });

  test('a bootloader built from source has no file to look up', async () => {
    const r = await runCli(['flash', 'app.hex', '--bootloader', 'qmk-dfu', '--bootloader-dir', '.'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^ispkit: error: "qmk-dfu" \(QMK DFU \(LUFA DFU built by QMK\)\) has no single published image/);
    expect(r.stderr).not.toMatch(/in its place/);
  });

  test('an entry without a file of its own names the image to flash in its place', async () => {
    for (const id of ['elite-c', 'lufa-ms']) {
      const r = await runCli(['flash', 'app.hex', '--bootloader', id, '--bootloader-dir', '.'], dir);
      expect(r.code, id).toBe(1);
      expect(r.stderr, id).toMatch(new RegExp(`^ispkit: error: "${id}" .* has no single published image`));
      expect(r.stderr, id).toMatch(/flash --bootloader atmel-dfu-32u4 in its place/);
    }
  });
});
