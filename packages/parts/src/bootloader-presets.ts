/** Bootloaders keyboards ship with: the fuses each wants and the flash region it occupies. */
import type { FuseValues } from './decode-fuses.js';

export interface UsbId {
  vid: number;
  pid: number;
  /** Which board or mode enumerates with this id. */
  note: string;
}

export interface BootloaderPreset {
  id: string;
  name: string;
  /** Part id this preset is for. */
  part: string;
  fuses: Readonly<FuseValues>;
  /** Other fuse sets people use with this bootloader. */
  alternatives: readonly { fuses: Readonly<FuseValues>; note: string }[];
  /** false: the values are not published by the bootloader's maker (reported by users, or derived; fuseNote says which). */
  fusesVerified: boolean;
  /** Where the fuse values come from and what they do. */
  fuseNote: string;
  /** The boot section the fuses set: start (byte address) and size; it ends at the top of flash. */
  region: { start: number; size: number };
  /**
   * Bytes of the bootloader directly below its boot section, in the application section (LUFA's mass-storage
   * bootloader does not fit a 32 KB part's largest boot section). The application must end below
   * `region.start - auxBelow`. Absent: the bootloader lies wholly in its boot section.
   */
  auxBelow?: number;
  /** USB ids the bootloader enumerates with. */
  usb: readonly UsbId[];
  description: string;
}

const qmkGuide = "QMK's ISP flashing guide";

/**
 * LUFA's mass-storage bootloader on a 32 KB part (QMK `lufa-ms`): 6 KB builds (BOOTLOADER_SIZE 6144), and 8 KB
 * ones since LUFA grew it in 2021 (QMK's default since). Either way the fuses set the largest, 4 KB boot section and
 * the rest sits below it. The fuses are derived, not published by the boards' makers: LUFA's makefile needs the
 * boot section to be the 4 KB it was built for, and its Application_Jump_Check enters the bootloader at reset via
 * BOOTRST (a RESET-button press opens the drive) or HWBE; clock and BOD stay as Atmel's factory setting, JTAG off.
 */
function lufaMassStorage(kb: 6 | 8): BootloaderPreset {
  return {
    id: kb === 6 ? 'lufa-ms' : 'lufa-ms-8k',
    name: `LUFA Mass Storage (${kb} KB)`,
    part: 'atmega32u4',
    fuses: { low: 0x5e, high: 0xd8, ext: 0xf3 },
    alternatives: [{ fuses: { low: 0x5e, high: 0x99, ext: 0xf3 }, note: 'HWBE entry instead of BOOTRST (LUFA supports both): reset starts it only with HWB (PE2) held low' }],
    fusesVerified: false,
    fuseNote: `derived from LUFA's MassStorage makefile and entry code, not published by the boards' makers: 4 KB boot section with ${kb - 4} KB more below it, BOOTRST programmed, JTAG off, factory clock and BOD`,
    region: { start: 0x7000, size: 0x1000 },
    auxBelow: (kb - 4) * 1024,
    usb: [{ vid: 0x03eb, pid: 0x2045, note: 'LUFA Mass Storage bootloader (a USB drive holding FLASH.BIN)' }],
    description:
      kb === 6
        ? "LUFA's drag-and-drop USB-drive bootloader (QMK `lufa-ms` with BOOTLOADER_SIZE 6144), as KBDfans ships it"
        : "the 8 KB build of LUFA's USB-drive bootloader (QMK `lufa-ms` without BOOTLOADER_SIZE, since 2021)",
  };
}

