import { basename } from 'node:path';
import { flash, parseFuseRequest, parseInput, type FuseOptionsText } from '@ispkit/core';
import { addBackupOptions, backupSink, type BackupFlags } from '../backup-sink.js';
import type { CliCommand } from '../command.js';
import { withProgrammer } from '../device/open-link.js';
import { targetOptions } from './target-options.js';
import { readInputBytes } from '../files.js';
import { resolveBootloader } from '../bootloader-source.js';

interface FlashOptions extends FuseOptionsText, BackupFlags {
  bootloader?: string;
  bootloaderDir?: string;
  keepEeprom?: boolean;
  verify: boolean;
  forceDangerousFuses?: boolean;
  clockTrick: boolean;
}

export const flashCommand: CliCommand = {
  name: 'flash',
  register(program, ctx) {
    const cmd = program
      .command('flash')
      .description('erase, write and verify a firmware (optionally merged with a bootloader), then set fuses')
      .argument('<firmware>', 'firmware image (.hex, .elf, .bin)')
      .option('--bootloader <file|name>', 'bootloader image to merge in memory (checked like `ispkit merge`), or a name from `ispkit bootloaders`')
      .option('--bootloader-dir <folder>', 'folder holding the catalogue\'s bootloader files (for --bootloader <name>)')
      .option('--fuses <preset>', 'write this bootloader preset\'s fuses last (see `ispkit fuses presets`)')
      .option('--lfuse <hex>', 'low fuse to write last')
      .option('--hfuse <hex>', 'high fuse to write last')
      .option('--efuse <hex>', 'extended fuse to write last')
      .option('--no-verify', 'skip reading the written pages back')
      .option('--no-clock-trick', 'never clear CKDIV8 temporarily on a factory-fused chip (programs slower)')
      .option('--force-dangerous-fuses', 'write fuses that would lock out ISP (SPIEN off, RSTDISBL, DWEN, external clock)')
      .option('--keep-eeprom', 'leave the EEPROM (keymaps, settings) exactly as it is: EESAVE is programmed for the erase, your fuses are written last');
    addBackupOptions(cmd).action(
        ctx.action(async (run, firmwarePath: string, opts: FlashOptions) => {
          const request = parseFuseRequest(opts, undefined);
          // read files before touching the chip: a typo must not cost an erase
          const name = basename(firmwarePath);
          const firmware = { name, image: parseInput(await readInputBytes(run.cwd, firmwarePath), name) };
          const bootloader = opts.bootloader ? await resolveBootloader(run.cwd, opts.bootloader, opts.bootloaderDir) : undefined;
          await withProgrammer(run, (flow, link) =>
            flash(flow, link, {
              firmware,
              ...(bootloader ? { bootloader } : {}),
              fuses: request,
              verify: opts.verify !== false,
              clockTrick: opts.clockTrick !== false,
              forceDangerousFuses: opts.forceDangerousFuses === true,
              keepEeprom: opts.keepEeprom === true,
              ...backupSink(run, opts),
              ...targetOptions(run),
            }),
          );
        }),
      );
  },
};
