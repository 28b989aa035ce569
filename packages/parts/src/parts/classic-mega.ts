/**
 * What the classic ATmega parts share: the serial-programming instruction set (datasheet "Serial Programming
 * Instruction Set"), the fuse field layout and the lock byte. Part records in this folder spread these and
 * override what differs, as avrdude.conf's `part parent` records do.
 */
import type { BootSection, ClockSource, FuseByte, FuseField } from '../part.js';

/** Instructions common to all the classic megas here; per-size address/page fields are added by each part. */
export const classicIsp = {
  programEnable: '1010.1100--0101.0011--xxxx.xxxx--xxxx.xxxx',
  chipErase: '1010.1100--1000.0000--xxxx.xxxx--xxxx.xxxx',
  // RDY/BSY: bit 0 of the last byte is 1 while a write or erase is in progress.
  pollReady: '1111.0000--0000.0000--xxxx.xxxx--xxxx.xxxo',
  readFlashLow: '0010.0000--aaaa.aaaa--aaaa.aaaa--oooo.oooo',
  readFlashHigh: '0010.1000--aaaa.aaaa--aaaa.aaaa--oooo.oooo',
  readSignature: '0011.0000--000x.xxxx--xxxx.xxaa--oooo.oooo',
  readCalibration: '0011.1000--000x.xxxx--0000.0000--oooo.oooo',
  readLock: '0101.1000--0000.0000--xxxx.xxxx--xxoo.oooo',
  // Unused lock bits are sent as 1 (unprogrammed).
  writeLock: '1010.1100--111x.xxxx--xxxx.xxxx--11ii.iiii',
  readLowFuse: '0101.0000--0000.0000--xxxx.xxxx--oooo.oooo',
  readHighFuse: '0101.1000--0000.1000--xxxx.xxxx--oooo.oooo',
  readExtFuse: '0101.0000--0000.1000--xxxx.xxxx--oooo.oooo',
  writeLowFuse: '1010.1100--1010.0000--xxxx.xxxx--iiii.iiii',
  writeHighFuse: '1010.1100--1010.1000--xxxx.xxxx--iiii.iiii',
} as const;

/** Flash word index within a page: `words` = page size in words (64 or 128). */
export function flashLoadPatterns(pageWords: 64 | 128) {
  const index = pageWords === 64 ? 'xxaa.aaaa' : 'xaaa.aaaa';
  return {
    loadFlashLow: `0100.0000--xxxx.xxxx--${index}--iiii.iiii`,
    loadFlashHigh: `0100.1000--xxxx.xxxx--${index}--iiii.iiii`,
  } as const;
}

/** Four boot sections at the top of flash; `smallest` bytes for BOOTSZ=11, doubling down to BOOTSZ=00. */
export function bootSections(smallest: number): readonly BootSection[] {
  return [3, 2, 1, 0].map((bootsz, i) => ({ bootsz, size: smallest << i }));
}

function hex4(n: number): string {
  return `0x${n.toString(16).toUpperCase().padStart(4, '0')}`;
}

function bytes(n: number): string {
  return n >= 1024 ? `${n / 1024} KB` : `${n} B`;
}

export function bootszField(flashSize: number, sections: readonly BootSection[]): FuseField {
  const values: Record<number, string> = {};
  for (const s of sections) {
    values[s.bootsz] = `${bytes(s.size)} (${s.size / 2} words) boot section at byte ${hex4(flashSize - s.size)}`;
  }
  return {
    name: 'BOOTSZ',
    mask: 0x06,
    label: 'Boot section size',
    comment: 'Size of the boot section at the top of flash; the bootloader must start at its first byte.',
    values,
  };
}

export const bootrstField: FuseField = {
  name: 'BOOTRST',
  mask: 0x01,
  label: 'Reset into the boot section',
  comment: 'Programmed (0): reset jumps to the boot section start instead of address 0.',
  values: { 0: 'reset jumps to the bootloader', 1: 'reset jumps to address 0 (application)' },
};

const programmedText = { 0: 'programmed (enabled)', 1: 'unprogrammed (disabled)' } as const;

export function bit(name: string, mask: number, label: string, comment: string): FuseField {
  return { name, mask, label, comment, values: programmedText };
}

