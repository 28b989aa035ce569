export { ispOps, fuseNames } from './part.js';
export type {
  IspOp,
  IspInstructions,
  FuseName,
  FuseField,
  FuseByte,
  ClockKind,
  ClockSource,
  BootSection,
  Part,
} from './part.js';
export { parts, getPart, findPartBySignature, formatSignature, UnknownPartError } from './part-registry.js';
export { atmega32u4, atmega16u4, at90usb646, at90usb1286 } from './parts/usb-megas.js';
export { atmega328p, atmega2560 } from './parts/other-megas.js';
export { compileIspPattern, encodeIspPattern, decodeIspPatternReply } from './isp-pattern.js';
export type { CompiledIspPattern, IspPatternArgs, IspPatternBitKind } from './isp-pattern.js';
export { encodeIsp, decodeIspReply, ispOpShape } from './encode-isp.js';
export { fieldValue, findFuseField, setFuseField, factoryFieldValue } from './fuse-fields.js';
export type { FuseOrLock } from './fuse-fields.js';
export { decodeFuses, decodeLock } from './decode-fuses.js';
export type { FuseValues, DecodedFuses, DecodedFuseField, ClockInfo } from './decode-fuses.js';
export { fuseDangers, fuseWarnings } from './fuse-dangers.js';
export type { FuseIssue, PartialFuses } from './fuse-dangers.js';
export { compareFuse, fuseMask } from './compare-fuse.js';
export type { FuseCompare } from './compare-fuse.js';
export { bootloaderPresets, getPreset, UnknownPresetError } from './bootloader-presets.js';
export type { BootloaderPreset, UsbId } from './bootloader-presets.js';
export { identifyBootloader } from './identify-bootloader.js';
export type { BootloaderIdentity, ImageLike } from './identify-bootloader.js';
export { flashDigest } from './flash-digest.js';
export type { FlashDigest } from './flash-digest.js';
export { bootloaderCatalogue, getCatalogueEntry, UnknownCatalogueEntryError } from './bootloader-catalogue.js';
export type { CatalogueEntry, CatalogueSource } from './bootloader-catalogue.js';
export { recogniseBootloader } from './recognise-bootloader.js';
export type { BootloaderRecognition, KnownBootloader, WrongPartBootloader } from './recognise-bootloader.js';
