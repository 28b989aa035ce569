import { basename } from 'node:path';
import { getPart } from '@ispkit/parts';
import type { CliCommand } from '../command.js';
import { loadImageFile } from '../files.js';
import { hexReport } from '@ispkit/core';

export const hexCommand: CliCommand = {
  name: 'hex',
  register(program, ctx) {
    const hex = program.command('hex').description('inspect firmware images');
    hex
      .command('info')
      .description('ranges, bytes, pages used, blank pages and a likely bootloader')
      .argument('<file>', 'image (.hex, .elf or .bin)')
      .action(
        ctx.action(async ({ out, global, cwd }, file: string) => {
          const part = getPart(global.part ?? 'atmega32u4');
          const image = await loadImageFile(cwd, file);
          const { data, lines } = hexReport(image, basename(file), part);
          out.result('hex info', data, lines);
        }),
      );
  },
};
