import { basename } from 'node:path';
import { parseInput, verify } from '@ispkit/core';
import type { CliCommand } from '../command.js';
import { withProgrammer } from '../device/open-link.js';
import { targetOptions } from './target-options.js';
import { readInputBytes } from '../files.js';

export const verifyCommand: CliCommand = {
  name: 'verify',
  register(program, ctx) {
    program
      .command('verify')
      .description("compare the chip's flash with an image (only the bytes the image defines)")
      .argument('<file>', 'image (.hex, .elf, .bin)')
      .action(
        ctx.action(async (run, file: string) => {
          const name = basename(file);
          const image = parseInput(await readInputBytes(run.cwd, file), name);
          await withProgrammer(run, (flow, link) => verify(flow, link, { file: { name, image, path: file }, ...targetOptions(run) }));
        }),
      );
  },
};
