import { ImageError } from './image-error.js';
import { isElf, parseElf } from './elf.js';
import { parseIntelHex } from './intel-hex-parse.js';
import { MemoryImage } from './memory-image.js';

const HEX_NAME = /\.(hex|ihex|ihx|eep)$/i;
const BIN_NAME = /\.bin$/i;

/**
 * Load a firmware image whose format is told by its content, then its name:
 * ELF magic → parseElf (flash); text whose first non-blank character (after an optional BOM) is ':' or a name ending
 * .hex/.ihex/.ihx/.eep → Intel HEX; a name ending .bin → raw binary at address 0. Anything else throws ImageError
 * code 'unknown-format' listing the accepted formats.
 */
export function loadImage(bytes: Uint8Array, name: string): MemoryImage {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('loadImage: bytes must be a Uint8Array');
  if (isElf(bytes)) return parseElf(bytes, { source: name });
  if (looksLikeIntelHex(bytes) || HEX_NAME.test(name)) {
    return parseIntelHex(new TextDecoder('utf-8').decode(bytes), { source: name });
  }
  if (BIN_NAME.test(name)) return MemoryImage.fromBinary(bytes, 0);
  throw new ImageError(
    'unknown-format',
    `cannot tell the format of ${name}: expected an ELF file, Intel HEX text (lines starting with ':') or a raw binary named *.bin`,
    { source: name },
  );
}

function looksLikeIntelHex(bytes: Uint8Array): boolean {
  let i = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  while (i < bytes.length && (bytes[i] === 0x20 || bytes[i] === 0x09 || bytes[i] === 0x0d || bytes[i] === 0x0a)) i++;
  return bytes[i] === 0x3a;
}
