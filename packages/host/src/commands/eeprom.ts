import { basename } from 'node:path';
import { parseInput, readEepromFlow, writeEepromFlow } from '@ispkit/core';
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
    eeprom
      .command('write')
      .description('write an image (.hex/.eep/.bin) to EEPROM and verify it')
      .argument('<file>', 'EEPROM image; addresses are EEPROM byte addresses')
      .option('--no-verify', 'skip reading it back')
      .action(
        ctx.action(async (run, file: string, opts: { verify: boolean }) => {
          const image = parseInput(await readInputBytes(run.cwd, file), basename(file));
          // messages name the file as typed
          await withProgrammer(run, (flow, link) => writeEepromFlow(flow, link, { ...targetOptions(run), file: { name: file, image }, verify: opts.verify !== false }));
        }),
      );
  },
};
