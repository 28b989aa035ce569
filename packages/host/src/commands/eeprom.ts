import { basename } from 'node:path';
import { handednessFlow, parseHandedness, parseInput, readEepromFlow, writeEepromFlow } from '@ispkit/core';
import { addBackupOptions, backupSink, type BackupFlags } from '../backup-sink.js';
import { usageError } from '../cli-error.js';
import type { CliCommand } from '../command.js';
import { withProgrammer } from '../device/open-link.js';
import { outputFile, readInputBytes } from '../files.js';
import { targetOptions } from './target-options.js';

export const eepromCommand: CliCommand = {
  name: 'eeprom',
  register(program, ctx) {
    const eeprom = program.command('eeprom').description('read or write the EEPROM');
    eeprom
      .command('read')
      .description('read the whole EEPROM into an Intel HEX file')
      .requiredOption('-o, --output <file>', 'Intel HEX file to write')
      .action(
        ctx.action(async (run, opts: { output: string }) => {
          await withProgrammer(run, (flow, link) => readEepromFlow(flow, link, { ...targetOptions(run), output: outputFile(run.cwd, opts.output) }));
        }),
      );
    const write = eeprom
      .command('write')
      .description('write an image (.hex/.eep/.bin) to EEPROM (only the pages that differ) and verify it')
      .argument('<file>', 'EEPROM image; addresses are EEPROM byte addresses')
      .option('--no-verify', 'skip reading it back');
    addBackupOptions(write).action(
      ctx.action(async (run, file: string, opts: BackupFlags & { verify: boolean }) => {
        const image = parseInput(await readInputBytes(run.cwd, file), basename(file));
        // messages name the file as typed
        await withProgrammer(run, (flow, link) =>
          writeEepromFlow(flow, link, { ...targetOptions(run), file: { name: file, image }, verify: opts.verify !== false, ...backupSink(run, opts) }),
        );
      }),
    );
    const hand = eeprom
      .command('handedness')
      .description("set a QMK split keyboard half's handedness (EE_HANDS): the byte QMK's eeprom-lefthand.eep / eeprom-righthand.eep set, nothing else")
      .argument('<side>', 'left or right');
    addBackupOptions(hand).action(
      ctx.action(async (run, text: string, opts: BackupFlags) => {
        const side = parseHandedness(text);
        if (!side) throw usageError(`"${text}" is not a side`, 'use left or right');
        await withProgrammer(run, (flow, link) => handednessFlow(flow, link, { ...targetOptions(run), side, ...backupSink(run, opts) }));
      }),
    );
  },
};
