import { erase } from '@ispkit/core';
import type { CliCommand } from '../command.js';
import { withProgrammer } from '../device/open-link.js';
import { targetOptions } from './target-options.js';

export const eraseCommand: CliCommand = {
  name: 'erase',
  register(program, ctx) {
    program
      .command('erase')
      .description('chip erase: flash (and EEPROM unless EESAVE) become FF, lock bits clear; fuses stay')
      .action(
        ctx.action(async (run) => {
          await withProgrammer(run, (flow, link) => erase(flow, link, targetOptions(run)));
        }),
      );
  },
};
