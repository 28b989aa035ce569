import type { MemoryImage } from '@ispkit/ihex';
import type { FuseName } from '@ispkit/parts';
import { newChipState } from '../chip-state.js';
import { planClock } from '../clock-plan.js';
import { say, startProgress, wordsOf, type FlowContext } from '../events.js';
import { messages } from '../messages.js';
import { planFlash } from '../flash-plan.js';
import { formatBytes, formatRate, formatSeconds, hex8 } from '../format.js';
import { enforceDangers, planFuses, type FuseRequest } from '../fuse-policy.js';
import { isDisconnect, type ProgrammerLink } from '../link.js';
import { checkWithinFlash, parseBootloaderFile, parseImageFile, type ImageFile, type ParsedImage } from '../load-input.js';
import { planMerge } from '../merge-plan.js';
import { failureWithState, reportChipState, verifyRuns, writeFusesChecked } from '../steps.js';
import { applySpeed, readFuses, withTarget, type TargetOptions } from '../target.js';

export interface FlashOptions extends TargetOptions {
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

      doing = 'erasing the chip';
      say.step(ctx, 'erase', 'erasing the chip');
      let started = now();
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

      doing = 'writing fuses';
      const toWrite: Partial<Record<FuseName, number>> = {};
      for (const f of fusePlan.changes) toWrite[f] = fusePlan.final[f];
      if (state.temporaryLowFuse) toWrite.low = fusePlan.final.low;
      let fusesAfter = current;
      if (Object.keys(toWrite).length) {
        fusesAfter = await writeFusesChecked(ctx, t, toWrite, ['ext', 'high', 'low'], (f) => {
          state.fusesWritten.push(f);
          if (f === 'low') delete state.temporaryLowFuse;
        });
        reportChipState(ctx, state);
        const changed = fusePlan.changes.map((f) => `${f} ${hex8(fusePlan.final[f])}`).join(', ');
        say.info(
          ctx,
          changed ? `fuses written and read back: ${changed}${request.preset ? ` (${request.preset.name})` : ''}` : `low fuse restored to ${hex8(fusePlan.final.low)} and read back`,
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
      // A temporary CKDIV8 change is undone if the link still works, so the chip keeps the fuses it should have.
      if (state.temporaryLowFuse && !isDisconnect(err) && !ctx.signal?.aborted) {
        try {
          await session.client.getSync();
          await session.writeFuse(target, 'low', state.temporaryLowFuse.original);
          state.temporaryLowFuse = undefined;
          say.notice(ctx, 'restored the original low fuse after the failure');
        } catch {
          // keep the state: the message says what the fuse is
        }
      }
      throw failureWithState(ctx, t, err, doing, state);
    }
  });
}
