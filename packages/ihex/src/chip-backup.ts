import { crc32 } from './crc32.js';
import { isElf, parseElfImages, parseElfNotes } from './elf.js';
import { writeAvrElf } from './elf-write.js';
import { MemoryImage } from './memory-image.js';

/**
 * The ispkit backup file: everything ISP can read from a chip, in one ELF laid out as avr-gcc lays out a program
 * (`.text` = the whole flash at 0, `.eeprom` at 0x810000, `.fuse` at 0x820000 (low, high, ext), `.lock` at 0x830000,
 * `.signature` at 0x840000 in avr-libc's byte order), so stock avrdude restores it too:
 * `avrdude -c avrisp -p m32u4 -U flash:w:backup.elf:e -U eeprom:w:backup.elf:e -U lfuse:w:backup.elf:e ...`.
 *
 * A note section `.note.ispkit.backup` (owner "ispkit", type 1, not loaded) holds UTF-8 JSON metadata: part,
 * signature, date, tool version, and a CRC-32 per memory plus one over the metadata itself, which decodeBackup
 * checks, so a truncated, edited or bit-rotted file is refused with its reason instead of being written to a chip.
 */

export const BACKUP_NOTE_SECTION = '.note.ispkit.backup';
export const BACKUP_NOTE_OWNER = 'ispkit';
export const BACKUP_NOTE_TYPE = 1;
export const BACKUP_FORMAT = 'ispkit-backup';
export const BACKUP_FORMAT_VERSION = 1;

export interface ChipBackup {
  /** Part id, e.g. "atmega32u4". */
  part: string;
  /** Human part name, e.g. "ATmega32U4". */
  partName: string;
  /** Signature bytes as read (byte 0 first). */
  signature: readonly [number, number, number];
  /** ISO 8601 time of the read. */
  date: string;
  /** The program and version that made it, e.g. "ispkit 0.1.0". */
  tool: string;
  /** The whole flash. */
  flash: Uint8Array;
  /** The whole EEPROM. */
  eeprom: Uint8Array;
  fuses: { low: number; high: number; ext: number };
  lock: number;
}

export type BackupErrorCode =
  /** Not an ELF file at all, or its headers are broken. */
  | 'not-elf'
  /** An ELF without ispkit's backup note (e.g. a firmware .elf). */
  | 'not-a-backup'
  /** The note is there but not readable metadata (truncated, edited, wrong fields). */
  | 'bad-metadata'
  /** Written by a newer ispkit in a format version this one does not know. */
  | 'unsupported-version'
  /** A memory's size or CRC-32 differs from the metadata: the file is damaged. */
  | 'checksum';

export class BackupError extends Error {
  override readonly name = 'BackupError';
  constructor(
    readonly code: BackupErrorCode,
    message: string,
    readonly source?: string,
  ) {
    super(message);
  }
}

interface MemoryMeta {
  size: number;
  crc32: string;
}

interface BackupMeta {
  format: string;
  version: number;
  part: string;
  partName: string;
  signature: string;
  date: string;
  tool: string;
  memories: Record<MemoryKey, MemoryMeta>;
  metaCrc32?: string;
}

type MemoryKey = 'flash' | 'eeprom' | 'fuse' | 'lock' | 'signature';
const MEMORY_NAMES: Record<MemoryKey, string> = { flash: 'flash', eeprom: 'EEPROM', fuse: 'fuse', lock: 'lock bits', signature: 'signature' };

const hex32 = (n: number): string => n.toString(16).toUpperCase().padStart(8, '0');
const hex2 = (n: number): string => n.toString(16).toUpperCase().padStart(2, '0');

function memoriesOf(b: ChipBackup): Record<MemoryKey, Uint8Array> {
  return {
    flash: b.flash,
    eeprom: b.eeprom,
    fuse: Uint8Array.from([b.fuses.low, b.fuses.high, b.fuses.ext]),
    lock: Uint8Array.from([b.lock]),
    signature: Uint8Array.from([b.signature[2], b.signature[1], b.signature[0]]),
  };
}

/** The CRC over the metadata: every field but metaCrc32, serialised in the order written. */
function metaCrc(meta: BackupMeta): string {
  const { metaCrc32: _ignored, ...rest } = meta;
  return hex32(crc32(new TextEncoder().encode(JSON.stringify(rest))));
}

/** Serialise a backup into the ELF described above. */
export function encodeBackup(b: ChipBackup): Uint8Array {
  const mems = memoriesOf(b);
  const memories = {} as Record<MemoryKey, MemoryMeta>;
  for (const k of Object.keys(mems) as MemoryKey[]) memories[k] = { size: mems[k].length, crc32: hex32(crc32(mems[k])) };
  const meta: BackupMeta = {
    format: BACKUP_FORMAT,
    version: BACKUP_FORMAT_VERSION,
    part: b.part,
    partName: b.partName,
    signature: Array.from(b.signature, hex2).join(' '),
    date: b.date,
    tool: b.tool,
    memories,
  };
  meta.metaCrc32 = metaCrc(meta);
  const desc = new TextEncoder().encode(JSON.stringify(meta));
  return writeAvrElf(
    {
      flash: MemoryImage.fromBinary(mems.flash),
      eeprom: MemoryImage.fromBinary(mems.eeprom),
      fuse: MemoryImage.fromBinary(mems.fuse),
      lock: MemoryImage.fromBinary(mems.lock),
      signature: MemoryImage.fromBinary(mems.signature),
    },
    { notes: [{ section: BACKUP_NOTE_SECTION, owner: BACKUP_NOTE_OWNER, type: BACKUP_NOTE_TYPE, desc }] },
  );
}

