import { describe, expect, test } from 'vitest';
import { compileIspPattern } from './isp-pattern.js';
import { fuseNames } from './part.js';
import { findPartBySignature, formatSignature, getPart, parts, UnknownPartError } from './part-registry.js';

describe('lookup', () => {
  test('by id, avrdude id and alias, any case', () => {
    expect(getPart('atmega32u4').name).toBe('ATmega32U4');
    expect(getPart('m32u4').id).toBe('atmega32u4');
    expect(getPart(' ATmega32U4 ').id).toBe('atmega32u4');
    expect(getPart('usb1286').id).toBe('at90usb1286');
    expect(getPart('m328p').id).toBe('atmega328p');
  });

  test('an unknown id names every known one', () => {
    expect(() => getPart('atmega8')).toThrow(
      'unknown part "atmega8"; known parts: atmega32u4, atmega16u4, at90usb646, at90usb1286, atmega328p, atmega2560',
    );
    try {
      getPart('x');
    } catch (e) {
      expect(e).toBeInstanceOf(UnknownPartError);
      expect((e as UnknownPartError).code).toBe('unknown-part');
    }
  });

  test('by signature', () => {
    expect(findPartBySignature([0x1e, 0x95, 0x87])?.id).toBe('atmega32u4');
    expect(findPartBySignature(new Uint8Array([0x1e, 0x94, 0x88]))?.id).toBe('atmega16u4');
    expect(findPartBySignature([0x1e, 0x95, 0x0f])?.id).toBe('atmega328p');
    expect(findPartBySignature([0xff, 0xff, 0xff])).toBeUndefined();
    expect(findPartBySignature([0x1e, 0x95])).toBeUndefined();
    expect(formatSignature([0x1e, 0x95, 0x87])).toBe('1E 95 87');
  });
});

describe('ATmega32U4 record', () => {
  const p = getPart('atmega32u4');
  test('memories, timings and masks', () => {
    expect(p.signature).toEqual([0x1e, 0x95, 0x87]);
    expect(p.flash).toEqual({ size: 32768, pageSize: 128 });
    expect(p.eeprom).toEqual({ size: 1024, pageSize: 4 });
    expect(p.timing).toEqual({ chipEraseUs: 9000, flashWriteUs: 4500, eepromWriteUs: 9000, fuseWriteUs: 4500 });
    expect(p.fuseMasks).toEqual({ low: 0xff, high: 0xff, ext: 0x0f });
    expect(p.lock.mask).toBe(0x3f);
    expect(p.bootSections).toEqual([
      { bootsz: 3, size: 512 },
      { bootsz: 2, size: 1024 },
      { bootsz: 1, size: 2048 },
      { bootsz: 0, size: 4096 },
    ]);
    expect([p.fuses.low.factory, p.fuses.high.factory, p.fuses.ext.factory]).toEqual([0x5e, 0x99, 0xf3]);
  });

  test('fuse fields in datasheet order', () => {
    expect(p.fuses.low.fields.map((f) => f.name)).toEqual(['CKDIV8', 'CKOUT', 'SUT', 'CKSEL']);
    expect(p.fuses.high.fields.map((f) => f.name)).toEqual(['OCDEN', 'JTAGEN', 'SPIEN', 'WDTON', 'EESAVE', 'BOOTSZ', 'BOOTRST']);
    expect(p.fuses.ext.fields.map((f) => f.name)).toEqual(['HWBE', 'BODLEVEL']);
    expect(p.fuses.high.fields.find((f) => f.name === 'BOOTSZ')?.values?.[0]).toBe('4 KB (2048 words) boot section at byte 0x7000');
  });
});

test('sizes of the other parts', () => {
  const sizes = Object.fromEntries(parts.map((p) => [p.id, [p.flash.size, p.flash.pageSize, p.eeprom.size, p.eeprom.pageSize, p.bootSections[0]!.size]]));
  expect(sizes).toEqual({
    atmega32u4: [32768, 128, 1024, 4, 512],
    atmega16u4: [16384, 128, 512, 4, 512],
    at90usb646: [65536, 256, 2048, 8, 1024],
    at90usb1286: [131072, 256, 4096, 8, 1024],
    atmega328p: [32768, 128, 1024, 4, 512],
    atmega2560: [262144, 256, 4096, 8, 1024],
  });
  expect(getPart('atmega328p').timing.eepromWriteUs).toBe(3600);
  expect(getPart('atmega328p').fuseMasks.ext).toBe(0x07);
});

describe.each(parts.map((p) => [p.id, p] as const))('%s is consistent', (_id, part) => {
  test('ids, signature and aliases are unique across parts', () => {
    const others = parts.filter((p) => p !== part);
    for (const o of others) {
      expect(o.signature).not.toEqual(part.signature);
      for (const name of [part.id, part.avrdudeId, ...part.aliases]) {
        expect([o.id, o.avrdudeId, ...o.aliases]).not.toContain(name);
      }
    }
  });

  test('fields tile each fuse byte exactly and factory values fit the mask', () => {
    for (const which of [...fuseNames, 'lock'] as const) {
      const def = which === 'lock' ? part.lock : part.fuses[which];
      let covered = 0;
      for (const f of def.fields) {
        expect(covered & f.mask, `${which}.${f.name} overlaps`).toBe(0);
        covered |= f.mask;
      }
      expect(covered, which).toBe(def.mask);
      if (which !== 'lock') expect(part.fuseMasks[which]).toBe(def.mask);
      expect(def.factory & ~def.mask & 0xff, `${which} factory has bits outside the mask`).toBe(~def.mask & 0xff);
    }
  });

  test('every instruction pattern compiles; pages divide memories; boot sections fit', () => {
    for (const pattern of Object.values(part.isp)) expect(() => compileIspPattern(pattern)).not.toThrow();
    expect(part.flash.size % part.flash.pageSize).toBe(0);
    expect(part.eeprom.size % part.eeprom.pageSize).toBe(0);
    for (const s of part.bootSections) expect(s.size % part.flash.pageSize).toBe(0);
    expect(part.isp.loadExtendedAddress !== undefined).toBe(part.flash.size > 128 * 1024);
  });
});
