import { basename } from 'node:path';
import { parseBackupFile, restoreFlow } from '@ispkit/core';
import { addBackupOptions, backupSink, type BackupFlags } from '../backup-sink.js';
import type { CliCommand } from '../command.js';
import { withProgrammer } from '../device/open-link.js';
import { readInputBytes } from '../files.js';
import { targetOptions } from './target-options.js';

interface RestoreFlags extends BackupFlags {
  verify: boolean;
  clockTrick: boolean;
  forceDangerousFuses?: boolean;
}

export const restoreCommand: CliCommand = {
  name: 'restore',
  register(program, ctx) {
    const cmd = program
      .command('restore')
      .description('put a backup back: check the signature, erase, write flash and EEPROM, then fuses and lock bits last; verify all of it')
      .argument('<file>', 'backup file written by `ispkit backup` or before a change (.elf)')
      .option('--no-verify', 'skip reading flash and EEPROM back')
      .option('--no-clock-trick', 'never clear CKDIV8 temporarily on a factory-fused chip (programs slower)')
      .option('--force-dangerous-fuses', 'write backed-up fuses even if they would lock out ISP');
    addBackupOptions(cmd).action(
      ctx.action(async (run, path: string, opts: RestoreFlags) => {
        const file = { name: basename(path), bytes: await readInputBytes(run.cwd, path) };
        // a damaged file is refused before the programmer is opened
        parseBackupFile(file);
        await withProgrammer(run, (flow, link) =>
          restoreFlow(flow, link, {
            ...targetOptions(run),
            file,
            verify: opts.verify !== false,
            clockTrick: opts.clockTrick !== false,
            forceDangerousFuses: opts.forceDangerousFuses === true,
            ...backupSink(run, opts),
          }),
        );
      }),
    );
  },
};
