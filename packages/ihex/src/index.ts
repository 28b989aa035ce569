export { ImageError, MergeConflictError, type ImageErrorCode, type ImageErrorDetails } from './image-error.js';
export { MemoryImage, type Segment, type StartAddress, type Page } from './memory-image.js';
export { parseIntelHex } from './intel-hex-parse.js';
export { RecordType } from './record-type.js';
export { serializeIntelHex, type SerializeOptions } from './intel-hex-serialize.js';
export { mergeImages, type MergeInput } from './merge-images.js';
export { parseElf, parseElfImages, parseElfNotes, isElf, EM_AVR, AvrElfSpace, type ElfImages, type ElfNote } from './elf.js';
export { writeElf, writeAvrElf, type ElfSectionInput, type ElfNoteInput, type WriteElfOptions, type AvrElfMemories } from './elf-write.js';
export { crc32 } from './crc32.js';
export {
  encodeBackup,
  decodeBackup,
  BackupError,
  BACKUP_NOTE_SECTION,
  BACKUP_FORMAT_VERSION,
  type ChipBackup,
  type BackupErrorCode,
} from './chip-backup.js';
export { loadImage } from './load-image.js';
