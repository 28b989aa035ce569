import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryImage, parseIntelHex, serializeIntelHex } from '@ispkit/ihex';
import { seededBytes } from '@ispkit/ihex/testing';
import { beforeAll, describe, expect, test } from 'vitest';
import { fakeDevice } from '../test-support/fake-device.js';
import { runCli } from '../test-support/run-cli.js';


/** A bootloader-shaped image: a jmp vector table at the section start, then code-ish bytes. */
function bootloaderImage(start: number, size: number): MemoryImage {
  const data = seededBytes(size - 256, 7);
  for (let k = 0; k < 16; k++) data.set([0x0c, 0x94, 0x00, 0x38], k * 4);
  return MemoryImage.fromBinary(data, start);
}

let dir: string;
let firmware: string;
let bootloader: string;
let firmwareBytes: Uint8Array;
let bootImage: MemoryImage;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ispkit-device-'));
  firmwareBytes = seededBytes(4096, 1);
  firmware = join(dir, 'keyboard.hex');
  writeFileSync(firmware, serializeIntelHex(MemoryImage.fromBinary(firmwareBytes, 0)));
  bootImage = bootloaderImage(0x7000, 4096);
  bootloader = join(dir, 'caterina.hex');
  writeFileSync(bootloader, serializeIntelHex(bootImage));
});

const factory = { low: 0x5e, high: 0x99, ext: 0xf3 };

