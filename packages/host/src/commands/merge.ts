import { basename } from 'node:path';
import { serializeIntelHex } from '@ispkit/ihex';
import { getPart, getPreset } from '@ispkit/parts';
import type { CliCommand } from '../command.js';
import { loadBootloaderFile, loadImageFile, writeOutputFile } from '../files.js';
import { planMerge } from '@ispkit/core';
import { hex8 } from '@ispkit/core';

export const mergeCommand: CliCommand = {
  name: 'merge',
  register(program, ctx) {
    program
      .command('merge')
      .description('merge a firmware with a bootloader into one Intel HEX file (overlap, flash and boot-section checks; one EOF)')
      .argument('<firmware>', 'application image (.hex, .elf or .bin at address 0)')
      .argument('<bootloader>', 'bootloader image (.hex, .elf, or a .bin whose size is a boot section size)')
      .requiredOption('-o, --output <file>', 'merged Intel HEX file to write')
      .action(
        ctx.action(async ({ out, global, cwd }, firmwarePath: string, bootloaderPath: string, opts: { output: string }) => {
          const part = getPart(global.part ?? 'atmega32u4');
          const firmware = { name: basename(firmwarePath), image: await loadImageFile(cwd, firmwarePath) };
          const bootloader = { name: basename(bootloaderPath), image: await loadBootloaderFile(cwd, bootloaderPath, part) };
          const result = planMerge(part, firmware, bootloader);
          await writeOutputFile(cwd, opts.output, serializeIntelHex(result.merged));
          const known = result.recognised ? getPreset(result.recognised.entry.preset) : undefined;
          const presets = known ? [known] : result.bootloader.presets;
          const fuseLine = presets.length
            ? `fuses for it: ${presets.map((p) => `${p.id} (low ${hex8(p.fuses.low)} high ${hex8(p.fuses.high)} ext ${hex8(p.fuses.ext)})`).join(' or ')}`
            : `set BOOTSZ=${result.bootloader.bootsz.toString(2).padStart(2, '0')} and program BOOTRST (high fuse ${hex8(result.bootloader.suggestedHigh)} from factory)`;
          out.result(
            'merge',
            {
              output: opts.output,
              part: part.id,
              bytes: result.merged.byteCount,
              bootStart: result.bootloader.bootStart,
              bootSize: result.bootloader.bootSize,
              bootsz: result.bootloader.bootsz,
              suggestedHigh: result.bootloader.suggestedHigh,
              presets: presets.map((p) => p.id),
              ...(result.recognised ? { bootloaderName: result.recognised.entry.name, catalogue: result.recognised.entry.id } : {}),
            },
            [...result.summary, `wrote ${opts.output}: ${result.merged.byteCount} bytes`, fuseLine],
          );
        }),
      );
  },
};
