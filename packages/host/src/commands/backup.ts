import { backupFlow } from '@ispkit/core';
import { backupDirFor, fileSink, folderSink } from '../backup-sink.js';
import type { CliCommand } from '../command.js';
import { withProgrammer } from '../device/open-link.js';
import { targetOptions } from './target-options.js';

export const backupCommand: CliCommand = {
  name: 'backup',
  register(program, ctx) {
    program
      .command('backup')
      .description('read the whole chip (flash, EEPROM, fuses, lock bits, signature) into one backup file; changes nothing')
      .option('-o, --output <file>', 'backup file to write (an .elf avrdude also reads with :e); default: a new file in the backup folder')
      .option('--backup-dir <dir>', 'folder for the new file when -o is not given (default $ISPKIT_BACKUP_DIR, else ~/.local/share/ispkit/backups or the OS equivalent)')
      .action(
        ctx.action(async (run, opts: { output?: string; backupDir?: string }) => {
          const sink = opts.output !== undefined ? fileSink(run, opts.output) : folderSink(backupDirFor(run, opts));
          await withProgrammer(run, (flow, link) => backupFlow(flow, link, { ...targetOptions(run), backup: sink }));
        }),
      );
  },
};
