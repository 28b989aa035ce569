import { erase } from '@ispkit/core';
import { addBackupOptions, backupSink, type BackupFlags } from '../backup-sink.js';
import type { CliCommand } from '../command.js';
import { withProgrammer } from '../device/open-link.js';
import { targetOptions } from './target-options.js';

export const eraseCommand: CliCommand = {
  name: 'erase',
  register(program, ctx) {
    const cmd = program.command('erase').description('chip erase: flash (and EEPROM unless EESAVE) become FF, lock bits clear; fuses stay');
    addBackupOptions(cmd).action(
      ctx.action(async (run, opts: BackupFlags) => {
        await withProgrammer(run, (flow, link) => erase(flow, link, { ...targetOptions(run), ...backupSink(run, opts) }));
      }),
    );
  },
};
