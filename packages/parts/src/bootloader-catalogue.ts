/**
 * The bootloader images people flash onto ATmega32U4/16U4 keyboard controllers (and the AT90USB parts), as data.
 *
 * Each prebuilt image carries the flash digest (see flash-digest.ts) of its boot-section bytes, computed here from
 * the file in the named repository at the named commit. The hex files themselves are not part of ispkit: users
 * get them from those repositories. Bootloaders that are built from source per keyboard (QMK DFU, nanoBoot, LUFA's
 * mass-storage bootloader) have no fixed bytes, so no digest; they are listed for their section size, fuses and USB
 * ids, and `replaceWith` names the prebuilt image people flash in their place.
 */
import type { UsbId } from './bootloader-presets.js';
import type { FlashDigest } from './flash-digest.js';

export interface CatalogueSource {
  /** GitHub owner/name. */
  repo: string;
  /** File path inside the repository. */
  path: string;
  /** Commit the digest was computed from. */
  commit?: string;
}

export interface CatalogueEntry {
  /** Catalogue name, as `flash --bootloader <name>` takes it. */
  id: string;
  /** What people call it, with version. */
  name: string;
  /** Part id the image is built for. */
  part: string;
  /** Boot section it needs (bytes; it ends at the top of flash). */
  bootSize: number;
  /** Fuse preset (bootloader-presets.ts) that starts it. */
  preset: string;
  /** USB ids it enumerates with. */
  usb: readonly UsbId[];
  /** Boards that ship with it. */
  boards: readonly string[];
  /** Where the image comes from. */
  source: CatalogueSource;
  /** File name people have it under (looked up in --bootloader-dir). */
  fileName?: string;
  /** Digest of the bytes from the boot section start to the top of flash; absent when built from source. */
  digest?: FlashDigest;
  /** Digest of the whole file, when it holds more than the bootloader (Arduino's files carry a sketch). */
  fileDigest?: FlashDigest;
  /** Anything a user should know. */
  note?: string;
  /** Catalogue entry people flash in its place when this one has no file of its own (built per board, or unknown bytes). */
  replaceWith?: string;
  /** Ships preloaded on the boards; its maker publishes no image (so no file and no digest, though nothing is built). */
  preloaded?: boolean;
}

const qmk = (path: string, commit: string): CatalogueSource => ({ repo: 'qmk/qmk_firmware', path, commit });
const arduino = (path: string): CatalogueSource => ({
  repo: 'arduino/ArduinoCore-avr',
  path,
  commit: '11b9130371e8447920edb65a75706a6c951e51fc',
});
const sparkfun = (path: string): CatalogueSource => ({
  repo: 'sparkfun/Arduino_Boards',
  path,
  commit: 'b2ccf64208ea990ce764fd60b109931296ad1350',
});
/** LUFA's mass-storage bootloader (QMK `lufa-ms`), built per board; see the lufa-ms presets for its layout. */
function lufaMsEntry(kb: 6 | 8, boards: readonly string[]): CatalogueEntry {
  const floor = 0x8000 - kb * 1024;
  return {
    id: kb === 6 ? 'lufa-ms' : 'lufa-ms-8k',
    name: kb === 6 ? 'LUFA Mass Storage (6 KB build, QMK lufa-ms with BOOTLOADER_SIZE 6144)' : 'LUFA Mass Storage (8 KB build, QMK lufa-ms default since 2021)',
    part: 'atmega32u4',
    bootSize: 4096,
    preset: kb === 6 ? 'lufa-ms' : 'lufa-ms-8k',
    usb: [{ vid: 0x03eb, pid: 0x2045, note: 'LUFA Mass Storage bootloader' }],
    boards,
    source: {
      repo: 'abcminiuser/lufa',
      path: 'Bootloaders/MassStorage (make with MCU = atmega32u4, F_CPU of the board, BOOT_SECTION_SIZE_KB = 4)',
    },
    note:
      `4 KB boot section plus ${kb - 4} KB below it at 0x${floor.toString(16).toUpperCase()} (LUFA's AUX section): applications end below it. ` +
      'QMK keeps it only for boards that ship with it and warns it is prone to bricking. Its USB drive takes FLASH.BIN. To leave it for ' +
      "good: flash atmel-dfu-32u4 with --fuses atmel-dfu and build the keyboard's firmware with BOOTLOADER = atmel-dfu",
    replaceWith: 'atmel-dfu-32u4',
  };
}

const adafruit = (path: string): CatalogueSource => ({
  repo: 'adafruit/Adafruit_Arduino_Boards',
  path,
  commit: '3751f438bb2cff9b5970d1056c4a2e91876a93f0',
});

