import { loadImage, MemoryImage } from '@ispkit/ihex';
import type { Part } from '@ispkit/parts';
import { IspkitError, toIspkitError } from './errors.js';
import { cliWords, messages, type FrontEndWords } from './messages.js';
import { formatBytes, hexAddr } from './format.js';

/**
 * Where a raw .bin bootloader goes: it has no addresses, so only a size equal to one of the part's boot sections is
 * unambiguous (it then starts at that section). Anything else is refused with the command to make a HEX file.
 */
export function placeBootloaderBinary(image: MemoryImage, name: string, part: Part): MemoryImage {
  const size = image.endAddress - image.minAddress;
  const section = part.bootSections.find((s) => s.size === size);
  if (!section) {
    const sizes = part.bootSections.map((s) => formatBytes(s.size)).join(', ');
    throw new IspkitError(`cannot tell where ${name} belongs: a raw binary of ${formatBytes(size)} matches none of ${part.name}'s boot sections (${sizes})`, {
      code: 'ambiguous-binary',
      hint: `give it as Intel HEX with its address, e.g. avr-objcopy -I binary -O ihex --change-addresses ${hexAddr(part.flash.size - 4096)} ${name} bootloader.hex`,
    });
  }
  const start = part.flash.size - section.size;
  return MemoryImage.fromSegments(image.segments.map((s) => ({ address: s.address + start, data: s.data })));
}

/** Parse a file's bytes as an image (.hex/.elf/.bin by content then name); errors keep ihex's typed message. */
export function parseInput(bytes: Uint8Array, name: string): MemoryImage {
  const image = loadImage(bytes, name);
  if (image.isEmpty()) throw messages.emptyImage(name);
  return image;
}

export function isBinaryName(name: string): boolean {
  return /\.bin$/i.test(name);
}

/** The data must fit the part's flash. */
export function checkWithinFlash(image: MemoryImage, name: string, part: Part, words: FrontEndWords = cliWords): void {
  if (image.endAddress > part.flash.size) throw messages.outsideFlash(name, image.endAddress, part, words);
}

/** A file as a front end hands it over: its name (for messages and the .bin rule) and its contents. */
export interface ImageFile {
  name: string;
  bytes: Uint8Array | string;
}

/** A file already parsed (a front end that checks files before connecting passes these). */
export interface ParsedImage {
  name: string;
  image: MemoryImage;
  /** The path as the user gave it, where results should name it (defaults to `name`). */
  path?: string;
}

function contents(bytes: Uint8Array | string): Uint8Array {
  return typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes;
}

/** Parse a firmware file (.hex, .elf, .bin at 0). */
export function parseImageFile(file: ImageFile | ParsedImage, words: FrontEndWords = cliWords): ParsedImage {
  if ('image' in file) return file;
  try {
    return { name: file.name, image: parseInput(contents(file.bytes), file.name) };
  } catch (err) {
    throw toIspkitError(err, words.checkFile); // ihex's typed errors keep their message, with what to do
  }
}

/** Parse a bootloader file; a raw .bin is placed at the boot section its size matches. */
export function parseBootloaderFile(file: ImageFile | ParsedImage, part: Part, words: FrontEndWords = cliWords): ParsedImage {
  const { name, image } = parseImageFile(file, words);
  return { name, image: 'bytes' in file && isBinaryName(name) ? placeBootloaderBinary(image, name, part) : image };
}
