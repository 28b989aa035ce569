import { basename } from 'node:path';
import { MemoryImage } from '@ispkit/ihex';
import type { FuseName } from '@ispkit/parts';
import { newChipState } from '../chip-state.js';
import { usageError } from '../cli-error.js';
import type { CliCommand } from '../command.js';
import { planClock } from '../device/clock-plan.js';
import { failureWithState, verifyRuns, withTarget, writeFusesChecked, isDisconnect } from '../device/steps.js';
import { applySpeed, readFuses } from '../device/target.js';
import { loadBootloaderFile, loadImageFile, readInputBytes } from '../files.js';
import { parseFuseRequest, planFuses, enforceDangers, type FuseOptionsText } from '../fuse-policy.js';
import { planFlash } from '../flash-plan.js';
import { checkWithinFlash } from '../load-input.js';
import { planMerge } from '../merge-plan.js';
import { formatBytes, formatRate, formatSeconds, hex8 } from '../output/format.js';

interface FlashOptions extends FuseOptionsText {
  bootloader?: string;
  verify: boolean;
  forceDangerousFuses?: boolean;
  clockTrick: boolean;
}

export const flashCommand: CliCommand = {
  name: 'flash',
  register(program, ctx) {
    program
      .command('flash')
      .description('erase, write and verify a firmware (optionally merged with a bootloader), then set fuses')
      .argument('<firmware>', 'firmware image (.hex, .elf, .bin)')
      .option('--bootloader <file>', 'bootloader image to merge in memory (checked like `ispkit merge`)')
      .option('--fuses <preset>', 'write this bootloader preset\'s fuses last (see `ispkit fuses presets`)')
      .option('--lfuse <hex>', 'low fuse to write last')
      .option('--hfuse <hex>', 'high fuse to write last')
      .option('--efuse <hex>', 'extended fuse to write last')
      .option('--no-verify', 'skip reading the written pages back')
      .option('--no-clock-trick', 'never clear CKDIV8 temporarily on a factory-fused chip (programs slower)')
      .option('--force-dangerous-fuses', 'write fuses that would lock out ISP (SPIEN off, RSTDISBL, DWEN, external clock)')
      .action(
        ctx.action(async (run, firmwarePath: string, opts: FlashOptions) => {
          const { out } = run;
          const request = parseFuseRequest(opts, undefined);
          // read files before touching the chip: a typo must not cost an erase
          const firmwareImage = await loadImageFile(run.cwd, firmwarePath);
          if (opts.bootloader) await readInputBytes(run.cwd, opts.bootloader);
          await withTarget(run, async (t) => {
            const { part, session, target } = t;
            let image: MemoryImage;
            if (opts.bootloader) {
              const boot = await loadBootloaderFile(run.cwd, opts.bootloader, part);
              const merged = planMerge(part, { name: basename(firmwarePath), image: firmwareImage }, { name: basename(opts.bootloader), image: boot });
              for (const l of merged.summary) out.info(l);
              image = merged.merged;
            } else {
              checkWithinFlash(firmwareImage, basename(firmwarePath), part);
              image = firmwareImage;
            }
            if (request.preset && request.preset.part !== part.id) {
              throw usageError(`preset ${request.preset.id} is for ${request.preset.part}, but the target is ${part.name}`, 'see `ispkit fuses presets`');
            }
            const current = await readFuses(t);
            out.notice(`fuses now: low ${hex8(current.low)} high ${hex8(current.high)} ext ${hex8(current.ext)}`);
            const fusePlan = planFuses(part, current, request, { image, flashing: true });
            enforceDangers(fusePlan, opts.forceDangerousFuses === true);
            for (const w of fusePlan.warnings) out.warning(w);
            for (const n of fusePlan.notes) out.notice(n);

            const plan = planFlash(image, part);
            const state = newChipState();
            state.flashBytesPlanned = plan.bytes;
            const clock = planClock(part, current, session.info, { allowCkdiv8Trick: opts.clockTrick !== false && plan.bytes > 0 });
            const timings: Record<string, number> = {};
            let doing = 'preparing';
            try {
              if (clock.clearCkdiv8) {
                doing = 'clearing CKDIV8 temporarily';
                out.info(`speed: ${clock.explanation}`);
                const temporary = current.low | 0x80;
                await session.writeFuse(target, 'low', temporary);
                state.temporaryLowFuse = { original: current.low, now: temporary, final: fusePlan.final.low };
                await session.reenterProgmode(); // RESET released and asserted: the prescaler follows the new fuse
              } else {
                out.notice(`speed: ${clock.explanation}`);
              }
              doing = 'choosing the SCK speed';
              await applySpeed(run, t, clock);

              doing = 'erasing the chip';
              let started = Date.now();
              await session.chipErase(target);
              state.erased = true;
              timings['eraseMs'] = Date.now() - started;
              out.info(`erased the chip (${formatSeconds(timings['eraseMs'])})`);

              doing = 'writing flash';
              const progress = out.progress('writing flash', plan.bytes);
              started = Date.now();
              try {
                await session.writeFlash(target, plan.pages, (done) => {
                  state.flashBytesWritten = done;
                  progress.update(done);
                });
              } catch (err) {
                progress.abort();
                throw err;
              }
              timings['writeMs'] = Date.now() - started;
              progress.finish();
              if (plan.blankPagesSkipped) out.notice(`${plan.blankPagesSkipped} all-FF page(s) skipped (erased flash reads FF)`);

              if (opts.verify !== false) {
                doing = 'verifying flash';
                started = Date.now();
                await verifyRuns(run, t, plan.runs, (a) => image.byteAt(a) ?? 0xff);
                timings['verifyMs'] = Date.now() - started;
              }

              doing = 'writing fuses';
              const toWrite: Partial<Record<FuseName, number>> = {};
              for (const f of fusePlan.changes) toWrite[f] = fusePlan.final[f];
              if (state.temporaryLowFuse) toWrite.low = fusePlan.final.low;
              let fusesAfter = current;
              if (Object.keys(toWrite).length) {
                fusesAfter = await writeFusesChecked(run, t, toWrite, ['ext', 'high', 'low'], (f) => {
                  state.fusesWritten.push(f);
                  if (f === 'low') delete state.temporaryLowFuse;
                });
                const changed = fusePlan.changes.map((f) => `${f} ${hex8(fusePlan.final[f])}`).join(', ');
                out.info(
                  changed
                    ? `fuses written and read back: ${changed}${request.preset ? ` (${request.preset.name})` : ''}`
                    : `low fuse restored to ${hex8(fusePlan.final.low)} and read back`,
                );
              }
              const total = (timings['eraseMs'] ?? 0) + (timings['writeMs'] ?? 0) + (timings['verifyMs'] ?? 0);
              const rate = total > 0 ? (plan.bytes * 1000) / total : 0;
              run.out.result(
                'flash',
                {
                  port: t.conn.path,
                  part: part.id,
                  programmer: session.info.kind,
                  sck: t.sck,
                  bytesWritten: plan.bytes,
                  pagesWritten: plan.pages.length,
                  blankPagesSkipped: plan.blankPagesSkipped,
                  verified: opts.verify !== false,
                  clockTrick: clock.clearCkdiv8,
                  fuses: fusesAfter,
                  ...timings,
                  bytesPerSecond: Math.round(rate),
                },
                [
                  `flashed ${formatBytes(plan.bytes)} to ${part.name}${opts.verify !== false ? ' and verified' : ' (not verified)'} in ${formatSeconds(total)} (${formatRate(rate)}, ${t.sck})`,
                  `fuses: low ${hex8(fusesAfter.low)} high ${hex8(fusesAfter.high)} ext ${hex8(fusesAfter.ext)}`,
                ],
              );
            } catch (err) {
              // A temporary CKDIV8 change is undone if the link still works, so the chip keeps the fuses it should have.
              if (state.temporaryLowFuse && !isDisconnect(err) && !run.signal.aborted) {
                try {
                  await session.client.getSync();
                  await session.writeFuse(target, 'low', state.temporaryLowFuse.original);
                  state.temporaryLowFuse = undefined;
                  out.notice('restored the original low fuse after the failure');
                } catch {
                  // keep the state: the message says what the fuse is
                }
              }
              throw failureWithState(run, t, err, doing, state);
            }
          });
        }),
      );
  },
};
