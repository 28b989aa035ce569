import { encodeBackup, type ChipBackup } from '@ispkit/ihex';
import { decodeLock, type FuseValues, type Part } from '@ispkit/parts';
import { ExitCode, IspkitError, toIspkitError } from './errors.js';
import { say, startProgress, wordsOf, type FlowContext } from './events.js';
import { formatBytes, hex8 } from './format.js';
import { programmerError } from './link.js';
import type { FrontEndWords } from './messages.js';
import { readFuses, type TargetHandle } from './target.js';

/**
 * Where a flow puts the backup it makes before changing the chip. The front end owns the storage: the CLI writes a
 * file in the backup folder, the page offers a download.
 */
export interface BackupSink {
  /** The program and version written into the file, e.g. "ispkit 0.1.0". */
  tool: string;
  /**
   * Store the backup (`bytes` is the encoded file). Returns where it is, as the user should be told (a path, a file
   * name), and what restores it (e.g. "`ispkit restore /path/b.elf`"). Throws IspkitError when it cannot be stored.
   */
  save(backup: ChipBackup, bytes: Uint8Array): Promise<{ location: string; restore: string }>;
}

/** Options of every flow that erases or overwrites the chip. No sink = no backup (`--no-backup`). */
export interface BackupOptions {
  backup?: BackupSink;
}

export interface SavedBackup {
  location: string;
  restore: string;
  backup: ChipBackup;
}

/** Lock bits that make ISP reads return garbage: LB mode 3 ("further programming and verification disabled"). */
export function readProtected(part: Part, lock: number): boolean {
  const lb = decodeLock(part, lock).find((f) => f.name === 'LB');
  return lb !== undefined && lb.value < 2;
}

function lockedError(lock: number, words: FrontEndWords): IspkitError {
  return new IspkitError(
    `the chip is read-protected (lock bits ${hex8(lock)}: LB mode 3, flash and EEPROM read back as garbage), so no backup of it can be made; nothing was changed`,
    {
      exitCode: ExitCode.TARGET,
      code: 'chip-locked',
      hint: `only a chip erase clears the lock bits, and it also erases what is on the chip: to go ahead without a backup, ${words.noBackup}`,
      details: { lock },
    },
  );
}

async function readLockFor(t: TargetHandle): Promise<number> {
  try {
    return await t.session.readLock(t.target);
  } catch (err) {
    throw programmerError(t.conn.link.path, err, 'reading the lock bits for the backup');
  }
}

/**
 * For flows that change a fuse before the backup is read (the CKDIV8 speed step): refuse a read-protected chip
 * first, while nothing has changed. No-op without a backup sink.
 */
export async function checkBackupPossible(ctx: FlowContext, t: TargetHandle, opts: BackupOptions): Promise<void> {
  if (!opts.backup) return;
  const lock = await readLockFor(t);
  if (readProtected(t.part, lock)) throw lockedError(lock, wordsOf(ctx));
}

/**
 * Read everything ISP can read — lock bits first (a read-protected chip is refused: its flash and EEPROM would read
 * back as garbage), fuses (`fuses` when the caller has them), the whole flash and the whole EEPROM in the largest
 * blocks the programmer sends. Writes nothing to the chip.
 */
export async function readChipBackup(ctx: FlowContext, t: TargetHandle, tool: string, fuses?: FuseValues): Promise<ChipBackup> {
  const lock = await readLockFor(t);
  if (readProtected(t.part, lock)) throw lockedError(lock, wordsOf(ctx));
  const f = fuses ?? (await readFuses(t));
  const { part } = t;
  say.step(ctx, 'backup', 'backing up the chip');
  const progress = startProgress(ctx, 'backing up the chip', part.flash.size + part.eeprom.size);
  let flash: Uint8Array;
  let eeprom: Uint8Array;
  try {
    flash = await t.session.readFlash(t.target, 0, part.flash.size, (d) => progress.update(d));
    eeprom = await t.session.readEeprom(t.target, 0, part.eeprom.size, (d) => progress.update(part.flash.size + d));
  } catch (err) {
    progress.abort();
    const e = programmerError(t.conn.link.path, err, 'reading the chip for the backup');
    throw new IspkitError(`${e.message}; nothing was changed`, { exitCode: e.exitCode, code: e.code, ...(e.hint ? { hint: e.hint } : {}), cause: err });
  }
  progress.finish();
  return {
    part: part.id,
    partName: part.name,
    signature: [t.signature[0]!, t.signature[1]!, t.signature[2]!],
    date: new Date().toISOString(),
    tool,
    flash,
    eeprom,
    fuses: { ...f },
    lock,
  };
}

/** Encode a backup and hand it to the sink; a sink failure says nothing was changed. */
export async function storeBackup(sink: BackupSink, backup: ChipBackup): Promise<SavedBackup> {
  const where = await sink.save(backup, encodeBackup(backup));
  return { ...where, backup };
}

/**
 * The default first step of every flow that erases or overwrites the chip: read the whole chip into a backup and
 * say where it is. Without a sink (--no-backup) nothing happens. A failed read or save throws before anything on
 * the chip has changed.
 */
export async function backupBeforeChange(ctx: FlowContext, t: TargetHandle, opts: BackupOptions, fuses?: FuseValues): Promise<SavedBackup | undefined> {
  if (!opts.backup) {
    say.notice(ctx, 'no backup (--no-backup)');
    return undefined;
  }
  const saved = await storeBackup(opts.backup, await readChipBackup(ctx, t, opts.backup.tool, fuses));
  say.info(
    ctx,
    `backup: ${formatBytes(saved.backup.flash.length)} flash, ${formatBytes(saved.backup.eeprom.length)} EEPROM, fuses and lock bits saved to ${saved.location} (undo with ${saved.restore})`,
  );
  return saved;
}

/**
 * A failure after the backup was made names it and what restores it (usage errors happen before anything changed
 * and are left alone).
 */
export function withBackupNote(err: unknown, saved: SavedBackup | undefined): unknown {
  if (!saved) return err;
  const e = toIspkitError(err);
  if (e.exitCode === ExitCode.USAGE) return e;
  return new IspkitError(`${e.message}; the chip as it was before is backed up in ${saved.location}: ${saved.restore} puts it back`, {
    exitCode: e.exitCode,
    code: e.code,
    ...(e.hint ? { hint: e.hint } : {}),
    details: { ...(e.details ?? {}), backup: saved.location },
    cause: e.cause ?? err,
  });
}
