import { describe, expect, test } from 'vitest';
import { decodeFuses, decodeLock } from './decode-fuses.js';
import { factoryFieldValue, findFuseField, setFuseField } from './fuse-fields.js';
import { parts } from './part-registry.js';
import { atmega2560, atmega328p } from './parts/other-megas.js';
import { atmega16u4, atmega32u4 } from './parts/usb-megas.js';

describe('ATmega32U4', () => {
  test('Atmel DFU factory fuses 5E / 99 / F3', () => {
    const d = decodeFuses(atmega32u4, { low: 0x5e, high: 0x99, ext: 0xf3 });
    expect(d.clock.kind).toBe('low-power-crystal');
    expect(d.clock.source).toBe('low-power crystal oscillator, 8.0–16 MHz');
    expect(d.clock.startup).toBe('258 CK + 14 CK + 65 ms (ceramic resonator, slowly rising power)');
    expect(d.targetClock).toBe('low-power crystal oscillator, 8.0–16 MHz, divided by 8 from reset (CKDIV8)');
    expect(d.ckdiv8).toBe(true);
    expect(d.ckout).toBe(false);
    expect([d.bootsz, d.bootStart, d.bootSize, d.bootrst, d.resetVector]).toEqual([0, 0x7000, 4096, false, 0]);
    expect(d.spien).toBe(true);
    expect(d.jtagen).toBe(true);
    expect(d.ocden).toBe(false);
    expect(d.hwbe).toBe(true);
    expect(d.wdton).toBe(false);
    expect(d.eesave).toBe(false);
    expect(d.rstdisbl).toBeUndefined();
    expect(d.bod).toEqual({ volts: 2.6, text: 'brown-out reset at 2.6 V', reserved: false });
    expect(d.fields.every((f) => f.isFactory)).toBe(true);
    expect(d.byName.BOOTSZ?.text).toBe('4 KB (2048 words) boot section at byte 0x7000');
    expect(d.byName.SPIEN).toMatchObject({ fuse: 'high', value: 0, programmed: true, text: 'programmed (enabled)' });
  });

  test('Caterina 5 V FF / D8 / FB', () => {
    const d = decodeFuses(atmega32u4, { low: 0xff, high: 0xd8, ext: 0xfb });
    expect(d.ckdiv8).toBe(false);
    expect(d.clock.startup).toBe('16K CK + 14 CK + 65 ms (crystal, slowly rising power)');
    expect(d.targetClock).toBe('low-power crystal oscillator, 8.0–16 MHz, not divided');
    expect([d.bootsz, d.bootStart, d.bootrst, d.resetVector]).toEqual([0, 0x7000, true, 0x7000]);
    expect(d.jtagen).toBe(false);
    expect(d.hwbe).toBe(false);
    expect(d.bod.volts).toBe(2.6);
    expect(d.byName.BOOTRST?.text).toBe('reset jumps to the bootloader');
  });

  test('Caterina 3.3 V FF / D8 / FE: BOD 2.0 V; unused ext bits do not matter', () => {
    expect(decodeFuses(atmega32u4, { low: 0xff, high: 0xd8, ext: 0xfe }).bod.volts).toBe(2.0);
    const a = decodeFuses(atmega32u4, { low: 0xff, high: 0xd8, ext: 0xcb });
    const b = decodeFuses(atmega32u4, { low: 0xff, high: 0xd8, ext: 0xfb });
    expect(a.fields.map((f) => f.value)).toEqual(b.fields.map((f) => f.value));
  });

  test('HalfKay 5F / DF / F4: 512 B section at 0x7E00, HWBE', () => {
    const d = decodeFuses(atmega32u4, { low: 0x5f, high: 0xdf, ext: 0xf4 });
    expect([d.bootsz, d.bootStart, d.bootSize, d.bootrst]).toEqual([3, 0x7e00, 512, false]);
    expect(d.hwbe).toBe(true);
    expect(d.ckdiv8).toBe(true);
    expect(d.clock.startup).toBe('16K CK + 14 CK (crystal, BOD enabled)');
    expect(d.bod.volts).toBe(2.4);
  });

  test('every BOOTSZ value', () => {
    const starts = [0, 1, 2, 3].map((bootsz) => decodeFuses(atmega32u4, { low: 0x5e, high: 0xd8 | (bootsz << 1), ext: 0xf3 }));
    expect(starts.map((d) => [d.bootStart, d.bootSize])).toEqual([
      [0x7000, 4096],
      [0x7800, 2048],
      [0x7c00, 1024],
      [0x7e00, 512],
    ]);
  });

  test('internal RC, external clock and reserved clock selections', () => {
    expect(decodeFuses(atmega32u4, { low: 0x62, high: 0x99, ext: 0xf3 }).clock).toMatchObject({
      kind: 'internal-rc',
      source: 'calibrated internal RC oscillator, 8 MHz',
      startup: '6 CK + 14 CK + 65 ms (slowly rising power)',
    });
    expect(decodeFuses(atmega32u4, { low: 0xd0, high: 0x99, ext: 0xf3 }).clock.kind).toBe('external-clock');
    const reserved = decodeFuses(atmega32u4, { low: 0xd5, high: 0x99, ext: 0xf3 });
    expect(reserved.clock.kind).toBe('reserved');
    expect(reserved.targetClock).toBe('reserved clock selection CKSEL=0101');
  });

  test('bad fuse bytes are refused', () => {
    expect(() => decodeFuses(atmega32u4, { low: 0x100, high: 0x99, ext: 0xf3 })).toThrow('low fuse must be a byte 0x00..0xFF (got 256)');
    expect(() => decodeFuses(atmega32u4, { low: 0x5e, high: -1, ext: 0xf3 })).toThrow(RangeError);
  });
});

