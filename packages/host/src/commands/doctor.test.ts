import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { fakeDevice } from '../test-support/fake-device.js';
import { runCli } from '../test-support/run-cli.js';

describe('ispkit doctor --explain', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ispkit-explain-'));
  test('a pasted avrdude log: each family, what it means, what to try (exit 0)', async () => {
    writeFileSync(
      join(dir, 'avrdude.log'),
      'avrdude: Device signature = 0x000000\r\navrdude: Yikes!  Invalid device signature.\r\n         Double check connections and try again, or use -F to override\r\n',
    );
    const r = await runCli(['doctor', '--explain', 'avrdude.log'], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('avrdude: signature read as 0x000000 or 0xffffff (line 1: "avrdude: Device signature = 0x000000")');
    expect(r.stdout).toContain('avrdude: invalid device signature ("Yikes!") (line 2');
    expect(r.stdout).toMatch(/means: the programmer works but the chip on the other end did not answer properly.*Do not use -F/);
  });

  test('a dfu-programmer log, as --json', async () => {
    writeFileSync(join(dir, 'dfu.log'), 'Erasing flash...  dfu.c:844: -ETIMEDOUT\n');
    const r = await runCli(['doctor', '--explain', 'dfu.log', '--json'], dir);
    expect(r.json[0]).toMatchObject({ event: 'result', command: 'doctor explain', data: { findings: [{ family: 'dfu-etimedout', tool: 'dfu-programmer', line: 1 }] } });
  });

  test('a missing file is one line, exit 1', async () => {
    const r = await runCli(['doctor', '--explain', 'nope.log'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('ispkit: error: cannot read nope.log: no such file; give the log file, or pipe the text: `avrdude … 2>&1 | ispkit doctor --explain`\n');
  });
});

describe('ispkit doctor host stage', () => {
  test('no serial ports: stops there (exit 3) with what to do', async () => {
    const { env } = fakeDevice({}, []);
    const r = await runCli(['doctor'], process.cwd(), env);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^ispkit: error: host: no serial ports at all; plug the programmer in/);
  });

  test('a Caterina board but no programmer: it is in its bootloader', async () => {
    const { env } = fakeDevice({}, [{ path: '/dev/ttyACM3', vendorId: 0x1b4f, productId: 0x9205 }]);
    const r = await runCli(['doctor'], process.cwd(), env);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/is a board in its bootloader; it is not running the programmer firmware yet: `ispkit programmer install --board <board>`/);
  });

  test('two programmers: both listed, choose with -P', async () => {
    const two = [
      { path: '/dev/ttyACM0', vendorId: 0x16c0, productId: 0x0483, product: 'ispkit ISP programmer (Teensy 2.0)' },
      { path: '/dev/ttyACM1', vendorId: 0x16c0, productId: 0x0483, product: 'ispkit ISP programmer (Pro Micro)' },
    ];
    const { env } = fakeDevice({}, two);
    const r = await runCli(['doctor'], process.cwd(), env);
    expect(r.code).toBe(3);
    expect(r.stdout + r.stderr).toContain('/dev/ttyACM0  16C0:0483');
    expect(r.stdout + r.stderr).toContain('/dev/ttyACM1  16C0:0483');
    expect(r.stderr).toMatch(/^ispkit: error: host: 2 programmers are connected; unplug the others, or choose one with -P/m);
  });
});