export const bootloaderCatalogue: readonly CatalogueEntry[] = [
  {
    id: 'atmel-dfu-32u4',
    name: "QMK's Atmel DFU 1.0.0 for ATmega32U4",
    part: 'atmega32u4',
    bootSize: 4096,
    preset: 'atmel-dfu',
    usb: [{ vid: 0x03eb, pid: 0x2ff4, note: 'ATmega32U4 DFU' }],
    boards: ['factory-fresh ATmega32U4', 'Elite-C', 'older OLKB boards'],
    source: qmk('util/bootloader_atmega32u4_1_0_0.hex', '95c19ad573f939ed758623602a2470a5ce7b597e'),
    fileName: 'bootloader_atmega32u4_1_0_0.hex',
    digest: { start: 0x7000, end: 0x8000, sha256: '4cee927438a4f84b70e804de94fce9128d32e4fb3441b8fb572754c3d7975794' },
    note:
      "Atmel's factory DFU image as QMK keeps it; QMK's ISP guide pairs it with fuses 5E/99/F3 (D9 with JTAG off). " +
      "Elite-C: QMK's data/mappings/defaults.hjson gives development_board elite_c the atmel-dfu bootloader (whether " +
      'the bytes it ships with are this file is not established)',
  },
  {
    id: 'atmel-dfu-16u4',
    name: "QMK's Atmel DFU 1.0.1 for ATmega16U4",
    part: 'atmega16u4',
    bootSize: 4096,
    preset: 'atmel-dfu-16u4',
    usb: [{ vid: 0x03eb, pid: 0x2ff3, note: 'ATmega16U4 DFU' }],
    boards: ['factory-fresh ATmega16U4'],
    source: qmk('util/bootloader_atmega16u4_1.0.1.hex', 'd50657114af30246080cd831cf6fd599d24dd70c'),
    fileName: 'bootloader_atmega16u4_1.0.1.hex',
    digest: { start: 0x3000, end: 0x4000, sha256: 'af3c95cfefd622f3a792b26e1cedb38e0928dfcbc522064d42ca5d59c011896a' },
  },
  {
    id: 'atmel-dfu-usb646',
    name: "QMK's Atmel DFU 1.0.0 for AT90USB64",
    part: 'at90usb646',
    bootSize: 4096,
    preset: 'atmel-dfu-usb646',
    usb: [{ vid: 0x03eb, pid: 0x2ff9, note: 'AT90USB64 DFU (the device descriptor in the image)' }],
    boards: ['factory-fresh AT90USB646/647'],
    source: qmk('util/bootloader_at90usb64_1.0.0.hex', 'db983810e8526ca36e89698c254f43d5bc54ee08'),
    fileName: 'bootloader_at90usb64_1.0.0.hex',
    digest: { start: 0xf000, end: 0x10000, sha256: '325248614771c9fa4e45b8072e2c30871c988739d89e597b717a71bbaef5772d' },
    note:
      "QMK's copy of Atmel's image with its device descriptor fixed (bcdUSB 2.00) so Windows 8 and later enumerate it " +
      "(QMK's ISP guide, qmk_firmware PR 14064); the unmodified Atmel image has other bytes and is not catalogued. " +
      'ISP guide fuses 5E/9B/F3 (DB with JTAG off)',
  },
  {
    id: 'atmel-dfu-usb1286',
    name: "QMK's Atmel DFU 1.0.1 for AT90USB128",
    part: 'at90usb1286',
    bootSize: 8192,
    preset: 'atmel-dfu-usb1286',
    usb: [{ vid: 0x03eb, pid: 0x2ffb, note: 'AT90USB128 DFU (the device descriptor in the image)' }],
    boards: ['factory-fresh AT90USB1286/1287'],
    source: qmk('util/bootloader_at90usb128_1.0.1.hex', '1cb51c2ceabbf87490c615772ee4516929f2a2e6'),
    fileName: 'bootloader_at90usb128_1.0.1.hex',
    digest: { start: 0x1e000, end: 0x20000, sha256: 'fef21abf13376cf62f823d199ea697b54574ea6bf769c1428aabd6d062674371' },
    note:
      "QMK's copy of Atmel's image with its device descriptor fixed (bcdUSB 2.00) so Windows 8 and later enumerate it " +
      "(QMK's ISP guide, qmk_firmware PR 14064); the unmodified image (older QMK util/bootloader_at90usb128x_1_0_1.hex) " +
      'has other bytes and is not catalogued. ISP guide fuses 5E/99/F3 (D9 with JTAG off)',
  },
  {
    id: 'caterina-leonardo',
    name: 'Arduino Leonardo Caterina',
    part: 'atmega32u4',
    bootSize: 4096,
    preset: 'caterina-5v',
    usb: [{ vid: 0x2341, pid: 0x0036, note: 'Arduino Leonardo bootloader' }],
    boards: ['Arduino Leonardo'],
    source: arduino('bootloaders/caterina/Caterina-Leonardo.hex'),
    fileName: 'Caterina-Leonardo.hex',
    digest: { start: 0x7000, end: 0x7fda, sha256: '98a8a95e897f8b87e8c73f7c8557691e31969e3da903f0c47bcf3320bc5c26a9' },
    fileDigest: { start: 0x0, end: 0x7fda, sha256: '617fb4dbdd3de55b9f92fd96b4b685a357eb9aa0e62adf8c727b8333c0690a22' },
    note: "Arduino's file also holds a sketch below 0x7000 (boards.txt fuses FF/D8/CB; CB reads as FB, the upper bits do not exist)",
  },
  {
    id: 'caterina-micro',
    name: 'Arduino Micro Caterina',
    part: 'atmega32u4',
    bootSize: 4096,
    preset: 'caterina-5v',
    usb: [{ vid: 0x2341, pid: 0x0037, note: 'Arduino Micro bootloader' }],
    boards: ['Arduino Micro'],
    source: arduino('bootloaders/caterina/Caterina-Micro.hex'),
    fileName: 'Caterina-Micro.hex',
    digest: { start: 0x7000, end: 0x7fda, sha256: 'ba53a0cba5927cd738b3603af02c6033ee4df320714e1a1b97f13635dadd8589' },
    fileDigest: { start: 0x0, end: 0x7fda, sha256: 'c2fa2aa9971443456d5f65f622b02096b143d16ac178494559601caafe199554' },
    note: "Arduino's file also holds a sketch below 0x7000",
  },
  {
    id: 'caterina-promicro16',
    name: 'SparkFun Pro Micro 5 V / 16 MHz Caterina',
    part: 'atmega32u4',
    bootSize: 4096,
    preset: 'caterina-5v',
    usb: [{ vid: 0x1b4f, pid: 0x9205, note: 'SparkFun Pro Micro 5 V bootloader' }],
    boards: ['SparkFun Pro Micro 5 V', 'most Pro Micro clones on keyboards'],
    source: sparkfun('sparkfun/avr/bootloaders/caterina/Caterina-promicro16.hex'),
    fileName: 'Caterina-promicro16.hex',
    digest: { start: 0x7000, end: 0x7ffa, sha256: 'f1c0eb77cd7532abc2c532fcd1bbf8646326ac80c239080b7bf5b77d6691101f' },
    note: 'SparkFun boards.txt: FF/D8/CB; needs a double reset to stay in the bootloader',
  },
  {
    id: 'caterina-promicro8',
    name: 'SparkFun Pro Micro 3.3 V / 8 MHz Caterina',
    part: 'atmega32u4',
    bootSize: 4096,
    preset: 'caterina-3v3',
    usb: [{ vid: 0x1b4f, pid: 0x9203, note: 'SparkFun Pro Micro 3.3 V bootloader' }],
    boards: ['SparkFun Pro Micro 3.3 V'],
    source: sparkfun('sparkfun/avr/bootloaders/caterina/Caterina-promicro8.hex'),
    fileName: 'Caterina-promicro8.hex',
    digest: { start: 0x7000, end: 0x7ff6, sha256: 'c2b6f8c5f0e08e01f8fe549743529473aa04f0446a436e5123d73cc1bf70caf3' },
    note: 'SparkFun boards.txt: FF/D8/FE',
  },
  {
    id: 'caterina-adafruit-32u4',
    name: 'Adafruit 32u4 Caterina (ItsyBitsy 32u4, 32u4 Breakout)',
    part: 'atmega32u4',
    bootSize: 4096,
    preset: 'caterina-5v',
    usb: [{ vid: 0x239a, pid: 0x0001, note: 'Adafruit 32u4 bootloader' }],
    boards: ['Adafruit ItsyBitsy 32u4 5 V and 3 V', 'Adafruit 32u4 Breakout'],
    source: adafruit('bootloaders/caterina/Caterina-Atmega32u4.hex'),
    fileName: 'Caterina-Atmega32u4.hex',
    digest: { start: 0x7000, end: 0x7eba, sha256: 'ef14d587998d05efdb9682d25f80c2073c6d111591eb9dd0f0ecdbebac52b67a' },
    note: 'Adafruit boards.txt: FF/D8/CB for every board using it',
  },
  {
    id: 'caterina-feather32u4',
    name: 'Adafruit Feather 32u4 Caterina',
    part: 'atmega32u4',
    bootSize: 4096,
    preset: 'caterina-5v',
    usb: [{ vid: 0x239a, pid: 0x000c, note: 'Adafruit Feather 32u4 bootloader' }],
    boards: ['Adafruit Feather 32u4'],
    source: adafruit('bootloaders/caterina/Caterina-Feather32u4.hex'),
    fileName: 'Caterina-Feather32u4.hex',
    digest: { start: 0x7000, end: 0x7fc8, sha256: 'c35f163947715f61b51ac5165fe35d9db2c437823d7b6316ef2a7764a7bcee93' },
    note: 'Adafruit boards.txt: FF/D8/CB (an 8 MHz crystal; the fuses are the 5 V Caterina ones)',
  },
  {
    id: 'caterina-flora',
    name: 'Adafruit Flora Caterina',
    part: 'atmega32u4',
    bootSize: 4096,
    preset: 'caterina-5v',
    usb: [{ vid: 0x239a, pid: 0x0004, note: 'Adafruit Flora bootloader' }],
    boards: ['Adafruit Flora'],
    source: adafruit('bootloaders/caterina/Caterina-Flora8.hex'),
    fileName: 'Caterina-Flora8.hex',
    digest: { start: 0x7000, end: 0x7fd6, sha256: 'fd579d9969ae0e512cc93630bd50f144b8832cf2f073ea81f12c80c32fadd45e' },
    note: 'Adafruit boards.txt: FF/D8/CB',
  },
  {
    id: 'qmk-dfu',
    name: 'QMK DFU (LUFA DFU built by QMK)',
    part: 'atmega32u4',
    bootSize: 4096,
    preset: 'qmk-dfu',
    usb: [{ vid: 0x03eb, pid: 0x2ff4, note: 'Atmel DFU ids' }],
    boards: ['newer OLKB boards and others built with BOOTLOADER = qmk-dfu'],
    source: { repo: 'qmk/qmk_firmware', path: 'tmk_core/bootloader.mk (make <keyboard>:<keymap>:bootloader)' },
    note: 'built per keyboard (its LED and escape key are compiled in), so there is no single image to hash',
  },
  {
    id: 'nanoboot',
    name: 'nanoBoot (HID, 512 B)',
    part: 'atmega32u4',
    bootSize: 512,
    preset: 'nanoboot',
    usb: [{ vid: 0x03eb, pid: 0x2067, note: 'LUFA HID bootloader ids (hid_bootloader_cli / QMK Toolbox)' }],
    boards: ['hand-wired and small-run keyboards'],
    source: { repo: 'volium/nanoBoot', path: 'nanoBoot.S (README: fuses, 512 B at 0x7E00)' },
    note: 'built from source; the README gives fuses FF (or 7F) / D6 / C7',
  },
  lufaMsEntry(6, ['KBDfans boards (KBD67 MkII RGB, KBD75 RGB, DZ65RGB)', 'TADA68']),
  lufaMsEntry(8, ['boards built with BOOTLOADER = lufa-ms and no BOOTLOADER_SIZE']),
  {
    id: 'elite-c',
    name: "Elite-C's DFU bootloader",
    part: 'atmega32u4',
    bootSize: 4096,
    preset: 'atmel-dfu',
    usb: [{ vid: 0x03eb, pid: 0x2ff4, note: 'ATmega32U4 DFU' }],
    boards: ['Elite-C (Keebio)'],
    source: { repo: 'qmk/qmk_firmware', path: 'data/mappings/defaults.hjson (development_board elite_c: bootloader atmel-dfu)' },
    note: "QMK builds Elite-C keyboards for Atmel DFU; that the shipped bytes equal QMK's file is not established, so put a DFU bootloader back with atmel-dfu-32u4",
    replaceWith: 'atmel-dfu-32u4',
    preloaded: true,
  },
];

export class UnknownCatalogueEntryError extends Error {
  readonly code = 'unknown-bootloader';
  constructor(
    readonly requested: string,
    readonly known: readonly string[],
  ) {
    super(`unknown bootloader "${requested}"; known: ${known.join(', ')} (\`ispkit bootloaders\` lists them)`);
    this.name = 'UnknownCatalogueEntryError';
  }
}

export function getCatalogueEntry(id: string, catalogue: readonly CatalogueEntry[] = bootloaderCatalogue): CatalogueEntry {
  const key = id.trim().toLowerCase();
  const entry = catalogue.find((e) => e.id === key);
  if (!entry) throw new UnknownCatalogueEntryError(id, catalogue.map((e) => e.id));
  return entry;
}
