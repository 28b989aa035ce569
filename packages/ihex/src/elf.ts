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
  /** .signature contents (avr-libc order: address 0 = signature byte 2, 2 = byte 0). */
  signature: MemoryImage;
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

  const spaces: Record<'flash' | 'eeprom' | 'fuse' | 'lock' | 'signature', Segment[]> = { flash: [], eeprom: [], fuse: [], lock: [], signature: [] };
  if (machine === EM_AVR) {
    for (const s of loaded) {
      if (s.address < AvrElfSpace.sram) spaces.flash.push(s);
      else if (s.address >= AvrElfSpace.eeprom && s.address < AvrElfSpace.fuse) {
        spaces.eeprom.push({ address: s.address - AvrElfSpace.eeprom, data: s.data });
      } else if (s.address >= AvrElfSpace.fuse && s.address < AvrElfSpace.lock) {
        spaces.fuse.push({ address: s.address - AvrElfSpace.fuse, data: s.data });
      } else if (s.address >= AvrElfSpace.lock && s.address < AvrElfSpace.signature) {
        spaces.lock.push({ address: s.address - AvrElfSpace.lock, data: s.data });
      } else if (s.address >= AvrElfSpace.signature && s.address < AvrElfSpace.userSignatures) {
        spaces.signature.push({ address: s.address - AvrElfSpace.signature, data: s.data });
      }
      // SRAM-only (load address in SRAM, e.g. .noinit with contents) and user signatures are not programmable here.
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
    signature: build(spaces.signature),
    machine,
    entry,
  };
}

export interface ElfNote {
  /** Name of the section holding the note. */
  section: string;
  /** Owner name (without its NUL). */
  owner: string;
  type: number;
  desc: Uint8Array;
}

/**
 * The notes in an ELF's SHT_NOTE sections (read through the section headers). Throws ImageError 'elf' when the
 * section headers or a note run past the end of the file.
 */
export function parseElfNotes(bytes: Uint8Array, opts: { source?: string } = {}): ElfNote[] {
  const fail = (what: string): never => {
    throw new ImageError('elf', `not a usable ELF file${inSource(opts.source)}: ${what}`, { source: opts.source });
  };
  if (!isElf(bytes) || bytes.length < 52 || bytes[4] !== 1 || bytes[5] !== 1) fail('not a little-endian ELF32 file');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u16 = (off: number): number => view.getUint16(off, true);
  const u32 = (off: number): number => view.getUint32(off, true);
  const shoff = u32(32);
  const shentsize = u16(46);
  const shnum = u16(48);
  const shstrndx = u16(50);
  if (shnum === 0) return [];
  if (shentsize < 40 || shoff + shnum * shentsize > bytes.length) fail(`section header table at ${hex(shoff)} extends past the end of the file`);
  const sh = (i: number) => {
    const at = shoff + i * shentsize;
    return { name: u32(at), type: u32(at + 4), offset: u32(at + 16), size: u32(at + 20) };
  };
  const strtab = shstrndx < shnum ? sh(shstrndx) : undefined;
  const decoder = new TextDecoder();
  const cstring = (start: number, end: number): string => {
    let e = start;
    while (e < end && bytes[e] !== 0) e++;
    return decoder.decode(bytes.subarray(start, e));
  };
  const sectionName = (nameOff: number): string =>
    strtab && strtab.offset + nameOff < bytes.length ? cstring(strtab.offset + nameOff, Math.min(bytes.length, strtab.offset + strtab.size)) : '';
  const align4 = (n: number): number => (n + 3) & ~3;
  const notes: ElfNote[] = [];
  for (let i = 1; i < shnum; i++) {
    const s = sh(i);
    if (s.type !== 7) continue; // SHT_NOTE
    if (s.offset + s.size > bytes.length) fail(`note section ${i} at ${hex(s.offset)} (${s.size} bytes) extends past the end of the file`);
    const section = sectionName(s.name);
    let p = s.offset;
    const end = s.offset + s.size;
    while (p + 12 <= end) {
      const namesz = u32(p);
      const descsz = u32(p + 4);
      const type = u32(p + 8);
      const nameAt = p + 12;
      const descAt = nameAt + align4(namesz);
      if (descAt + descsz > end) fail(`a note in ${section || `section ${i}`} runs past the end of its section`);
      notes.push({ section, owner: cstring(nameAt, nameAt + namesz), type, desc: bytes.slice(descAt, descAt + descsz) });
      p = descAt + align4(descsz);
    }
  }
  return notes;
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
