import { MemoryImage } from '@ispkit/ihex';
import { describe, expect, test } from 'vitest';
import { bootloaderPresets } from './bootloader-presets.js';
import { compareFuse, fuseMask } from './compare-fuse.js';
import { fuseDangers, fuseWarnings } from './fuse-dangers.js';
import { getPart, parts } from './part-registry.js';
import { atmega328p } from './parts/other-megas.js';
import { atmega32u4 } from './parts/usb-megas.js';

const fieldsOf = (issues: { field: string }[]) => issues.map((i) => i.field);

describe('fuseDangers', () => {
  test('SPIEN unprogrammed', () => {
    const issues = fuseDangers(atmega32u4, { low: 0x5e, high: 0xb9, ext: 0xf3 });
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ fuse: 'high', field: 'SPIEN' });
    expect(issues[0]!.message).toMatch(/^SPIEN unprogrammed disables serial programming/);
  });

  test('external clock and reserved clock selections', () => {
    expect(fuseDangers(atmega32u4, { low: 0xd0 })).toEqual([
      {
        fuse: 'low',
        field: 'CKSEL',
        message: 'CKSEL=0000 selects an external clock on XTAL1: without a clock signal there the chip stops answering ISP',
      },
    ]);
    expect(fuseDangers(atmega32u4, { low: 0xd1 })[0]?.message).toBe(
      'CKSEL=0001 is a reserved clock selection on ATmega32U4: the chip may not run or answer ISP',
    );
    // 0101 is a low-frequency crystal on the 328P (a warning there), reserved on the 32U4 (a danger).
    expect(fieldsOf(fuseDangers(atmega32u4, { low: 0xd5 }))).toEqual(['CKSEL']);
    expect(fuseDangers(atmega328p, { low: 0xd5 })).toEqual([]);
    expect(fieldsOf(fuseWarnings(atmega328p, { low: 0xd5 }))).toEqual(['CKSEL']);
  });

  test('RSTDISBL and DWEN on the 328P; the same bits are OCDEN/JTAGEN on the 32U4', () => {
    expect(fieldsOf(fuseDangers(atmega328p, { high: 0x59 }))).toEqual(['RSTDISBL']);
    expect(fieldsOf(fuseDangers(atmega328p, { high: 0x99 }))).toEqual(['DWEN']);
    expect(fieldsOf(fuseDangers(atmega328p, { high: 0x39 }))).toEqual(['SPIEN', 'RSTDISBL', 'DWEN']);
    expect(fuseDangers(atmega32u4, { high: 0x19 })).toEqual([]);
    expect(fieldsOf(fuseWarnings(atmega32u4, { high: 0x19 }))).toEqual(['OCDEN', 'JTAGEN']);
  });

  test('only the fuses given are checked', () => {
    expect(fuseDangers(atmega32u4, {})).toEqual([]);
    expect(fuseDangers(atmega32u4, { ext: 0x00 })).toEqual([]);
    expect(() => fuseDangers(atmega32u4, { high: 256 })).toThrow(RangeError);
  });

  test('no preset and no factory setting is dangerous', () => {
    for (const preset of bootloaderPresets) {
      expect(fuseDangers(getPart(preset.part), preset.fuses), preset.id).toEqual([]);
      for (const alt of preset.alternatives) expect(fuseDangers(getPart(preset.part), alt.fuses), preset.id).toEqual([]);
    }
    for (const p of parts) {
      expect(fuseDangers(p, { low: p.fuses.low.factory, high: p.fuses.high.factory, ext: p.fuses.ext.factory }), p.id).toEqual([]);
    }
  });
});

