export { ImageError, MergeConflictError, type ImageErrorCode, type ImageErrorDetails } from './image-error.js';
export { MemoryImage, type Segment, type StartAddress, type Page } from './memory-image.js';
export { parseIntelHex } from './intel-hex-parse.js';
export { RecordType } from './record-type.js';
export { serializeIntelHex, type SerializeOptions } from './intel-hex-serialize.js';
export { mergeImages, type MergeInput } from './merge-images.js';
export { parseElf, parseElfImages, isElf, EM_AVR, AvrElfSpace, type ElfImages } from './elf.js';
export { loadImage } from './load-image.js';