export const bootloaderPresets: readonly BootloaderPreset[] = [
  {
    id: 'atmel-dfu',
    name: 'Atmel DFU',
    part: 'atmega32u4',
    fuses: { low: 0x5e, high: 0x99, ext: 0xf3 },
    alternatives: [{ fuses: { low: 0x5e, high: 0xd9, ext: 0xf3 }, note: 'JTAG disabled (JTAGEN unprogrammed) so PF4..PF7 work as I/O' }],
    fusesVerified: true,
    fuseNote: `${qmkGuide}; the factory setting: 16 MHz crystal /8, 4 KB boot section, BOOTRST unprogrammed (HWBE starts DFU when HWB is low at reset), BOD 2.6 V`,
    region: { start: 0x7000, size: 0x1000 },
    usb: [{ vid: 0x03eb, pid: 0x2ff4, note: 'ATmega32U4 DFU' }],
    description: "Atmel's factory DFU bootloader (dfu-programmer, FLIP, QMK Toolbox)",
  },
  {
    id: 'qmk-dfu',
    name: 'QMK DFU',
    part: 'atmega32u4',
    fuses: { low: 0x5e, high: 0x99, ext: 0xf3 },
    alternatives: [{ fuses: { low: 0x5e, high: 0xd9, ext: 0xf3 }, note: 'JTAG disabled (JTAGEN unprogrammed) so PF4..PF7 work as I/O' }],
    fusesVerified: true,
    fuseNote: `${qmkGuide}: same fuses as Atmel DFU`,
    region: { start: 0x7000, size: 0x1000 },
    usb: [{ vid: 0x03eb, pid: 0x2ff4, note: 'ATmega32U4 DFU (LUFA DFU built by QMK, Atmel ids)' }],
    description: "QMK's build of the LUFA DFU bootloader; a drop-in replacement for Atmel DFU",
  },
  {
    id: 'atmel-dfu-16u4',
    name: 'Atmel DFU (ATmega16U4)',
    part: 'atmega16u4',
    fuses: { low: 0x5e, high: 0x99, ext: 0xf3 },
    alternatives: [{ fuses: { low: 0x5e, high: 0xd9, ext: 0xf3 }, note: 'JTAG disabled (JTAGEN unprogrammed) so PF4..PF7 work as I/O' }],
    fusesVerified: true,
    fuseNote: 'the ATmega16U4 factory setting (same fuse layout as the 32U4): 16 MHz crystal /8, 4 KB boot section at 0x3000, BOOTRST unprogrammed, HWBE programmed, BOD 2.6 V',
    region: { start: 0x3000, size: 0x1000 },
    usb: [{ vid: 0x03eb, pid: 0x2ff3, note: 'ATmega16U4 DFU' }],
    description: "Atmel's factory DFU bootloader of the ATmega16U4",
  },
  {
    id: 'atmel-dfu-usb646',
    name: 'Atmel DFU (AT90USB646/647)',
    part: 'at90usb646',
    fuses: { low: 0x5e, high: 0x9b, ext: 0xf3 },
    alternatives: [{ fuses: { low: 0x5e, high: 0xdb, ext: 0xf3 }, note: 'JTAG disabled (JTAGEN unprogrammed) so PF4..PF7 work as I/O' }],
    fusesVerified: true,
    fuseNote: `${qmkGuide} (and avrdude.conf usb646 initval): 16 MHz crystal /8, 4 KB boot section at 0xF000, BOOTRST unprogrammed (HWBE starts DFU), BOD 2.6 V`,
    region: { start: 0xf000, size: 0x1000 },
    usb: [{ vid: 0x03eb, pid: 0x2ff9, note: 'AT90USB64 DFU' }],
    description: "Atmel's factory DFU bootloader of the AT90USB646/647",
  },
  {
    id: 'atmel-dfu-usb1286',
    name: 'Atmel DFU (AT90USB1286/1287)',
    part: 'at90usb1286',
    fuses: { low: 0x5e, high: 0x99, ext: 0xf3 },
    alternatives: [{ fuses: { low: 0x5e, high: 0xd9, ext: 0xf3 }, note: 'JTAG disabled (JTAGEN unprogrammed) so PF4..PF7 work as I/O' }],
    fusesVerified: true,
    fuseNote: `${qmkGuide} (and avrdude.conf usb1286 initval): 16 MHz crystal /8, 8 KB boot section at 0x1E000, BOOTRST unprogrammed (HWBE starts DFU), BOD 2.6 V`,
    region: { start: 0x1e000, size: 0x2000 },
    usb: [{ vid: 0x03eb, pid: 0x2ffb, note: 'AT90USB128 DFU' }],
    description: "Atmel's factory DFU bootloader of the AT90USB1286/1287",
  },
  {
    id: 'caterina-5v',
    name: 'Caterina (5 V, 16 MHz)',
    part: 'atmega32u4',
    fuses: { low: 0xff, high: 0xd8, ext: 0xfb },
    alternatives: [{ fuses: { low: 0xff, high: 0xd8, ext: 0xcb }, note: 'Arduino Leonardo boards.txt value; the upper 4 bits do not exist' }],
    fusesVerified: true,
    fuseNote: `${qmkGuide}: 16 MHz crystal, not divided; 4 KB boot section, BOOTRST programmed, JTAG off; BOD 2.6 V`,
    region: { start: 0x7000, size: 0x1000 },
    usb: [
      { vid: 0x2341, pid: 0x0036, note: 'Arduino Leonardo bootloader' },
      { vid: 0x2341, pid: 0x0037, note: 'Arduino Micro bootloader' },
      { vid: 0x1b4f, pid: 0x9205, note: 'SparkFun Pro Micro 5 V bootloader' },
    ],
    description: 'Arduino/SparkFun AVR109 (avr109/butterfly) CDC bootloader of the Pro Micro and Leonardo',
  },
  {
    id: 'caterina-3v3',
    name: 'Caterina (3.3 V, 8 MHz)',
    part: 'atmega32u4',
    fuses: { low: 0xff, high: 0xd8, ext: 0xfe },
    alternatives: [],
    fusesVerified: true,
    fuseNote: `${qmkGuide}: 8 MHz crystal, not divided; 4 KB boot section, BOOTRST programmed, JTAG off; BOD 2.0 V`,
    region: { start: 0x7000, size: 0x1000 },
    usb: [{ vid: 0x1b4f, pid: 0x9203, note: 'SparkFun Pro Micro 3.3 V bootloader' }],
    description: 'Caterina for 3.3 V / 8 MHz Pro Micro boards',
  },
  {
    id: 'nanoboot',
    name: 'nanoBoot (512 B HID)',
    part: 'atmega32u4',
    fuses: { low: 0xff, high: 0xd6, ext: 0xc7 },
    alternatives: [{ fuses: { low: 0x7f, high: 0xd6, ext: 0xc7 }, note: 'CKDIV8 programmed (nanoBoot works with either)' }],
    fusesVerified: true,
    fuseNote: "volium/nanoBoot README: 16 MHz crystal, 512 B boot section (BOOTSZ=11), BOOTRST programmed, EESAVE programmed, no BOD",
    region: { start: 0x7e00, size: 0x200 },
    usb: [{ vid: 0x03eb, pid: 0x2067, note: 'LUFA HID bootloader ids' }],
    description: 'a 512-byte LUFA-derived HID bootloader (hid_bootloader_cli, QMK Toolbox)',
  },
  lufaMassStorage(6),
  lufaMassStorage(8),
  {
    id: 'halfkay',
    name: 'HalfKay (Teensy 2.0)',
    part: 'atmega32u4',
    fuses: { low: 0x5f, high: 0xdf, ext: 0xf4 },
    alternatives: [],
    fusesVerified: false,
    fuseNote:
      'reported, not published by PJRC: 16 MHz crystal /8 (PJRC: Teensy 2.0 boots at 2 MHz), 512 B boot section, ' +
      'BOOTRST unprogrammed with HWBE programmed, JTAG off. PJRC does not distribute HalfKay: an ISP chip erase destroys it',
    region: { start: 0x7e00, size: 0x200 },
    usb: [{ vid: 0x16c0, pid: 0x0478, note: 'Teensy HalfKay bootloader (HID)' }],
    description: "PJRC's HalfKay HID bootloader of the Teensy 2.0",
  },
];

export class UnknownPresetError extends Error {
  readonly code = 'unknown-preset';
  constructor(
    readonly requested: string,
    readonly known: readonly string[],
  ) {
    super(`unknown bootloader preset "${requested}"; known presets: ${known.join(', ')}`);
    this.name = 'UnknownPresetError';
  }
}

export function getPreset(id: string): BootloaderPreset {
  const key = id.trim().toLowerCase();
  const preset = bootloaderPresets.find((p) => p.id === key);
  if (!preset) throw new UnknownPresetError(id, bootloaderPresets.map((p) => p.id));
  return preset;
}
