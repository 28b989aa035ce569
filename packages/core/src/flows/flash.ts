import type { MemoryImage } from '@ispkit/ihex';
import { findFuseField } from '@ispkit/parts';
import { backupBeforeChange, checkBackupPossible, withBackupNote, type BackupOptions, type SavedBackup } from '../backup.js';
import { newChipState } from '../chip-state.js';
import { planClock } from '../clock-plan.js';
import { say, startProgress, wordsOf, type FlowContext } from '../events.js';
import { usageError } from '../errors.js';
import { messages } from '../messages.js';
import { planFlash } from '../flash-plan.js';
import { formatBytes, formatRate, formatSeconds, hex8 } from '../format.js';
import { enforceDangers, planFuses, type FuseRequest } from '../fuse-policy.js';
import type { ProgrammerLink } from '../link.js';
import { checkWithinFlash, parseBootloaderFile, parseImageFile, type ImageFile, type ParsedImage } from '../load-input.js';
import { planMerge } from '../merge-plan.js';
import { failureWithState, reportChipState, undoTemporaryFuses, verifyRuns, writeFinalFuses } from '../steps.js';
import { applySpeed, readFuses, withTarget, type TargetOptions } from '../target.js';

export interface FlashOptions extends TargetOptions, BackupOptions {
  firmware: ImageFile | ParsedImage;
  /** Merged in memory with the same checks as `ispkit merge`. */
  bootloader?: ImageFile | ParsedImage;
  /** Fuses to write last (from `parseFuseRequest`). */
  fuses?: FuseRequest;
  /** Read the written pages back (default true). */
  verify?: boolean;
  /** Clear CKDIV8 while programming a factory-fused chip for a faster SCK (default true). */
  clockTrick?: boolean;
  /** Write fuses that lock out ISP (SPIEN off, RSTDISBL, DWEN, external clock). */
  forceDangerousFuses?: boolean;
  /**
   * Leave the EEPROM exactly as it is: EESAVE is programmed for the erase (it takes effect at once, unlike the other
   * fuses) and the requested (or original) high fuse is written last; the EEPROM is read back and compared.
   */
  keepEeprom?: boolean;
}

/**
 * The rescue: identify the target, merge firmware and bootloader, plan fuses (refusing dangerous ones) and the
 * clock, erase, write, verify, write the fuses last and read them back. Emits a `result` event and returns its data.
 * On failure after the chip was touched, the error says what state the chip is in (and a `chip-state` event precedes it).
 */
