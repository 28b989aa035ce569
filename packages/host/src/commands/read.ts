import { readMemory, usageError } from '@ispkit/core';
import type { CliCommand } from '../command.js';
import { withProgrammer } from '../device/open-link.js';
import { outputFile } from '../files.js';
import { targetOptions } from './target-options.js';

export const readCommand: CliCommand = {
  name: 'read',
  register(program, ctx) {
    program
      .command('read')
      .description('read flash or EEPROM into an Intel HEX file')
      .argument('[memory]', 'flash or eeprom', 'flash')
      .requiredOption('-o, --output <file>', 'Intel HEX file to write')
      .action(
        ctx.action(async (run, memory: string, opts: { output: string }) => {
          if (memory !== 'flash' && memory !== 'eeprom') throw usageError(`unknown memory "${memory}"`, 'use flash or eeprom');
          await withProgrammer(run, (flow, link) => readMemory(flow, link, { ...targetOptions(run), memory, output: outputFile(run.cwd, opts.output) }));
        }),
      );
  },
};
