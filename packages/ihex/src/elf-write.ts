import { AvrElfSpace, EM_AVR } from './elf.js';
import type { MemoryImage } from './memory-image.js';

/**
 * A minimal ELF32 little-endian *writer* for AVR memory images, laid out the way avr-gcc links a program, so stock
 * tools read it: each loadable section (`.text` for flash, `.eeprom`, `.fuse`, `.lock`, `.signature`) has a PT_LOAD
 * program header whose physical address is the section's address in the AVR address space (flash at 0, EEPROM at
 * 0x810000, ...), and a matching SHT_PROGBITS + SHF_ALLOC section header covering the same bytes — avrdude's `:e`
 * reader looks a program header's data up through the section inside it, and takes flash only from sections
 * named `.text`/`.data`. Notes (SHT_NOTE, not loaded) carry anything else, e.g. a backup's metadata.
 *
 * File layout: ELF header · program headers · section data in the order given · notes · section-name strings ·
 * section headers.
 */

export interface ElfSectionInput {
  /** Section name, e.g. ".text". */
  name: string;
  /** Address in the AVR ELF address space (see AvrElfSpace); used as both virtual and physical address. */
  address: number;
  data: Uint8Array;
  /** Executable code (flash): program header flags R+X instead of R+W. */
  code?: boolean;
}

export interface ElfNoteInput {
  /** Section name, e.g. ".note.ispkit". */
  section: string;
  /** Note owner name (without the terminating NUL), e.g. "ispkit". */
  owner: string;
  /** Note type number (owner-defined). */
  type: number;
  desc: Uint8Array;
}

export interface WriteElfOptions {
  sections: readonly ElfSectionInput[];
  notes?: readonly ElfNoteInput[];
  /** e_entry (default 0). */
  entry?: number;
  /** e_flags (default 0); avr-gcc writes the AVR architecture number here (5 = avr5, e.g. ATmega32U4). */
  flags?: number;
}

const EHDR = 52;
const PHDR = 32;
const SHDR = 40;
const SHT_PROGBITS = 1;
const SHT_STRTAB = 3;
const SHT_NOTE = 7;
const SHF_WRITE = 1;
const SHF_ALLOC = 2;
const SHF_EXECINSTR = 4;
const PF_X = 1;
const PF_W = 2;
const PF_R = 4;

const align4 = (n: number): number => (n + 3) & ~3;

/** Serialise sections and notes into an ELF32 EM_AVR executable. */
export function writeElf(opts: WriteElfOptions): Uint8Array {
  const sections = opts.sections.filter((s) => s.data.length > 0);
  const notes = opts.notes ?? [];
  for (const s of sections) {
    if (!Number.isInteger(s.address) || s.address < 0 || s.address + s.data.length > 0x1_0000_0000) {
      throw new RangeError(`writeElf: section ${s.name} at ${String(s.address)} (${s.data.length} bytes) is outside the 32-bit address space`);
    }
  }
  const encoder = new TextEncoder();

  // Section-name string table: "\0" then each distinct name.
  const names = ['', ...new Set([...sections.map((s) => s.name), ...notes.map((n) => n.section), '.shstrtab'])];
  const nameOffset = new Map<string, number>();
  const strParts: Uint8Array[] = [];
  let strLen = 0;
  for (const n of names) {
    nameOffset.set(n, strLen);
    const b = encoder.encode(`${n}\0`);
    strParts.push(b);
    strLen += b.length;
  }

  const noteBlobs = notes.map((n) => encodeNote(encoder.encode(n.owner), n.type, n.desc));

  let offset = EHDR + PHDR * sections.length;
  const sectionOffsets = sections.map((s) => {
    const at = offset;
    offset += s.data.length;
    return at;
  });
  offset = align4(offset);
  const noteOffsets = noteBlobs.map((b) => {
    const at = offset;
    offset += b.length;
    return at;
  });
  const strOffset = offset;
  offset = align4(offset + strLen);
  const shoff = offset;
  const shnum = 1 + sections.length + notes.length + 1;
  const total = shoff + SHDR * shnum;

  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  const u16 = (at: number, v: number): void => view.setUint16(at, v, true);
  const u32 = (at: number, v: number): void => view.setUint32(at, v >>> 0, true);

  out.set([0x7f, 0x45, 0x4c, 0x46, 1 /* ELFCLASS32 */, 1 /* little-endian */, 1 /* EV_CURRENT */], 0);
  u16(16, 2); // ET_EXEC
  u16(18, EM_AVR);
  u32(20, 1);
  u32(24, opts.entry ?? 0);
  u32(28, sections.length ? EHDR : 0);
  u32(32, shoff);
  u32(36, opts.flags ?? 0);
  u16(40, EHDR);
  u16(42, PHDR);
  u16(44, sections.length);
  u16(46, SHDR);
  u16(48, shnum);
  u16(50, shnum - 1); // .shstrtab is last

  sections.forEach((s, i) => {
    const ph = EHDR + i * PHDR;
    u32(ph, 1); // PT_LOAD
    u32(ph + 4, sectionOffsets[i]!);
    u32(ph + 8, s.address);
    u32(ph + 12, s.address);
    u32(ph + 16, s.data.length);
    u32(ph + 20, s.data.length);
    u32(ph + 24, s.code === true ? PF_R | PF_X : PF_R | PF_W);
    u32(ph + 28, 1);
    out.set(s.data, sectionOffsets[i]!);
  });
  noteBlobs.forEach((b, i) => out.set(b, noteOffsets[i]!));
  let p = strOffset;
  for (const b of strParts) {
    out.set(b, p);
    p += b.length;
  }

  const shdr = (index: number, name: string, type: number, flags: number, addr: number, off: number, size: number, align: number): void => {
    const at = shoff + index * SHDR;
    u32(at, nameOffset.get(name)!);
    u32(at + 4, type);
    u32(at + 8, flags);
    u32(at + 12, addr);
    u32(at + 16, off);
    u32(at + 20, size);
    u32(at + 32, align);
  };
  sections.forEach((s, i) => {
    const flags = SHF_ALLOC | (s.code === true ? SHF_EXECINSTR : SHF_WRITE);
    shdr(1 + i, s.name, SHT_PROGBITS, flags, s.address, sectionOffsets[i]!, s.data.length, 1);
  });
  notes.forEach((n, i) => shdr(1 + sections.length + i, n.section, SHT_NOTE, 0, 0, noteOffsets[i]!, noteBlobs[i]!.length, 4));
  shdr(shnum - 1, '.shstrtab', SHT_STRTAB, 0, 0, strOffset, strLen, 1);
  return out;
}

