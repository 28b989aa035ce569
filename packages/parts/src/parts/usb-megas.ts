/**
 * USB AVRs: ATmega16U4 is the parent record; ATmega32U4, AT90USB646 and AT90USB1286 spread it and override what
 * differs (signature, sizes, address fields, factory fuses).
 *
 * Sources: ATmega16U4/32U4 and AT90USB64/128 datasheets ("Memory Programming": serial programming instruction
 * set, tWD_* timings, fuse tables, boot size configuration), avrdude src/avrdude.conf.in entries m16u4, m32u4,
 * usb646, usb1286 (signatures, sizes, initval, efuse bitmask), QMK's ISP flashing guide (shipped 32U4 fuses).
 */
import type { ClockSource, FuseByte, Part } from '../part.js';
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
} from './classic-mega.js';

/** CKSEL coding of the U4 / AT90USB parts: no full-swing crystal and no 128 kHz oscillator. */
const usbClockSources: readonly ClockSource[] = [
  { cksel: [0, 0], kind: 'external-clock', label: 'external clock on XTAL1' },
  { cksel: [1, 1], kind: 'reserved', label: 'reserved' },
  { cksel: [2, 2], kind: 'internal-rc', label: 'calibrated internal RC oscillator, 8 MHz' },
  { cksel: [3, 7], kind: 'reserved', label: 'reserved' },
  { cksel: [8, 15], kind: 'low-power-crystal', label: 'low-power crystal oscillator' },
];

/** BODLEVEL2..0 → VBOT (typical), ATmega16U4/32U4 datasheet "BODLEVEL Fuse Coding". */
const usbBodLevels: Readonly<Record<number, number | null>> = {
  7: null,
  6: 2.0,
  5: 2.2,
  4: 2.4,
  3: 2.6,
  2: 3.4,
  1: 3.5,
  0: 4.3,
};

function highFuse(factory: number, flashSize: number, smallestBoot: number): FuseByte {
  return {
    factory,
    mask: 0xff,
    fields: [
      bit('OCDEN', 0x80, 'On-chip debug', 'Programmed: on-chip debugging over JTAG (raises power use); leave unprogrammed.'),
      bit('JTAGEN', 0x40, 'JTAG interface', 'Programmed: PF4..PF7 are the JTAG port at reset, not I/O (keyboards often need them as I/O).'),
      bit('SPIEN', 0x20, 'Serial programming (ISP)', 'Must stay programmed: unprogrammed it locks ISP out (high-voltage programming needed). The datasheet says ISP cannot change it; never send it unprogrammed anyway.'),
      bit('WDTON', 0x10, 'Watchdog always on', 'Programmed: the watchdog runs always; firmware must keep resetting it.'),
      bit('EESAVE', 0x08, 'Preserve EEPROM on chip erase', 'Programmed: chip erase leaves EEPROM untouched.'),
      bootszField(flashSize, bootSections(smallestBoot)),
      bootrstField,
    ],
  };
}

function extFuse(factory: number): FuseByte {
  return {
    factory,
    mask: 0x0f,
    fields: [
      bit('HWBE', 0x08, 'Hardware boot enable', 'Programmed: PE2/HWB held low during reset starts the bootloader.'),
      bodlevelField(0x07, usbBodLevels),
    ],
  };
}

const m16u4Flash = { size: 16 * 1024, pageSize: 128 } as const;

export const atmega16u4 = {
  id: 'atmega16u4',
  name: 'ATmega16U4',
  avrdudeId: 'm16u4',
  aliases: ['m16u4', '16u4'],
  signature: [0x1e, 0x94, 0x88],
  flash: m16u4Flash,
  eeprom: { size: 512, pageSize: 4 },
  bootSections: bootSections(512),
  // Datasheet tWD_ERASE, tWD_FLASH, tWD_EEPROM, tWD_FUSE (avrdude.conf waits 9000 µs for fuses, more than needed).
  timing: { chipEraseUs: 9000, flashWriteUs: 4500, eepromWriteUs: 9000, fuseWriteUs: 4500 },
  isp: {
    ...classicIsp,
    ...flashLoadPatterns(64),
    writeFlashPage: '0100.1100--aaaa.aaaa--aaxx.xxxx--xxxx.xxxx',
    readEeprom: '1010.0000--xxxx.xxxa--aaaa.aaaa--oooo.oooo',
    writeEeprom: '1100.0000--xxxx.xxxa--aaaa.aaaa--iiii.iiii',
    loadEepromPage: '1100.0001--0000.0000--0000.00aa--iiii.iiii',
    writeEepromPage: '1100.0010--00xx.xxxa--aaaa.aa00--xxxx.xxxx',
    // Unused extended fuse bits are sent as 1 (unprogrammed); the chip ignores them.
    writeExtFuse: '1010.1100--1010.0100--xxxx.xxxx--1111.iiii',
  },
  fuses: {
    // avrdude.conf m16u4 initval (datasheet defaults): internal RC, CKDIV8; 4 KB boot section, JTAG on; BOD 2.6 V.
    low: { factory: 0x52, mask: 0xff, fields: lowFuseFields(usbClockSources) },
    high: highFuse(0x99, m16u4Flash.size, 512),
    ext: extFuse(0xfb),
  },
  fuseMasks: { low: 0xff, high: 0xff, ext: 0x0f },
  lock: lockByte,
  clockSources: usbClockSources,
  bodLevels: usbBodLevels,
  sources: ['ATmega16U4/32U4 datasheet, Memory Programming', 'avrdude src/avrdude.conf.in: m16u4'],
} as const satisfies Part;

