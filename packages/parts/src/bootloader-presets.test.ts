import { expect, test } from 'vitest';
import { bootloaderPresets, getPreset, UnknownPresetError } from './bootloader-presets.js';
import { decodeFuses } from './decode-fuses.js';
import { getPart } from './part-registry.js';

test('the presets with their fuses and regions', () => {
  const table = bootloaderPresets.map((p) => [p.id, p.fuses.low, p.fuses.high, p.fuses.ext, p.region.start, p.region.size]);
  expect(table).toEqual([
    ['atmel-dfu', 0x5e, 0x99, 0xf3, 0x7000, 0x1000],
    ['qmk-dfu', 0x5e, 0x99, 0xf3, 0x7000, 0x1000],
    ['atmel-dfu-16u4', 0x5e, 0x99, 0xf3, 0x3000, 0x1000],
    ['atmel-dfu-usb646', 0x5e, 0x9b, 0xf3, 0xf000, 0x1000],
    ['atmel-dfu-usb1286', 0x5e, 0x99, 0xf3, 0x1e000, 0x2000],
    ['caterina-5v', 0xff, 0xd8, 0xfb, 0x7000, 0x1000],
    ['caterina-3v3', 0xff, 0xd8, 0xfe, 0x7000, 0x1000],
    ['nanoboot', 0xff, 0xd6, 0xc7, 0x7e00, 0x200],
    ['lufa-ms', 0x5e, 0xd8, 0xf3, 0x7000, 0x1000],
    ['lufa-ms-8k', 0x5e, 0xd8, 0xf3, 0x7000, 0x1000],
    ['halfkay', 0x5f, 0xdf, 0xf4, 0x7e00, 0x200],
  ]);
  expect(getPreset('atmel-dfu').alternatives[0]?.fuses.high).toBe(0xd9);
  expect(getPreset('atmel-dfu').usb[0]).toMatchObject({ vid: 0x03eb, pid: 0x2ff4 });
  expect(getPreset('atmel-dfu-usb646').usb[0]).toMatchObject({ vid: 0x03eb, pid: 0x2ff9 });
  expect(getPreset('atmel-dfu-usb1286').usb[0]).toMatchObject({ vid: 0x03eb, pid: 0x2ffb });
  expect(getPreset('caterina-5v').usb.map((u) => [u.vid, u.pid])).toContainEqual([0x2341, 0x0036]);
  expect(getPreset('halfkay').usb[0]).toMatchObject({ vid: 0x16c0, pid: 0x0478 });
  expect(getPreset('halfkay').fusesVerified).toBe(false);
  // LUFA's mass-storage bootloader: 4 KB boot section from the fuses, and 2 or 4 KB more below it
  expect([getPreset('lufa-ms').auxBelow, getPreset('lufa-ms-8k').auxBelow]).toEqual([0x800, 0x1000]);
  expect(getPreset('lufa-ms').fusesVerified).toBe(false);
  expect(bootloaderPresets.filter((p) => p.auxBelow !== undefined).map((p) => p.id)).toEqual(['lufa-ms', 'lufa-ms-8k']);
});

test("each preset's fuses put the boot section exactly on its region", () => {
  for (const preset of bootloaderPresets) {
    const part = getPart(preset.part);
    for (const fuses of [preset.fuses, ...preset.alternatives.map((a) => a.fuses)]) {
      const d = decodeFuses(part, fuses);
      expect([d.bootStart, d.bootSize], preset.id).toEqual([preset.region.start, preset.region.size]);
      expect(d.spien, preset.id).toBe(true);
      // The bootloader must be reachable at reset: via BOOTRST or via HWBE.
      expect(d.bootrst || d.hwbe, preset.id).toBe(true);
    }
  }
});

test('lookup by id; unknown ids list the known ones', () => {
  expect(getPreset(' QMK-DFU ').name).toBe('QMK DFU');
  expect(() => getPreset('optiboot')).toThrow(
    'unknown bootloader preset "optiboot"; known presets: atmel-dfu, qmk-dfu, atmel-dfu-16u4, atmel-dfu-usb646, atmel-dfu-usb1286, caterina-5v, caterina-3v3, nanoboot, lufa-ms, lufa-ms-8k, halfkay',
  );
  expect(() => getPreset('x')).toThrow(UnknownPresetError);
});