describe('fuseWarnings', () => {
  test('presets: only Atmel DFU-style JTAG-on gets a word', () => {
    expect(fieldsOf(fuseWarnings(atmega32u4, { low: 0x5e, high: 0x99, ext: 0xf3 }))).toEqual(['JTAGEN']);
    expect(fuseWarnings(atmega32u4, { low: 0xff, high: 0xd8, ext: 0xfb })).toEqual([]);
  });

  test('watchdog always on, clock out, slow crystal range, 128 kHz clock, reserved BOD level', () => {
    expect(fieldsOf(fuseWarnings(atmega32u4, { high: 0xc8 }))).toEqual(['WDTON']);
    expect(fieldsOf(fuseWarnings(atmega32u4, { low: 0xbf }))).toEqual(['CKOUT']);
    expect(fieldsOf(fuseWarnings(atmega32u4, { low: 0xfd }))).toEqual(['CKSEL']);
    expect(fuseWarnings(atmega328p, { low: 0xe3 })[0]?.message).toMatch(/^internal 128 kHz oscillator: ISP then needs a very slow SCK/);
    expect(fuseWarnings(atmega328p, { ext: 0xfb })[0]).toMatchObject({ field: 'BODLEVEL', message: 'BODLEVEL=011 is reserved on ATmega328P' });
    expect(fuseWarnings(atmega32u4, { ext: 0xfb })).toEqual([]);
  });
});

describe('fuseWarnings with the image to be written', () => {
  const blob = (address: number, length: number) => MemoryImage.fromSegments([{ address, data: new Uint8Array(length).fill(0x11) }]);
  const app = blob(0, 0x4000);
  const appAndCaterina = MemoryImage.fromSegments([
    { address: 0, data: new Uint8Array(0x4000).fill(0x11) },
    { address: 0x7000, data: new Uint8Array(0x1000).fill(0x22) },
  ]);

  test('BOOTRST programmed with no bootloader in the image', () => {
    expect(fuseWarnings(atmega32u4, { high: 0xd8 }, { image: app })).toEqual([
      {
        fuse: 'high',
        field: 'BOOTRST',
        message: 'BOOTRST programmed but the image has nothing at the boot section start 0x7000: reset would run erased flash',
      },
    ]);
    expect(fuseWarnings(atmega32u4, { high: 0xd9 }, { image: app })).toEqual([]);
  });

  test('BOOTSZ that does not match the bootloader', () => {
    expect(fuseWarnings(atmega32u4, { high: 0xde }, { image: appAndCaterina })).toEqual([
      {
        fuse: 'high',
        field: 'BOOTSZ',
        message: "BOOTSZ puts the boot section at 0x7E00 but the image's bootloader starts at 0x7000 (needs BOOTSZ=00)",
      },
    ]);
    expect(fuseWarnings(atmega32u4, { high: 0xd8 }, { image: appAndCaterina })).toEqual([]);
    expect(fuseWarnings(atmega32u4, { high: 0xde }, { image: blob(0x7e00, 0x200) })).toEqual([]);
  });
});

describe('compareFuse', () => {
  test('ignores bits the fuse does not have', () => {
    expect(compareFuse(atmega32u4, 'ext', 0xf3, 0x03)).toEqual({
      equal: true,
      mask: 0x0f,
      expected: 0x03,
      actual: 0x03,
      differingBits: 0,
      fields: [],
    });
    expect(compareFuse(atmega32u4, 'ext', 0xcb, 0xfb).equal).toBe(true);
    expect(compareFuse(atmega328p, 'ext', 0xfd, 0x05).equal).toBe(true);
    expect(compareFuse(atmega32u4, 'lock', 0x3f, 0xff).equal).toBe(true);
  });

  test('names the fields that differ', () => {
    expect(compareFuse(atmega32u4, 'ext', 0xf3, 0xfb)).toMatchObject({ equal: false, differingBits: 0x08, fields: ['HWBE'] });
    expect(compareFuse(atmega32u4, 'high', 0x99, 0xd8)).toMatchObject({ equal: false, differingBits: 0x41, fields: ['JTAGEN', 'BOOTRST'] });
    expect(compareFuse(atmega32u4, 'low', 0x5e, 0xde).fields).toEqual(['CKDIV8']);
  });

  test('masks', () => {
    expect([fuseMask(atmega32u4, 'low'), fuseMask(atmega32u4, 'high'), fuseMask(atmega32u4, 'ext'), fuseMask(atmega32u4, 'lock')]).toEqual([
      0xff, 0xff, 0x0f, 0x3f,
    ]);
    expect(() => compareFuse(atmega32u4, 'low', 0x5e, 300)).toThrow('low fuse must be a byte 0x00..0xFF (got 300)');
  });
});
