import type { Command } from 'commander';
import { parseFuseRequest, readFusesFlow, writeFusesFlow, type FuseOptionsText } from '@ispkit/core';
import { usageError } from '../cli-error.js';
import { addBackupOptions, backupSink, type BackupFlags } from '../backup-sink.js';
import type { RegisterContext } from '../command.js';
import { withProgrammer } from '../device/open-link.js';
import { targetOptions } from './target-options.js';

/** `fuses read` / `fuses write` (need a programmer). */
export function registerFuseDeviceCommands(fuses: Command, ctx: RegisterContext): void {
  fuses
    .command('read')
    .description("read and explain the target's fuses")
    .action(
      ctx.action(async (run) => {
        await withProgrammer(run, (flow, link) => readFusesFlow(flow, link, targetOptions(run)));
      }),
    );
  const write = fuses
    .command('write')
    .description('write fuses (a preset and/or single bytes), then read them back under the part\'s mask')
    .option('--preset <name>', 'bootloader preset (see `ispkit fuses presets`)')
    .option('--lfuse <hex>', 'low fuse')
    .option('--hfuse <hex>', 'high fuse')
    .option('--efuse <hex>', 'extended fuse')
    .option('--force-dangerous-fuses', 'write values that would lock out ISP');
  addBackupOptions(write).action(
      ctx.action(async (run, opts: FuseOptionsText & BackupFlags & { forceDangerousFuses?: boolean }) => {
        const request = parseFuseRequest(opts, undefined);
        if (Object.keys(request.values).length === 0) throw usageError('nothing to write', 'give --preset <name> or --lfuse/--hfuse/--efuse');
        await withProgrammer(run, (flow, link) =>
          writeFusesFlow(flow, link, { ...targetOptions(run), fuses: request, forceDangerousFuses: opts.forceDangerousFuses === true, ...backupSink(run, opts) }),
        );
      }),
    );
}