describe('ispkit flash (in-memory fake programmer)', () => {
  test('factory-fused chip: merge, CKDIV8 trick, erase, write, verify, preset fuses last', async () => {
    const dev = fakeDevice({ target: { fuses: factory } });
    const r = await runCli(['flash', firmware, '--bootloader', bootloader, '--fuses', 'caterina-5v', '--json'], dir, dev.env);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const t = dev.fake().target;
    expect(t.flash.subarray(0, 4096)).toEqual(firmwareBytes);
    expect(t.flash.subarray(0x7000, 0x7000 + bootImage.byteCount)).toEqual(bootImage.segments[0]!.data);
    expect(t.fuses).toEqual({ low: 0xff, high: 0xd8, ext: 0xfb });
    expect(t.stats.sckViolations).toBe(0);
    expect(t.stats.busyViolations).toBe(0);
    const result = r.json.find((e) => e.event === 'result');
    expect(result).toMatchObject({ command: 'flash', data: { clockTrick: true, sck: 'SCK 2 MHz', verified: true, bytesWritten: 4096 + 3840, fuses: { low: 0xff, high: 0xd8, ext: 0xfb } } });
    expect(r.json.some((e) => e.event === 'progress' && e.task === 'writing flash' && e.finished)).toBe(true);
    expect(dev.fake().stats.maxQueuedFrames).toBeGreaterThanOrEqual(1);
  });

  test('without --fuses the temporary CKDIV8 change is undone: fuses end as they started', async () => {
    const dev = fakeDevice({ target: { fuses: factory } });
    const r = await runCli(['flash', firmware, '--bootloader', bootloader], dir, dev.env);
    expect(r.code, r.stderr).toBe(0);
    expect(dev.fake().target.fuses).toEqual(factory);
    expect(r.stderr).toMatch(/clearing CKDIV8 while programming allows 2 MHz/);
    expect(r.stderr).toMatch(/low fuse restored to 5E/);
  });

  test('a firmware without a bootloader is flashed with a warning that ISP is needed again', async () => {
    const dev = fakeDevice({ target: { fuses: { low: 0xde, high: 0x99, ext: 0xf3 } } });
    const r = await runCli(['flash', firmware], dir, dev.env);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/ispkit: warning: the image has no bootloader/);
  });

  test('a bootloader whose fuses do not start it is flagged, offering the preset', async () => {
    const dev = fakeDevice({ target: { fuses: { low: 0xde, high: 0x99, ext: 0xfb } } }); // HWBE off (bit 3 set)
    const r = await runCli(['flash', firmware, '--bootloader', bootloader], dir, dev.env);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/warning: BOOTRST is unprogrammed and HWBE is off: .* use --fuses (atmel-dfu|caterina-5v|qmk-dfu)/);
  });

  test('verify catches a flipped bit and names the first address and the count (exit 5)', async () => {
    const dev = fakeDevice({ target: { fuses: factory, flipReadAt: 0x123 } });
    const r = await runCli(['flash', firmware], dir, dev.env);
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/^ispkit: error: verify failed: 1 byte of flash differs, the first at 0x0123 \(expected [0-9A-F]{2}, read [0-9A-F]{2}\)/m);
    // fuses are written last, so the failed verify left them alone (the temporary CKDIV8 change was undone)
    expect(dev.fake().target.fuses).toEqual(factory);
  });

  test('wrong chip: refuses, naming what was found and what was expected (exit 4)', async () => {
    const dev = fakeDevice({ target: { signature: [0x1e, 0x95, 0x0f] } });
    const r = await runCli(['flash', firmware, '-p', 'atmega32u4'], dir, dev.env);
    expect(r.code).toBe(4);
    expect(r.stderr).toBe('ispkit: error: found ATmega328P (1E 95 0F), expected ATmega32U4 (1E 95 87); if ATmega328P is right, use -p atmega328p; otherwise check which chip the programmer is wired to\n');
    expect(dev.fake().target.stats.chipErases).toBe(0);
  });

  test('no target: says so and shows the wiring table (exit 4)', async () => {
    const dev = fakeDevice({ target: { presence: 'absent-high' } });
    const r = await runCli(['info'], dir, dev.env);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/wiring \(programmer → keyboard ISP header\):/);
    expect(r.stderr).toMatch(/Teensy 2\.0: .*B0.* → RESET/);
    expect(r.stderr).toMatch(/ispkit: error: no target answered: .*check the wiring/);
  });

  test('stock ArduinoISP without a target reads 00 00 00: no target (exit 4)', async () => {
    const dev = fakeDevice({ flavor: 'arduinoisp', target: { presence: 'absent-low' } });
    const r = await runCli(['info'], dir, dev.env);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/no target answered: the signature reads 00 00 00/);
  });

  test('programmer unplugged mid-write: exits fast with the chip state and what to run (exit 3)', async () => {
    const dev = fakeDevice({ target: { fuses: factory }, disconnectAfterBytes: 3000 });
    const started = Date.now();
    const r = await runCli(['flash', firmware, '--bootloader', bootloader], dir, dev.env);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^ispkit: error: the programmer on \/dev\/ttyACM7 disconnected while writing flash at 0x[0-9A-F]{4}: the chip is erased and only \d+ of 7936 bytes are written \(it will not run\); its low fuse is temporarily DE \(CKDIV8 cleared for speed; it should become 5E\); reconnect and run `ispkit flash .*keyboard\.hex --bootloader .*caterina\.hex` again; the chip as it was before is backed up in (\S+\.elf): `ispkit restore \1` puts it back\n$/m);
  });

  test('programmer not responding: names the port (exit 3)', async () => {
    const dev = fakeDevice({ silent: true });
    const r = await runCli(['info'], dir, dev.env);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^ispkit: error: the programmer on \/dev\/ttyACM7 is not responding while connecting \(STK_GET_SYNC: programmer not in sync after 10 attempts \(no reply\)\); check that it runs/);
  }, 10000);

  test('garbage before sync is drained and the session works', async () => {
    const dev = fakeDevice({ garbageBeforeSync: [0x14, 0x10, 0x00, 0xff, 0x15, 0x41] });
    const r = await runCli(['info', '--json'], dir, dev.env);
    expect(r.code).toBe(0);
    expect(r.json.at(-1)).toMatchObject({ event: 'result', data: { target: { part: 'atmega32u4', signature: '1E 95 87' }, lock: 0xff } });
  });

  test('dangerous fuses are refused before anything is erased (exit 6), and forced when asked', async () => {
    const dev = fakeDevice({ target: { fuses: { low: 0xde, high: 0x99, ext: 0xf3 } } });
    dev.fake().target.flash.fill(0x42, 0, 16);
    const r = await runCli(['flash', firmware, '--hfuse', 'B9'], dir, dev.env);
    expect(r.code).toBe(6);
    expect(r.stderr).toMatch(/^ispkit: error: refusing to write the high fuse: SPIEN unprogrammed .*; if you really mean it, add --force-dangerous-fuses\n$/m);
    expect(dev.fake().target.flash[0]).toBe(0x42);
    const forced = await runCli(['fuses', 'write', '--lfuse', 'E0', '--force-dangerous-fuses'], dir, fakeDevice({ target: { fuses: { low: 0xde, high: 0x99, ext: 0xf3 } } }).env);
    expect(forced.code).toBe(0);
  });

  test('auto-detection: two programmers → list them and ask for -P (exit 3); -P picks', async () => {
    const ports = [
      { path: '/dev/ttyACM0', vendorId: 0x16c0, productId: 0x0483 },
      { path: '/dev/ttyACM1', vendorId: 0x16c0, productId: 0x0483 },
    ];
    const dev = fakeDevice({}, ports);
    const r = await runCli(['info'], dir, dev.env);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/\/dev\/ttyACM0 {2}16C0:0483/);
    expect(r.stderr).toMatch(/ispkit: error: 2 programmers are connected; choose one with -P <port>/);
    const picked = await runCli(['info', '-P', '/dev/ttyACM1'], dir, dev.env);
    expect(picked.code).toBe(0);
    expect(dev.opened).toEqual(['/dev/ttyACM1']);
    const missing = await runCli(['info', '-P', '/dev/missing'], dir, dev.env);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toBe(
      'ispkit: error: cannot open /dev/missing: no such port; ports here: /dev/ttyACM0 (16C0:0483 ISP programmer (16C0:0483: QMK ISP firmware / Teensyduino USB Serial, or ispkit)), ' +
        '/dev/ttyACM1 (16C0:0483 ISP programmer (16C0:0483: QMK ISP firmware / Teensyduino USB Serial, or ispkit))\n',
    );
  });

  test('list marks programmers and --probe signs on', async () => {
    const dev = fakeDevice({}, [
      { path: '/dev/ttyACM0', vendorId: 0x16c0, productId: 0x0483, product: 'ispkit ISP programmer (Teensy 2.0)' },
      { path: '/dev/ttyUSB0', vendorId: 0x0403, productId: 0x6001, product: 'FT232R USB UART' },
    ]);
    const r = await runCli(['list', '--probe'], dir, dev.env);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\* \/dev\/ttyACM0 +16C0:0483 +ispkit ISP programmer \(Teensy 2\.0\) +→ ispkit programmer \(extension v1/m);
    expect(r.stdout).toMatch(/^ {2}\/dev\/ttyUSB0 +0403:6001 +FT232R USB UART$/m);
  });
});

