import { BackupError, MemoryImage, decodeBackup, type ChipBackup } from '@ispkit/ihex';
import { findFuseField, formatSignature, type FuseValues } from '@ispkit/parts';
import { backupBeforeChange, checkBackupPossible, readProtected, withBackupNote, type BackupOptions, type SavedBackup } from '../backup.js';
import { describeBackup } from '../backup-description.js';
import { newChipState } from '../chip-state.js';
import { planClock } from '../clock-plan.js';
import { eepromRunsToWrite } from '../eeprom-pages.js';
import { ExitCode, IspkitError } from '../errors.js';
import { say, startProgress, wordsOf, type FlowContext } from '../events.js';
import { planFlash } from '../flash-plan.js';
import { formatBytes, formatSeconds, hex8 } from '../format.js';
import { enforceDangers, planFuses } from '../fuse-policy.js';
import type { ProgrammerLink } from '../link.js';
import { cliWords, messages, type FrontEndWords } from '../messages.js';
import { failureWithState, reportChipState, undoTemporaryFuses, verifyRuns, writeFinalFuses } from '../steps.js';
import { applySpeed, readFuses, withTarget, type TargetOptions } from '../target.js';

export interface RestoreOptions extends TargetOptions, BackupOptions {
  /** The backup file (written by `ispkit backup` or before a change). */
  file: { name: string; bytes: Uint8Array };
  /** Read flash and EEPROM back (default true). */
  verify?: boolean;
  /** Clear CKDIV8 while programming a factory-fused chip (default true). */
  clockTrick?: boolean;
  /** Write backed-up fuses even if they would lock out ISP. */
  forceDangerousFuses?: boolean;
  /**
   * Asked once the backup is checked against the chip and the fuses are planned, before anything is changed (the
   * page's "Overwrite the chip?"). Resolving false cancels the restore with the chip untouched.
   */
  confirm?: (plan: RestoreConfirmation) => Promise<boolean>;
}

/** What a restore is about to do to the chip, for a front end that asks first. */
export interface RestoreConfirmation {
  /** The same sentences on every front end. */
  lines: string[];
  part: string;
  flashBytes: number;
  fuses: { now: FuseValues; after: FuseValues };
  lock: number;
}

/** Decode and check a backup file; a damaged or foreign file is refused with its reason (exit 1). */
export function parseBackupFile(file: { name: string; bytes: Uint8Array }, words: FrontEndWords = cliWords): ChipBackup {
  try {
    return decodeBackup(file.bytes, { source: file.name });
  } catch (err) {
    if (err instanceof BackupError) throw messages.unusableBackup(err.message, err.code, words, err);
    throw err;
  }
}

function fuseChanges(now: FuseValues, after: FuseValues): string {
  const changed = (['low', 'high', 'ext'] as const).filter((f) => now[f] !== after[f]);
  return changed.length ? `fuses ${changed.map((f) => `${f} ${hex8(now[f])} → ${hex8(after[f])}`).join(', ')}` : 'fuses (already as in the backup)';
}

/**
 * Put a backup back: check it against the chip's signature, back up what is there now, erase with EESAVE programmed
 * (EEPROM pages that already match are then not rewritten), write the flash pages that are not blank and the
 * EEPROM pages that differ, verify both, then write the fuses (the same checks as `fuses write`) and the lock bits
 * last. On failure the error says what state the chip is in and names the backup made first.
 */
