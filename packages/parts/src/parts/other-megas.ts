/**
 * Non-USB megas that keyboards and Arduino boards use: ATmega328P and ATmega2560 (the one part here whose flash
 * needs the load-extended-address instruction).
 *
 * Sources: ATmega328P and ATmega640/1280/2560 datasheets ("Memory Programming"), avrdude src/avrdude.conf.in
 * entries m48/m328/m328p and m640/m2560 (signatures, sizes, initval, bitmasks).
 */
import type { FuseByte, Part } from '../part.js';
import {
  bit,
  bodlevelField,
  bootrstField,
  bootSections,
  bootszField,
  classicIsp,
  flashLoadPatterns,
  lockByte,
  lowFuseFields,
  megaX8BodLevels,
  megaX8ClockSources,
} from './classic-mega.js';

const extBod = (factory: number): FuseByte => ({
  factory,
  mask: 0x07,
  fields: [bodlevelField(0x07, megaX8BodLevels)],
});

const m328pFlash = { size: 32 * 1024, pageSize: 128 } as const;

export const atmega328p = {
  id: 'atmega328p',
  name: 'ATmega328P',
  avrdudeId: 'm328p',
  aliases: ['m328p', '328p'],
  signature: [0x1e, 0x95, 0x0f],
  flash: m328pFlash,
  eeprom: { size: 1024, pageSize: 4 },
  bootSections: bootSections(512),
  timing: { chipEraseUs: 9000, flashWriteUs: 4500, eepromWriteUs: 3600, fuseWriteUs: 4500 },
  isp: {
    ...classicIsp,
    ...flashLoadPatterns(64),
    writeFlashPage: '0100.1100--00aa.aaaa--aaxx.xxxx--xxxx.xxxx',
    readEeprom: '1010.0000--000x.xxaa--aaaa.aaaa--oooo.oooo',
    writeEeprom: '1100.0000--000x.xxaa--aaaa.aaaa--iiii.iiii',
    loadEepromPage: '1100.0001--0000.0000--0000.00aa--iiii.iiii',
    writeEepromPage: '1100.0010--00xx.xxaa--aaaa.aa00--xxxx.xxxx',
    writeExtFuse: '1010.1100--1010.0100--xxxx.xxxx--1111.1iii',
  },
  fuses: {
    // Datasheet defaults (avrdude initval): internal 8 MHz RC /8; 4 KB boot section; BOD off.
    low: { factory: 0x62, mask: 0xff, fields: lowFuseFields(megaX8ClockSources) },
    high: {
      factory: 0xd9,
      mask: 0xff,
      fields: [
        bit('RSTDISBL', 0x80, 'External reset disable', 'Programmed: RESET becomes an I/O pin and ISP stops working (high-voltage programming needed).'),
        bit('DWEN', 0x40, 'debugWIRE', 'Programmed: debugWIRE takes over RESET; ISP stops working until debugWIRE turns itself off.'),
        bit('SPIEN', 0x20, 'Serial programming (ISP)', 'Must stay programmed: unprogrammed it locks ISP out (high-voltage programming needed). The datasheet says ISP cannot change it; never send it unprogrammed anyway.'),
        bit('WDTON', 0x10, 'Watchdog always on', 'Programmed: the watchdog runs always; firmware must keep resetting it.'),
        bit('EESAVE', 0x08, 'Preserve EEPROM on chip erase', 'Programmed: chip erase leaves EEPROM untouched.'),
        bootszField(m328pFlash.size, bootSections(512)),
        bootrstField,
      ],
    },
    ext: extBod(0xff),
  },
  fuseMasks: { low: 0xff, high: 0xff, ext: 0x07 },
  lock: lockByte,
  clockSources: megaX8ClockSources,
  bodLevels: megaX8BodLevels,
  sources: ['ATmega328P datasheet, Memory Programming', 'avrdude src/avrdude.conf.in: m328, m328p'],
} as const satisfies Part;

const m2560Flash = { size: 256 * 1024, pageSize: 256 } as const;

export const atmega2560 = {
  id: 'atmega2560',
  name: 'ATmega2560',
  avrdudeId: 'm2560',
  aliases: ['m2560', '2560'],
  signature: [0x1e, 0x98, 0x01],
  flash: m2560Flash,
  eeprom: { size: 4096, pageSize: 8 },
  bootSections: bootSections(1024),
  timing: { chipEraseUs: 9000, flashWriteUs: 4500, eepromWriteUs: 9000, fuseWriteUs: 4500 },
  isp: {
    ...classicIsp,
    ...flashLoadPatterns(128),
    // 128 K words: address bit 16 goes out first with load-extended-address; it stays latched until changed.
    loadExtendedAddress: '0100.1101--0000.0000--aaaa.aaaa--0000.0000',
    writeFlashPage: '0100.1100--aaaa.aaaa--axxx.xxxx--xxxx.xxxx',
    readEeprom: '1010.0000--xxxx.aaaa--aaaa.aaaa--oooo.oooo',
    writeEeprom: '1100.0000--xxxx.aaaa--aaaa.aaaa--iiii.iiii',
    loadEepromPage: '1100.0001--0000.0000--0000.0aaa--iiii.iiii',
    writeEepromPage: '1100.0010--00xx.aaaa--aaaa.a000--xxxx.xxxx',
    writeExtFuse: '1010.1100--1010.0100--xxxx.xxxx--1111.1iii',
  },
  fuses: {
    // avrdude initval: internal RC /8; 8 KB boot section, JTAG on; BOD off.
    low: { factory: 0x62, mask: 0xff, fields: lowFuseFields(megaX8ClockSources) },
    high: {
      factory: 0x99,
      mask: 0xff,
      fields: [
        bit('OCDEN', 0x80, 'On-chip debug', 'Programmed: on-chip debugging over JTAG (raises power use); leave unprogrammed.'),
        bit('JTAGEN', 0x40, 'JTAG interface', 'Programmed: PF4..PF7 are the JTAG port at reset, not I/O.'),
        bit('SPIEN', 0x20, 'Serial programming (ISP)', 'Must stay programmed: unprogrammed it locks ISP out (high-voltage programming needed). The datasheet says ISP cannot change it; never send it unprogrammed anyway.'),
        bit('WDTON', 0x10, 'Watchdog always on', 'Programmed: the watchdog runs always; firmware must keep resetting it.'),
        bit('EESAVE', 0x08, 'Preserve EEPROM on chip erase', 'Programmed: chip erase leaves EEPROM untouched.'),
        bootszField(m2560Flash.size, bootSections(1024)),
        bootrstField,
      ],
    },
    ext: extBod(0xff),
  },
  fuseMasks: { low: 0xff, high: 0xff, ext: 0x07 },
  lock: lockByte,
  clockSources: megaX8ClockSources,
  bodLevels: megaX8BodLevels,
  sources: ['ATmega640/1280/2560 datasheet, Memory Programming', 'avrdude src/avrdude.conf.in: m640, m2560'],
} as const satisfies Part;
