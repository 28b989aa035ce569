import { parseLockByte, readLockFlow, writeLockFlow } from '@ispkit/core';
import { addBackupOptions, backupSink, type BackupFlags } from '../backup-sink.js';
import type { CliCommand } from '../command.js';
import { withProgrammer } from '../device/open-link.js';
import { targetOptions } from './target-options.js';

export const lockCommand: CliCommand = {
  name: 'lock',
  register(program, ctx) {
    const lock = program.command('lock').description('read or write the lock bits');
    lock
      .command('read')
      .description('read and explain the lock bits')
      .action(
        ctx.action(async (run) => {
          await withProgrammer(run, (flow, link) => readLockFlow(flow, link, targetOptions(run)));
        }),
      );
    const write = lock
      .command('write')
      .description('write the lock bits (only a chip erase clears them again)')
      .argument('<hex>', 'lock byte, e.g. 2F or 0x3C');
    addBackupOptions(write).action(
        ctx.action(async (run, text: string, opts: BackupFlags) => {
          const value = parseLockByte(text);
          await withProgrammer(run, (flow, link) => writeLockFlow(flow, link, { ...targetOptions(run), value, ...backupSink(run, opts) }));
        }),
      );
  },
};