/** namesz, descsz, type, name + NUL padded to 4, desc padded to 4 (ELF note format). */
function encodeNote(owner: Uint8Array, type: number, desc: Uint8Array): Uint8Array {
  const namesz = owner.length + 1;
  const out = new Uint8Array(12 + align4(namesz) + align4(desc.length));
  const view = new DataView(out.buffer);
  view.setUint32(0, namesz, true);
  view.setUint32(4, desc.length, true);
  view.setUint32(8, type >>> 0, true);
  out.set(owner, 12);
  out.set(desc, 12 + align4(namesz));
  return out;
}

export interface AvrElfMemories {
  flash?: MemoryImage;
  eeprom?: MemoryImage;
  /** Address 0 = low fuse, 1 = high, 2 = extended (avr-libc FUSES order). */
  fuse?: MemoryImage;
  lock?: MemoryImage;
  /** In avr-libc's order: address 0 = signature byte 2, 1 = byte 1, 2 = byte 0. */
  signature?: MemoryImage;
}

const SECTION_OF = {
  flash: { name: '.text', base: AvrElfSpace.flash, code: true },
  eeprom: { name: '.eeprom', base: AvrElfSpace.eeprom, code: false },
  fuse: { name: '.fuse', base: AvrElfSpace.fuse, code: false },
  lock: { name: '.lock', base: AvrElfSpace.lock, code: false },
  signature: { name: '.signature', base: AvrElfSpace.signature, code: false },
} as const;

/**
 * An ELF as avr-gcc would link these memories: one section per contiguous run, named as avr-gcc names them, so
 * `avrdude -U flash:w:f.elf:e`, `-U eeprom:w:f.elf:e`, `-U lfuse:w:f.elf:e` (hfuse, efuse, lock) each find their
 * part, and parseElfImages reads the same images back.
 */
export function writeAvrElf(memories: AvrElfMemories, opts: { notes?: readonly ElfNoteInput[]; flags?: number } = {}): Uint8Array {
  const sections: ElfSectionInput[] = [];
  for (const key of ['flash', 'eeprom', 'fuse', 'lock', 'signature'] as const) {
    const image = memories[key];
    if (!image) continue;
    const spec = SECTION_OF[key];
    for (const seg of image.segments) sections.push({ name: spec.name, address: spec.base + seg.address, data: seg.data, code: spec.code });
  }
  return writeElf({ sections, ...(opts.notes ? { notes: opts.notes } : {}), ...(opts.flags !== undefined ? { flags: opts.flags } : {}) });
}
