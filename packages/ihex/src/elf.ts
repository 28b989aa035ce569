import { ImageError, hex, inSource } from './image-error.js';
import { MemoryImage, type Segment, type StartAddress } from './memory-image.js';

/**
 * A minimal ELF32 little-endian reader for linked avr-gcc programs: the header and the PT_LOAD program headers.
 * No npm ELF reader fitted (the candidates are Node-Buffer based CommonJS, untyped, and throw plain Errors), and
 * this is all we need. Section headers are not used: they hold only virtual addresses, and .data's load address in
 * flash is known only from its program header.
 *
 * AVR puts every address space into one 32-bit ELF address space (avr-libc / binutils convention):
 * flash at 0, SRAM at 0x800000, EEPROM at 0x810000, fuses at 0x820000, lock bits at 0x830000, signature at 0x840000,
 * user signatures at 0x850000. Initialised .data lives in SRAM (virtual address 0x8001xx) but is *loaded* from flash
 * right after .text, so everything is placed by its physical (load) address, as avr-objcopy does.
 */

export const EM_AVR = 83;

export const AvrElfSpace = {
  flash: 0x000000,
  sram: 0x800000,
  eeprom: 0x810000,
  fuse: 0x820000,
  lock: 0x830000,
  signature: 0x840000,
  userSignatures: 0x850000,
} as const;

export interface ElfImages {
  /** Program memory: .text, .data's load image, bootloader sections... */
  flash: MemoryImage;
  /** .eeprom contents, addresses relative to the EEPROM (0 = first EEPROM byte). */
  eeprom: MemoryImage;
  /** .fuse contents (avr-libc FUSES): address 0 = low fuse, 1 = high, 2 = extended. */
  fuse: MemoryImage;
  /** .lock contents (avr-libc LOCKBITS), address 0. */
  lock: MemoryImage;
  /** ELF machine (83 = AVR). Non-AVR files put every loadable byte into `flash` at its physical address. */
  machine: number;
  /** ELF entry point. */
  entry: number;
}

const PT_LOAD = 1;
const ET_REL = 1;
const ET_EXEC = 2;

/** Flash image of an avr-gcc .elf: loadable bytes by physical address; EEPROM, fuses, lock bits and signatures excluded. */
export function parseElf(bytes: Uint8Array, opts: { source?: string } = {}): MemoryImage {
  return parseElfImages(bytes, opts).flash;
}

/** All AVR memories an .elf carries, each as its own image. */
export function parseElfImages(bytes: Uint8Array, opts: { source?: string } = {}): ElfImages {
  const source = opts.source;
  const fail = (what: string): never => {
    throw new ImageError('elf', `not a usable ELF file${inSource(source)}: ${what}`, { source });
  };
  if (!(bytes instanceof Uint8Array)) throw new TypeError('parseElf: bytes must be a Uint8Array');
  if (!isElf(bytes)) fail('missing the ELF magic number (7F 45 4C 46)');
  if (bytes.length < 52) fail(`file is ${bytes.length} bytes, shorter than an ELF32 header (52)`);
  if (bytes[4] !== 1) fail(`ELF class ${bytes[4]} is not ELF32 (1); avr-gcc writes 32-bit ELF`);
  if (bytes[5] !== 1) fail(`data encoding ${bytes[5]} is not little-endian (1)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u16 = (off: number): number => view.getUint16(off, true);
  const u32 = (off: number): number => view.getUint32(off, true);
  const machine = u16(18);
  const entry = u32(24);
  const phoff = u32(28);
  const phentsize = u16(42);
  const phnum = u16(44);

  const loaded: Segment[] = [];
  const take = (what: string, offset: number, size: number): Uint8Array => {
    if (offset + size > bytes.length) {
      fail(`${what} at file offset ${hex(offset)} (${size} bytes) extends past the end of the file (${bytes.length} bytes)`);
    }
    return bytes.subarray(offset, offset + size);
  };
  const type = u16(16);
  if (type === ET_REL) fail('it is a relocatable object (.o), not a linked program; link it with avr-gcc first');
  if (type !== ET_EXEC) fail(`ELF type ${type} is not an executable (2)`);
  if (phnum === 0) fail('it has no program headers, so load addresses are unknown');
  if (phentsize < 32) fail(`program header entry size ${phentsize} is smaller than 32`);
  take('program header table', phoff, phnum * phentsize);
  for (let i = 0; i < phnum; i++) {
    const ph = phoff + i * phentsize;
    if (u32(ph) !== PT_LOAD) continue;
    const offset = u32(ph + 4);
    const paddr = u32(ph + 12);
    const filesz = u32(ph + 16);
    if (filesz === 0) continue;
    loaded.push({ address: paddr, data: take(`program header ${i}`, offset, filesz) });
  }
  for (const s of loaded) {
    if (s.address + s.data.length > 0x1_0000_0000) {
      fail(`loadable data at ${hex(s.address)} (${s.data.length} bytes) runs past the 32-bit address space`);
    }
  }

  const spaces: Record<'flash' | 'eeprom' | 'fuse' | 'lock', Segment[]> = { flash: [], eeprom: [], fuse: [], lock: [] };
  if (machine === EM_AVR) {
    for (const s of loaded) {
      if (s.address < AvrElfSpace.sram) spaces.flash.push(s);
      else if (s.address >= AvrElfSpace.eeprom && s.address < AvrElfSpace.fuse) {
        spaces.eeprom.push({ address: s.address - AvrElfSpace.eeprom, data: s.data });
      } else if (s.address >= AvrElfSpace.fuse && s.address < AvrElfSpace.lock) {
        spaces.fuse.push({ address: s.address - AvrElfSpace.fuse, data: s.data });
      } else if (s.address >= AvrElfSpace.lock && s.address < AvrElfSpace.signature) {
        spaces.lock.push({ address: s.address - AvrElfSpace.lock, data: s.data });
      }
      // SRAM-only (load address in SRAM, e.g. .noinit with contents) and signature spaces are not programmable here.
    }
  } else {
    spaces.flash.push(...loaded);
  }

  const build = (segs: Segment[], startAddress?: StartAddress): MemoryImage =>
    MemoryImage.fromSegments(segs, { source, startAddress });
  return {
    flash: build(spaces.flash, entryToStart(entry)),
    eeprom: build(spaces.eeprom),
    fuse: build(spaces.fuse),
    lock: build(spaces.lock),
    machine,
    entry,
  };
}

/** True when `bytes` starts with the ELF magic number. */
export function isElf(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x7f && bytes[1] === 0x45 && bytes[2] === 0x4c && bytes[3] === 0x46;
}

/**
 * The start address avr-objcopy writes into Intel HEX for this entry point (none for 0, an 03 record up to 0xFFFFF,
 * else 05), so an ELF and its objcopy'd hex parse to equal images.
 */
function entryToStart(entry: number): StartAddress | undefined {
  if (entry === 0) return undefined;
  if (entry <= 0xfffff) return { cs: (entry & 0xf0000) >>> 4, ip: entry & 0xffff };
  return { linear: entry };
}