/**
 * Read and check a backup file. Throws BackupError with the reason when it is not a backup, its metadata is
 * unreadable, or any memory's size or CRC-32 disagrees with the metadata.
 */
export function decodeBackup(bytes: Uint8Array, opts: { source?: string } = {}): ChipBackup {
  const src = opts.source;
  const where = src ? `${src} ` : 'the file ';
  const fail = (code: BackupErrorCode, why: string): never => {
    throw new BackupError(code, `${where}is not a usable ispkit backup: ${why}`, src);
  };
  if (!isElf(bytes)) fail('not-elf', 'it is not an ELF file (no 7F 45 4C 46 magic number)');
  let notes;
  let images;
  try {
    notes = parseElfNotes(bytes, src ? { source: src } : {});
    images = parseElfImages(bytes, src ? { source: src } : {});
  } catch (err) {
    return fail('not-elf', (err as Error).message.replace(/^not a usable ELF file( in \S+)?: /, 'its ELF structure is damaged: '));
  }
  const note = notes.find((n) => n.section === BACKUP_NOTE_SECTION && n.owner === BACKUP_NOTE_OWNER && n.type === BACKUP_NOTE_TYPE);
  if (!note) return fail('not-a-backup', `it has no ${BACKUP_NOTE_SECTION} section (an ordinary firmware .elf, or a backup made by another tool)`);
  let meta: BackupMeta;
  try {
    meta = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(note.desc)) as BackupMeta;
  } catch {
    return fail('bad-metadata', 'its metadata note is not valid JSON (the file is damaged)');
  }
  if (meta === null || typeof meta !== 'object' || meta.format !== BACKUP_FORMAT) return fail('bad-metadata', 'its metadata note is not an ispkit backup record');
  if (typeof meta.version !== 'number' || meta.version > BACKUP_FORMAT_VERSION) {
    return fail('unsupported-version', `it is format version ${String(meta.version)}; this ispkit reads version ${BACKUP_FORMAT_VERSION} (update ispkit)`);
  }
  if (typeof meta.metaCrc32 !== 'string' || meta.metaCrc32 !== metaCrc(meta)) {
    return fail('checksum', `its metadata checksum does not match (file says ${String(meta.metaCrc32)}, contents give ${metaCrc(meta)}): the file is damaged or was edited`);
  }
  const sig = /^([0-9A-F]{2}) ([0-9A-F]{2}) ([0-9A-F]{2})$/i.exec(String(meta.signature));
  if (!sig || typeof meta.part !== 'string' || typeof meta.date !== 'string' || typeof meta.tool !== 'string' || !meta.memories) {
    return fail('bad-metadata', 'its metadata lacks the part, signature, date, tool or memories');
  }
  const found: Record<MemoryKey, MemoryImage> = { flash: images.flash, eeprom: images.eeprom, fuse: images.fuse, lock: images.lock, signature: images.signature };
  const mems = {} as Record<MemoryKey, Uint8Array>;
  for (const k of Object.keys(MEMORY_NAMES) as MemoryKey[]) {
    const m = meta.memories[k];
    if (!m || typeof m.size !== 'number' || typeof m.crc32 !== 'string') return fail('bad-metadata', `its metadata has no entry for ${MEMORY_NAMES[k]}`);
    const image = found[k];
    const data = image.toBinary({ start: 0, end: m.size });
    if (image.byteCount !== m.size || image.endAddress > m.size) {
      return fail('checksum', `it holds ${image.byteCount} bytes of ${MEMORY_NAMES[k]} where its metadata says ${m.size} (the file is truncated or damaged)`);
    }
    const actual = hex32(crc32(data));
    if (actual !== m.crc32.toUpperCase()) {
      return fail('checksum', `the ${MEMORY_NAMES[k]} checksum does not match (file says CRC-32 ${m.crc32}, contents give ${actual}): the file is damaged`);
    }
    mems[k] = data;
  }
  if (mems.fuse.length !== 3 || mems.lock.length !== 1 || mems.signature.length !== 3) {
    return fail('bad-metadata', 'it does not hold 3 fuse bytes, 1 lock byte and 3 signature bytes');
  }
  const signature = [mems.signature[2]!, mems.signature[1]!, mems.signature[0]!] as const;
  if (Array.from(signature, hex2).join(' ') !== meta.signature.toUpperCase()) {
    return fail('bad-metadata', `its .signature section (${Array.from(signature, hex2).join(' ')}) disagrees with its metadata (${meta.signature})`);
  }
  return {
    part: meta.part,
    partName: typeof meta.partName === 'string' ? meta.partName : meta.part,
    signature,
    date: meta.date,
    tool: meta.tool,
    flash: mems.flash,
    eeprom: mems.eeprom,
    fuses: { low: mems.fuse[0]!, high: mems.fuse[1]!, ext: mems.fuse[2]! },
    lock: mems.lock[0]!,
  };
}