describe('other device commands (in-memory fake programmer)', () => {
  test('eeprom write + read round trip (ispkit and stock ArduinoISP)', async () => {
    for (const flavor of ['ispkit', 'arduinoisp'] as const) {
      const dev = fakeDevice({ flavor, target: { fuses: { low: 0xde, high: 0x99, ext: 0xf3 } } });
      const eep = join(dir, `data-${flavor}.eep`);
      writeFileSync(eep, serializeIntelHex(MemoryImage.fromBinary(Uint8Array.from([1, 2, 3, 4, 5, 6, 7]), 0x21)));
      const w = await runCli(['eeprom', 'write', eep], dir, dev.env);
      expect(w.code, w.stderr).toBe(0);
      expect(Array.from(dev.fake().target.eeprom.subarray(0x20, 0x29))).toEqual([0xff, 1, 2, 3, 4, 5, 6, 7, 0xff]);
      const out = join(dir, `read-${flavor}.hex`);
      const rd = await runCli(['eeprom', 'read', '-o', out], dir, dev.env);
      expect(rd.code).toBe(0);
      const image = parseIntelHex(readFileSync(out, 'utf8'));
      expect(Array.from(image.read(0x21, 7))).toEqual([1, 2, 3, 4, 5, 6, 7]);
    }
  });

  test('fuses write --preset reads back under the mask; fuses read decodes', async () => {
    const dev = fakeDevice({ target: { fuses: factory } });
    dev.fake().target.flash.fill(0x0c, 0x7000, 0x7080);
    const w = await runCli(['fuses', 'write', '--preset', 'caterina-5v'], dir, dev.env);
    expect(w.code, w.stderr).toBe(0);
    expect(dev.fake().target.fuses).toEqual({ low: 0xff, high: 0xd8, ext: 0xfb });
    const rd = await runCli(['fuses', 'read', '--json'], dir, dev.env);
    expect(rd.json.at(-1)).toMatchObject({ data: { fuses: { low: 0xff, high: 0xd8, ext: 0xfb }, bootrst: true } });
  });

  test('read flash writes the chip content; verify passes, then fails on a changed file (exit 5)', async () => {
    const dev = fakeDevice({ target: { fuses: { low: 0xde, high: 0x99, ext: 0xf3 } } });
    dev.fake().target.flash.set(firmwareBytes, 0);
    const out = join(dir, 'readback.hex');
    const r = await runCli(['read', 'flash', '-o', out], dir, dev.env);
    expect(r.code, r.stderr).toBe(0);
    expect(parseIntelHex(readFileSync(out, 'utf8')).toBinary()).toEqual(firmwareBytes);
    expect((await runCli(['verify', firmware], dir, dev.env)).code).toBe(0);
    const flash = dev.fake().target.flash;
    flash[10] = flash[10]! ^ 0x80;
    flash[20] = flash[20]! ^ 0x01;
    const bad = await runCli(['verify', firmware], dir, dev.env);
    expect(bad.code).toBe(5);
    expect(bad.stderr).toMatch(/verify failed: 2 bytes of flash differ, the first at 0x000A/);
  });

  test('erase and lock', async () => {
    const dev = fakeDevice({ target: { fuses: { low: 0xde, high: 0x99, ext: 0xf3 } } });
    dev.fake().target.flash.fill(0);
    expect((await runCli(['erase'], dir, dev.env)).code).toBe(0);
    expect(dev.fake().target.flash.every((b) => b === 0xff)).toBe(true);
    const w = await runCli(['lock', 'write', '3C'], dir, dev.env);
    expect(w.code, w.stderr).toBe(0);
    expect(dev.fake().target.lock).toBe(0xfc);
    const rd = await runCli(['lock', 'read', '--json'], dir, dev.env);
    expect(rd.json.at(-1)).toMatchObject({ data: { lock: 0xfc } });
  });

  test('-v shows the protocol exchange', async () => {
    const dev = fakeDevice({});
    const r = await runCli(['info', '-v'], dir, dev.env);
    expect(r.stderr).toMatch(/> STK_GET_SYNC +30 20/);
    expect(r.stderr).toMatch(/< STK_GET_SYNC +14 10/);
    expect(r.stderr).toMatch(/> STK_UNIVERSAL +56 50 00 00 00 20/);
  });
});
