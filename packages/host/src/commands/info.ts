import { info } from '@ispkit/core';
import type { CliCommand } from '../command.js';
import { withProgrammer } from '../device/open-link.js';
import { targetOptions } from './target-options.js';

export const infoCommand: CliCommand = {
  name: 'info',
  register(program, ctx) {
    program
      .command('info')
      .description('programmer (sign-on, versions, SCK), target signature and part, fuses decoded, lock bits')
      .action(
        ctx.action(async (run) => {
          await withProgrammer(run, (flow, link) => info(flow, link, targetOptions(run)));
        }),
      );
  },
};