export function lowFuseFields(clockSources: readonly ClockSource[]): readonly FuseField[] {
  const cksel: Record<number, string> = {};
  for (let v = 0; v < 16; v++) {
    const src = clockSources.find((c) => v >= c.cksel[0] && v <= c.cksel[1]);
    cksel[v] = src ? src.label : 'reserved';
  }
  return [
    bit('CKDIV8', 0x80, 'Divide clock by 8', 'Programmed: the system clock prescaler starts at /8 after reset (software can change it).'),
    bit('CKOUT', 0x40, 'Clock output', 'Programmed: the system clock is driven out on the CLKO pin.'),
    {
      name: 'SUT',
      mask: 0x30,
      label: 'Start-up time',
      comment: 'With CKSEL0 selects the start-up delay after power-on and reset.',
    },
    {
      name: 'CKSEL',
      mask: 0x0f,
      label: 'Clock source',
      comment: 'Selects the clock source; an external clock or a reserved value can make the chip unreachable over ISP.',
      values: cksel,
    },
  ];
}

export function bodlevelField(mask: number, levels: Readonly<Record<number, number | null>>): FuseField {
  const values: Record<number, string> = {};
  for (let v = 0; v <= mask; v++) {
    const level = levels[v];
    values[v] = level === undefined ? 'reserved' : level === null ? 'brown-out detection disabled' : `brown-out reset at ${level.toFixed(1)} V`;
  }
  return {
    name: 'BODLEVEL',
    mask,
    label: 'Brown-out detector level',
    comment: 'Supply voltage under which the chip is held in reset.',
    values,
  };
}

/** Lock byte: LB (memory lock), BLB0 (application section), BLB1 (boot section). Chip erase resets it to 0xFF. */
export const lockByte: FuseByte = {
  factory: 0xff,
  mask: 0x3f,
  fields: [
    {
      name: 'LB',
      mask: 0x03,
      label: 'Memory lock',
      comment: 'Programming lock for flash and EEPROM over ISP; only a chip erase clears it.',
      values: {
        3: 'no memory lock',
        2: 'further programming disabled',
        1: 'reserved',
        0: 'further programming and verification disabled',
      },
    },
    {
      name: 'BLB0',
      mask: 0x0c,
      label: 'Application section protection',
      comment: 'What SPM/LPM may do to the application section.',
      values: {
        3: 'no restrictions',
        2: 'SPM may not write the application section',
        1: 'LPM from the boot section may not read the application section',
        0: 'SPM may not write and boot LPM may not read the application section',
      },
    },
    {
      name: 'BLB1',
      mask: 0x30,
      label: 'Boot section protection',
      comment: 'What SPM/LPM may do to the boot section.',
      values: {
        3: 'no restrictions',
        2: 'SPM may not write the boot section',
        1: 'LPM from the application section may not read the boot section',
        0: 'SPM may not write and application LPM may not read the boot section',
      },
    },
  ],
};

/** Clock sources of the megas with a full-swing crystal option (ATmega328P, ATmega640..2561). */
export const megaX8ClockSources: readonly ClockSource[] = [
  { cksel: [0, 0], kind: 'external-clock', label: 'external clock on XTAL1' },
  { cksel: [1, 1], kind: 'reserved', label: 'reserved' },
  { cksel: [2, 2], kind: 'internal-rc', label: 'calibrated internal RC oscillator, 8 MHz' },
  { cksel: [3, 3], kind: 'internal-128khz', label: 'internal 128 kHz oscillator' },
  { cksel: [4, 5], kind: 'low-frequency-crystal', label: 'low-frequency (32.768 kHz) crystal' },
  { cksel: [6, 7], kind: 'full-swing-crystal', label: 'full-swing crystal oscillator' },
  { cksel: [8, 15], kind: 'low-power-crystal', label: 'low-power crystal oscillator' },
];

/** BODLEVEL coding of ATmega328P and ATmega640..2561 (datasheet): others reserved. */
export const megaX8BodLevels: Readonly<Record<number, number | null>> = { 7: null, 6: 1.8, 5: 2.7, 4: 4.3 };