const m32u4Flash = { size: 32 * 1024, pageSize: 128 } as const;

export const atmega32u4 = {
  ...atmega16u4,
  id: 'atmega32u4',
  name: 'ATmega32U4',
  avrdudeId: 'm32u4',
  aliases: ['m32u4', '32u4'],
  signature: [0x1e, 0x95, 0x87],
  flash: m32u4Flash,
  eeprom: { size: 1024, pageSize: 4 },
  isp: {
    ...atmega16u4.isp,
    readEeprom: '1010.0000--xxxx.xxaa--aaaa.aaaa--oooo.oooo',
    writeEeprom: '1100.0000--xxxx.xxaa--aaaa.aaaa--iiii.iiii',
    writeEepromPage: '1100.0010--00xx.xxaa--aaaa.aa00--xxxx.xxxx',
  },
  fuses: {
    // As shipped with the Atmel DFU bootloader (QMK ISP guide: 5E / 99 / F3): 16 MHz crystal divided by 8,
    // JTAG on, 4 KB boot section, BOOTRST unprogrammed (HWBE starts DFU), BOD 2.6 V.
    // (avrdude.conf inherits m16u4's datasheet defaults 0x52 / 0x99 / 0xFB instead.)
    low: { ...atmega16u4.fuses.low, factory: 0x5e },
    high: highFuse(0x99, m32u4Flash.size, 512),
    ext: extFuse(0xf3),
  },
  sources: [
    'ATmega16U4/32U4 datasheet, Memory Programming',
    'avrdude src/avrdude.conf.in: m32u4',
    'QMK docs, ISP flashing guide (shipped fuses)',
  ],
} as const satisfies Part;

const usb646Flash = { size: 64 * 1024, pageSize: 256 } as const;

export const at90usb646 = {
  ...atmega16u4,
  id: 'at90usb646',
  name: 'AT90USB646',
  avrdudeId: 'usb646',
  aliases: ['usb646'],
  signature: [0x1e, 0x96, 0x82],
  flash: usb646Flash,
  eeprom: { size: 2048, pageSize: 8 },
  bootSections: bootSections(1024),
  isp: {
    ...atmega16u4.isp,
    ...flashLoadPatterns(128),
    writeFlashPage: '0100.1100--aaaa.aaaa--axxx.xxxx--xxxx.xxxx',
    readEeprom: '1010.0000--xxxx.xaaa--aaaa.aaaa--oooo.oooo',
    writeEeprom: '1100.0000--xxxx.xaaa--aaaa.aaaa--iiii.iiii',
    loadEepromPage: '1100.0001--0000.0000--0000.0aaa--iiii.iiii',
    writeEepromPage: '1100.0010--00xx.xaaa--aaaa.a000--xxxx.xxxx',
  },
  fuses: {
    // avrdude.conf usb646 initval: 5E / 9B / F3 (crystal /8, 4 KB boot section, BOD 2.6 V).
    low: { ...atmega16u4.fuses.low, factory: 0x5e },
    high: highFuse(0x9b, usb646Flash.size, 1024),
    ext: extFuse(0xf3),
  },
  sources: [
    'AT90USB64/128 datasheet, Memory Programming',
    'avrdude src/avrdude.conf.in: usb646',
    'BODLEVEL coding taken as the U4 family; check the AT90USB datasheet before relying on the voltage',
  ],
} as const satisfies Part;

const usb1286Flash = { size: 128 * 1024, pageSize: 256 } as const;

/** 128 KB = 64 K words: 16-bit word addresses still reach all of flash, so no load-extended-address is needed. */
export const at90usb1286 = {
  ...at90usb646,
  id: 'at90usb1286',
  name: 'AT90USB1286',
  avrdudeId: 'usb1286',
  aliases: ['usb1286'],
  signature: [0x1e, 0x97, 0x82],
  flash: usb1286Flash,
  eeprom: { size: 4096, pageSize: 8 },
  isp: {
    ...at90usb646.isp,
    readEeprom: '1010.0000--xxxx.aaaa--aaaa.aaaa--oooo.oooo',
    writeEeprom: '1100.0000--xxxx.aaaa--aaaa.aaaa--iiii.iiii',
    writeEepromPage: '1100.0010--00xx.aaaa--aaaa.a000--xxxx.xxxx',
  },
  fuses: {
    // avrdude.conf usb1286 initval: 5E / 99 / F3 (8 KB boot section).
    low: at90usb646.fuses.low,
    high: highFuse(0x99, usb1286Flash.size, 1024),
    ext: at90usb646.fuses.ext,
  },
  sources: [
    'AT90USB64/128 datasheet, Memory Programming',
    'avrdude src/avrdude.conf.in: usb1286',
    'BODLEVEL coding taken as the U4 family; check the AT90USB datasheet before relying on the voltage',
  ],
} as const satisfies Part;