describe('ATmega328P', () => {
  test('datasheet defaults 62 / D9 / FF', () => {
    const d = decodeFuses(atmega328p, { low: 0x62, high: 0xd9, ext: 0xff });
    expect(d.clock.kind).toBe('internal-rc');
    expect(d.ckdiv8).toBe(true);
    expect([d.bootsz, d.bootStart, d.bootSize, d.bootrst]).toEqual([0, 0x7000, 4096, false]);
    expect([d.rstdisbl, d.dwen, d.spien]).toEqual([false, false, true]);
    expect(d.jtagen).toBeUndefined();
    expect(d.hwbe).toBeUndefined();
    expect(d.bod).toEqual({ volts: null, text: 'brown-out detection disabled', reserved: false });
  });

  test('Arduino Uno optiboot FF / DE / FD (05 as read back)', () => {
    const d = decodeFuses(atmega328p, { low: 0xff, high: 0xde, ext: 0x05 });
    expect(d.clock.kind).toBe('low-power-crystal');
    expect([d.bootsz, d.bootStart, d.bootrst]).toEqual([3, 0x7e00, true]);
    expect(d.bod.volts).toBe(2.7);
  });

  test('full-swing crystal and the 128 kHz oscillator exist here, not on the 32U4', () => {
    expect(decodeFuses(atmega328p, { low: 0xf7, high: 0xd9, ext: 0xff }).clock.source).toBe('full-swing crystal oscillator, 0.4–20 MHz');
    expect(decodeFuses(atmega328p, { low: 0xe3, high: 0xd9, ext: 0xff }).clock.kind).toBe('internal-128khz');
    expect(decodeFuses(atmega32u4, { low: 0xe3, high: 0x99, ext: 0xf3 }).clock.kind).toBe('reserved');
  });
});

test('ATmega2560 8 KB boot section at 0x3E000', () => {
  const d = decodeFuses(atmega2560, { low: 0x62, high: 0x99, ext: 0xff });
  expect([d.bootStart, d.bootSize]).toEqual([0x3e000, 8192]);
});

test('factory values decode as factory on every part', () => {
  for (const p of parts) {
    const d = decodeFuses(p, { low: p.fuses.low.factory, high: p.fuses.high.factory, ext: p.fuses.ext.factory });
    expect(d.fields.filter((f) => !f.isFactory), p.id).toEqual([]);
    expect(d.spien, p.id).toBe(true);
  }
});

test('lock byte', () => {
  expect(decodeLock(atmega32u4, 0xff).map((f) => f.text)).toEqual(['no memory lock', 'no restrictions', 'no restrictions']);
  expect(decodeLock(atmega32u4, 0xfc)[0]).toMatchObject({ name: 'LB', value: 0, text: 'further programming and verification disabled', isFactory: false });
  expect(decodeLock(atmega32u4, 0xef)[2]?.text).toBe('SPM may not write the boot section');
});

describe('field helpers', () => {
  test('setFuseField writes one field and nothing else', () => {
    expect(setFuseField(atmega32u4, 'high', 0x99, 'BOOTSZ', 3)).toBe(0x9f);
    expect(setFuseField(atmega32u4, 'high', 0x99, 'bootrst', 0)).toBe(0x98);
    expect(setFuseField(atmega32u4, 'low', 0x5e, 'CKDIV8', 1)).toBe(0xde);
    expect(() => setFuseField(atmega32u4, 'high', 0x99, 'RSTDISBL', 0)).toThrow(
      'ATmega32U4 high fuse has no field RSTDISBL; it has OCDEN, JTAGEN, SPIEN, WDTON, EESAVE, BOOTSZ, BOOTRST',
    );
    expect(() => setFuseField(atmega32u4, 'high', 0x99, 'BOOTSZ', 4)).toThrow('BOOTSZ takes 0..3 (got 4)');
  });

  test('findFuseField and factoryFieldValue', () => {
    expect(findFuseField(atmega328p, 'dwen')?.fuse).toBe('high');
    expect(findFuseField(atmega32u4, 'DWEN')).toBeUndefined();
    expect(findFuseField(atmega32u4, 'blb1')?.fuse).toBe('lock');
    expect(factoryFieldValue(atmega32u4, 'ext', 'BODLEVEL')).toBe(3);
    expect(factoryFieldValue(atmega16u4, 'low', 'CKSEL')).toBe(2);
  });
});
