import type { Command } from 'commander';
import { decodeFuses, type FuseName } from '@ispkit/parts';
import { usageError } from '../cli-error.js';
import type { RegisterContext } from '../command.js';
import { programmerError } from '../device/connect.js';
import { withTarget, writeFusesChecked } from '../device/steps.js';
import { readFuses } from '../device/target.js';
import { fuseReport } from '../fuse-report.js';
import { enforceDangers, parseFuseRequest, planFuses, type FuseOptionsText } from '../fuse-policy.js';
import { hex8, hexAddr } from '../output/format.js';

/** `fuses read` / `fuses write` (need a programmer). */
export function registerFuseDeviceCommands(fuses: Command, ctx: RegisterContext): void {
  fuses
    .command('read')
    .description("read and explain the target's fuses")
    .action(
      ctx.action(async (run) => {
        await withTarget(run, async (t) => {
          const values = await readFuses(t);
          const { data, lines } = fuseReport(t.part, values);
          run.out.result('fuses read', data, lines);
        });
      }),
    );
  fuses
    .command('write')
    .description('write fuses (a preset and/or single bytes), then read them back under the part\'s mask')
    .option('--preset <name>', 'bootloader preset (see `ispkit fuses presets`)')
    .option('--lfuse <hex>', 'low fuse')
    .option('--hfuse <hex>', 'high fuse')
    .option('--efuse <hex>', 'extended fuse')
    .option('--force-dangerous-fuses', 'write values that would lock out ISP')
    .action(
      ctx.action(async (run, opts: FuseOptionsText & { forceDangerousFuses?: boolean }) => {
        const request = parseFuseRequest(opts, undefined);
        if (Object.keys(request.values).length === 0) throw usageError('nothing to write', 'give --preset <name> or --lfuse/--hfuse/--efuse');
        await withTarget(run, async (t) => {
          if (request.preset && request.preset.part !== t.part.id) throw usageError(`preset ${request.preset.id} is for ${request.preset.part}, but the target is ${t.part.name}`);
          const current = await readFuses(t);
          const plan = planFuses(t.part, current, request, { flashing: false });
          enforceDangers(plan, opts.forceDangerousFuses === true);
          for (const w of plan.warnings) run.out.warning(w);
          for (const n of plan.notes) run.out.notice(n);
          const decoded = decodeFuses(t.part, plan.final);
          if (decoded.bootrst) {
            const probe = await t.session.readFlash(t.target, decoded.bootStart, t.part.flash.pageSize);
            if (probe.every((b) => b === 0xff)) run.out.warning(`BOOTRST will be programmed but flash at the boot section start ${hexAddr(decoded.bootStart)} is erased: reset would run empty flash until a bootloader is written there`);
          }
          const toWrite: Partial<Record<FuseName, number>> = {};
          for (const f of plan.changes) toWrite[f] = plan.final[f];
          let after = current;
          try {
            if (plan.changes.length) after = await writeFusesChecked(run, t, toWrite, ['ext', 'high', 'low']);
          } catch (err) {
            if (err instanceof Error && err.name === 'CliError') throw err;
            throw programmerError(t.conn.path, err, 'writing fuses');
          }
          const lines = plan.changes.length
            ? [`wrote ${plan.changes.map((f) => `${f} ${hex8(plan.final[f])}`).join(', ')}; read back: low ${hex8(after.low)} high ${hex8(after.high)} ext ${hex8(after.ext)}`]
            : [`fuses already set: low ${hex8(after.low)} high ${hex8(after.high)} ext ${hex8(after.ext)}`];
          run.out.result('fuses write', { written: plan.changes, fuses: after, preset: request.preset?.id }, lines);
        });
      }),
    );
}