export async function restoreFlow(ctx: FlowContext, link: ProgrammerLink, options: RestoreOptions): Promise<Record<string, unknown>> {
  const now = ctx.now ?? Date.now;
  const verify = options.verify !== false;
  const backup = parseBackupFile(options.file, wordsOf(ctx));
  const file = options.file.name;
  for (const line of describeBackup(backup)) say.info(ctx, line);
  return withTarget(ctx, link, options, async (t) => {
    const { part, session, target } = t;
    if (formatSignature(t.signature) !== formatSignature(backup.signature)) {
      throw new IspkitError(`the backup is of ${backup.partName} (${formatSignature(backup.signature)}) but the target is ${part.name} (${formatSignature(t.signature)})`, {
        exitCode: ExitCode.TARGET,
        code: 'wrong-signature',
        hint: 'restore a backup onto the same kind of chip it was read from; nothing was changed',
      });
    }
    if (backup.flash.length !== part.flash.size || backup.eeprom.length !== part.eeprom.size) {
      throw new IspkitError(`the backup holds ${backup.flash.length} B of flash and ${backup.eeprom.length} B of EEPROM, but ${part.name} has ${part.flash.size} and ${part.eeprom.size}`, {
        code: 'backup-size',
      });
    }
    await checkBackupPossible(ctx, t, options);
    say.step(ctx, 'prepare', 'checking the backup and planning fuses');
    const flashImage = MemoryImage.fromBinary(backup.flash);
    const current = await readFuses(t);
    const fusePlan = planFuses(part, current, { values: { ...backup.fuses } }, { image: flashImage, flashing: true });
    enforceDangers(fusePlan, options.forceDangerousFuses === true, wordsOf(ctx));
    // the chip goes back to a state it was in: advice about that state is only a notice
    for (const w of [...fusePlan.warnings, ...fusePlan.notes]) say.notice(ctx, w);

    const plan = planFlash(flashImage, part);
    const state = newChipState();
    state.flashBytesPlanned = plan.bytes;
    const clock = planClock(part, current, session.info, { allowCkdiv8Trick: options.clockTrick !== false });
    if (options.confirm) {
      const lines = [
        `the chip is ${part.name} (${formatSignature(t.signature)}), as in the backup`,
        `restoring erases it, then writes ${formatBytes(plan.bytes)} of flash, the EEPROM pages that differ from the backup, ${fuseChanges(current, fusePlan.final)} and lock bits ${hex8(backup.lock)}`,
        options.backup ? 'what is on the chip now is backed up first' : 'what is on the chip now is not backed up first',
      ];
      const go = await options.confirm({ lines, part: part.id, flashBytes: plan.bytes, fuses: { now: { ...current }, after: { ...fusePlan.final } }, lock: backup.lock });
      if (!go) throw messages.cancelled('restore');
    }
    let saved: SavedBackup | undefined;
    let doing = 'preparing';
    const timings: Record<string, number> = {};
    try {
      say.step(ctx, 'speed', 'choosing the SCK speed');
      if (clock.clearCkdiv8) {
        doing = 'clearing CKDIV8 temporarily';
        say.info(ctx, `speed: ${clock.explanation}`);
        const temporary = current.low | 0x80;
        await session.writeFuse(target, 'low', temporary);
        state.temporaryLowFuse = { original: current.low, now: temporary, final: fusePlan.final.low };
        reportChipState(ctx, state);
        await session.reenterProgmode();
      } else {
        say.notice(ctx, `speed: ${clock.explanation}`);
      }
      doing = 'choosing the SCK speed';
      await applySpeed(ctx, t, clock);

      doing = 'backing up the chip';
      saved = await backupBeforeChange(ctx, t, options, current);

      // Keep the EEPROM through the erase (EESAVE takes effect at once) so pages that already match the backup
      // need no ~9 ms page write; the backed-up high fuse is written last.
      const eesave = findFuseField(part, 'EESAVE');
      if (eesave?.fuse === 'high' && (current.high & eesave.field.mask) !== 0) {
        doing = 'programming EESAVE for the erase';
        const temporary = current.high & ~eesave.field.mask;
        await session.writeFuse(target, 'high', temporary);
        state.temporaryHighFuse = { original: current.high, now: temporary, final: fusePlan.final.high };
        reportChipState(ctx, state);
        say.notice(ctx, `EESAVE programmed for the erase (high fuse ${hex8(current.high)} → ${hex8(temporary)}): EEPROM pages that already match the backup are not rewritten`);
      }

      doing = 'erasing the chip';
      say.step(ctx, 'erase', 'erasing the chip');
      let started = now();
      await session.chipErase(target);
      state.erased = true;
      reportChipState(ctx, state);

      doing = 'writing flash';
      say.step(ctx, 'write', 'writing flash');
      const progress = startProgress(ctx, 'writing flash', plan.bytes);
      try {
        await session.writeFlash(target, plan.pages, (done) => {
          state.flashBytesWritten = done;
          progress.update(done);
        });
      } catch (err) {
        progress.abort();
        throw err;
      }
      progress.finish();
      reportChipState(ctx, state);
      timings['flashMs'] = now() - started;

      doing = 'writing EEPROM';
      started = now();
      const eepromNow = await session.readEeprom(target, 0, part.eeprom.size);
      const runs = eepromRunsToWrite(eepromNow, backup.eeprom, part.eeprom.pageSize);
      const eepromBytes = runs.reduce((n, r) => n + r.length, 0);
      state.eepromBytesPlanned = eepromBytes;
      state.eepromBytesWritten = 0;
      const ep = startProgress(ctx, 'writing eeprom', eepromBytes);
      try {
        for (const r of runs) {
          const base = state.eepromBytesWritten;
          await session.writeEeprom(target, r.start, backup.eeprom.subarray(r.start, r.start + r.length), (d) => {
            state.eepromBytesWritten = base + d;
            ep.update(base + d);
          });
        }
      } catch (err) {
        ep.abort();
        throw err;
      }
      ep.finish();
      reportChipState(ctx, state);
      timings['eepromMs'] = now() - started;
      const pageSize = part.eeprom.pageSize;
      say.notice(ctx, `EEPROM: ${eepromBytes / pageSize} page(s) written, ${(part.eeprom.size - eepromBytes) / pageSize} already equal`);

      if (verify) {
        doing = 'verifying flash';
        started = now();
        await verifyRuns(ctx, t, [{ start: 0, length: part.flash.size }], (a) => backup.flash[a]);
        doing = 'verifying EEPROM';
        await verifyRuns(ctx, t, [{ start: 0, length: part.eeprom.size }], (a) => backup.eeprom[a], 'eeprom');
        timings['verifyMs'] = now() - started;
      }

      doing = 'writing fuses';
      const { fuses: fusesAfter } = await writeFinalFuses(ctx, t, fusePlan, state, current);

      doing = 'writing the lock bits';
      let lockAfter = await session.readLock(target);
      const mask = part.lock.mask;
      if (((backup.lock ^ lockAfter) & mask) !== 0) {
        say.step(ctx, 'lock', 'writing the lock bits');
        if (readProtected(part, backup.lock)) say.warning(ctx, 'the backup has read-protecting lock bits; they are written last, after everything is verified');
        await session.writeLock(target, backup.lock);
        lockAfter = await session.readLock(target);
        if (((backup.lock ^ lockAfter) & mask) !== 0) {
          throw new IspkitError(`the lock bits read back ${hex8(lockAfter)} after writing ${hex8(backup.lock)} (mask ${hex8(mask)})`, { exitCode: ExitCode.VERIFY, code: 'lock-verify' });
        }
      }
      const total = (timings['flashMs'] ?? 0) + (timings['eepromMs'] ?? 0) + (timings['verifyMs'] ?? 0);
      const data = {
        file,
        part: part.id,
        flashBytesWritten: plan.bytes,
        blankPagesSkipped: plan.blankPagesSkipped,
        eepromBytesWritten: eepromBytes,
        verified: verify,
        fuses: fusesAfter,
        lock: lockAfter,
        ...(saved ? { backup: saved.location } : {}),
        ...timings,
      };
      say.step(ctx, 'done', verify ? 'restored and verified' : 'restored (not verified)');
      ctx.emit({
        type: 'result',
        command: 'restore',
        data,
        lines: [
          `restored ${file} to ${part.name}${verify ? ' and verified' : ' (not verified)'} in ${formatSeconds(total)}: ${formatBytes(plan.bytes)} of flash, ${formatBytes(eepromBytes)} of EEPROM (${(part.eeprom.size - eepromBytes) / pageSize} pages already equal)`,
          `fuses: low ${hex8(fusesAfter.low)} high ${hex8(fusesAfter.high)} ext ${hex8(fusesAfter.ext)}; lock bits ${hex8(lockAfter)}`,
        ],
      });
      return data;
    } catch (err) {
      await undoTemporaryFuses(ctx, t, state, err);
      throw withBackupNote(failureWithState(ctx, t, err, doing, state), saved);
    }
  });
}