export async function flash(ctx: FlowContext, link: ProgrammerLink, options: FlashOptions): Promise<Record<string, unknown>> {
  const now = ctx.now ?? Date.now;
  const request: FuseRequest = options.fuses ?? { values: {} };
  const verify = options.verify !== false;
  // parse before touching the chip: a bad file must not cost an erase
  const firmware = parseImageFile(options.firmware, wordsOf(ctx));
  return withTarget(ctx, link, options, async (t) => {
    const { part, session, target } = t;
    say.step(ctx, 'prepare', 'checking the image and planning fuses');
    let image: MemoryImage;
    if (options.bootloader) {
      const boot = parseBootloaderFile(options.bootloader, part, wordsOf(ctx));
      const merged = planMerge(part, firmware, boot, wordsOf(ctx));
      for (const l of merged.summary) say.info(ctx, l);
      image = merged.merged;
    } else {
      checkWithinFlash(firmware.image, firmware.name, part, wordsOf(ctx));
      image = firmware.image;
    }
    if (request.preset && request.preset.part !== part.id) {
      throw messages.presetForOtherPart(request.preset, part.name, wordsOf(ctx));
    }
    const current = await readFuses(t);
    say.notice(ctx, `fuses now: low ${hex8(current.low)} high ${hex8(current.high)} ext ${hex8(current.ext)}`);
    const fusePlan = planFuses(part, current, request, { image, flashing: true });
    enforceDangers(fusePlan, options.forceDangerousFuses === true, wordsOf(ctx));
    for (const w of fusePlan.warnings) say.warning(ctx, w);
    for (const n of fusePlan.notes) say.notice(ctx, n);

    const plan = planFlash(image, part);
    const state = newChipState();
    state.flashBytesPlanned = plan.bytes;
    const clock = planClock(part, current, session.info, { allowCkdiv8Trick: options.clockTrick !== false && plan.bytes > 0 });
    const timings: Record<string, number> = {};
    let doing = 'preparing';
    let saved: SavedBackup | undefined;
    let eepromBefore: Uint8Array | undefined;
    const eesave = findFuseField(part, 'EESAVE');
    if (options.keepEeprom === true && eesave?.fuse !== 'high') {
      throw usageError(`${part.name} has no EESAVE bit in its high fuse, so its EEPROM cannot be kept through the erase`);
    }
    await checkBackupPossible(ctx, t, options);
    try {
      say.step(ctx, 'speed', 'choosing the SCK speed');
      if (clock.clearCkdiv8) {
        doing = 'clearing CKDIV8 temporarily';
        say.info(ctx, `speed: ${clock.explanation}`);
        const temporary = current.low | 0x80;
        await session.writeFuse(target, 'low', temporary);
        state.temporaryLowFuse = { original: current.low, now: temporary, final: fusePlan.final.low };
        reportChipState(ctx, state);
        await session.reenterProgmode(); // RESET released and asserted: the prescaler follows the new fuse
      } else {
        say.notice(ctx, `speed: ${clock.explanation}`);
      }
      doing = 'choosing the SCK speed';
      await applySpeed(ctx, t, clock);

      doing = 'backing up the chip';
      let started = now();
      saved = await backupBeforeChange(ctx, t, options, current);
      if (saved) timings['backupMs'] = now() - started;

      if (options.keepEeprom === true && eesave) {
        doing = 'reading EEPROM to keep it';
        eepromBefore = saved?.backup.eeprom ?? (await session.readEeprom(target, 0, part.eeprom.size));
        const mask = eesave.field.mask;
        if ((current.high & mask) !== 0) {
          doing = 'programming EESAVE for the erase';
          const temporary = current.high & ~mask;
          await session.writeFuse(target, 'high', temporary);
          state.temporaryHighFuse = { original: current.high, now: temporary, final: fusePlan.final.high };
          reportChipState(ctx, state);
          say.info(
            ctx,
            `keep EEPROM: EESAVE programmed (high fuse ${hex8(current.high)} → ${hex8(temporary)}) so the chip erase leaves the EEPROM alone; ` +
              `the high fuse ${request.values.high !== undefined ? 'you asked for' : 'it had'} (${hex8(fusePlan.final.high)}) is written last`,
          );
        } else {
          say.info(ctx, 'keep EEPROM: EESAVE is already programmed, so the chip erase leaves the EEPROM alone');
        }
      }

      doing = 'erasing the chip';
      say.step(ctx, 'erase', 'erasing the chip');
      started = now();
      await session.chipErase(target);
      state.erased = true;
      reportChipState(ctx, state);
      timings['eraseMs'] = now() - started;
      say.info(ctx, `erased the chip (${formatSeconds(timings['eraseMs'])})`);

      doing = 'writing flash';
      say.step(ctx, 'write', 'writing flash');
      const progress = startProgress(ctx, 'writing flash', plan.bytes);
      started = now();
      try {
        await session.writeFlash(target, plan.pages, (done) => {
          state.flashBytesWritten = done;
          progress.update(done);
        });
      } catch (err) {
        progress.abort();
        throw err;
      }
      timings['writeMs'] = now() - started;
      progress.finish();
      reportChipState(ctx, state);
      if (plan.blankPagesSkipped) say.notice(ctx, `${plan.blankPagesSkipped} all-FF page(s) skipped (erased flash reads FF)`);

      if (verify) {
        doing = 'verifying flash';
        started = now();
        await verifyRuns(ctx, t, plan.runs, (a) => image.byteAt(a) ?? 0xff);
        timings['verifyMs'] = now() - started;
      }
      if (eepromBefore) {
        doing = 'checking the EEPROM was kept';
        const before = eepromBefore;
        await verifyRuns(ctx, t, [{ start: 0, length: part.eeprom.size }], (a) => before[a], 'eeprom');
      }

      doing = 'writing fuses';
      const { fuses: fusesAfter, written: toWrite } = await writeFinalFuses(ctx, t, fusePlan, state, current);
      if (Object.keys(toWrite).length) {
        const changed = fusePlan.changes.map((f) => `${f} ${hex8(fusePlan.final[f])}`).join(', ');
        const restored = (['high', 'low'] as const).filter((f) => toWrite[f] !== undefined && !fusePlan.changes.includes(f));
        say.info(
          ctx,
          changed
            ? `fuses written and read back: ${changed}${request.preset ? ` (${request.preset.name})` : ''}`
            : `${restored.join(' and ')} fuse${restored.length > 1 ? 's' : ''} restored to ${restored.map((f) => hex8(fusePlan.final[f])).join(' and ')} and read back`,
        );
      }
      const total = (timings['eraseMs'] ?? 0) + (timings['writeMs'] ?? 0) + (timings['verifyMs'] ?? 0);
      const rate = total > 0 ? (plan.bytes * 1000) / total : 0;
      const data = {
        port: link.path,
        part: part.id,
        programmer: session.info.kind,
        sck: t.sck,
        bytesWritten: plan.bytes,
        pagesWritten: plan.pages.length,
        blankPagesSkipped: plan.blankPagesSkipped,
        verified: verify,
        clockTrick: clock.clearCkdiv8,
        keptEeprom: eepromBefore !== undefined,
        ...(saved ? { backup: saved.location } : {}),
        fuses: fusesAfter,
        ...timings,
        bytesPerSecond: Math.round(rate),
      };
      say.step(ctx, 'done', verify ? 'flashed and verified' : 'flashed (not verified)');
      ctx.emit({
        type: 'result',
        command: 'flash',
        data,
        lines: [
          `flashed ${formatBytes(plan.bytes)} to ${part.name}${verify ? ' and verified' : ' (not verified)'} in ${formatSeconds(total)} (${formatRate(rate)}, ${t.sck})`,
          `fuses: low ${hex8(fusesAfter.low)} high ${hex8(fusesAfter.high)} ext ${hex8(fusesAfter.ext)}`,
        ],
      });
      return data;
    } catch (err) {
      // temporary fuse changes (CKDIV8, EESAVE) are undone if the link still works
      await undoTemporaryFuses(ctx, t, state, err);
      throw withBackupNote(failureWithState(ctx, t, err, doing, state), saved);
    }
  });
}
