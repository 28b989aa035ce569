import { bootloaderPresets, getPart } from '@ispkit/parts';
import { usageError } from '../cli-error.js';
import type { CliCommand } from '../command.js';
import { fuseReport } from '@ispkit/core';
import { hex8, parseByte } from '@ispkit/core';
import { registerFuseDeviceCommands } from './fuses-device.js';

export function parseFuseOption(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const v = parseByte(text);
  if (v === undefined) throw usageError(`--${name} ${text} is not a byte`, 'give two hex digits, e.g. 5E or 0x5E');
  return v;
}

export const fusesCommand: CliCommand = {
  name: 'fuses',
  register(program, ctx) {
    const fuses = program.command('fuses').description('decode, read and write fuses; list bootloader presets');
    fuses
      .command('decode')
      .description('explain fuse values (no programmer needed)')
      .requiredOption('--low <hex>', 'low fuse, e.g. 5E')
      .requiredOption('--high <hex>', 'high fuse, e.g. 99')
      .requiredOption('--ext <hex>', 'extended fuse, e.g. F3')
      .action(
        ctx.action(async ({ out, global }, opts: { low: string; high: string; ext: string }) => {
          const part = getPart(global.part ?? 'atmega32u4');
          const values = { low: parseFuseOption('low', opts.low)!, high: parseFuseOption('high', opts.high)!, ext: parseFuseOption('ext', opts.ext)! };
          const { data, lines } = fuseReport(part, values);
          out.result('fuses decode', data, lines);
        }),
      );
    fuses
      .command('presets')
      .description('bootloader presets: fuses and the flash region each bootloader occupies')
      .action(
        ctx.action(async ({ out, global }) => {
          const list = global.part ? bootloaderPresets.filter((p) => p.part === getPart(global.part!).id) : bootloaderPresets;
          const lines: string[] = [];
          for (const p of list) {
            lines.push(`${p.id.padEnd(13)} ${p.name}: low ${hex8(p.fuses.low)} high ${hex8(p.fuses.high)} ext ${hex8(p.fuses.ext)}, ${p.region.size} B at 0x${p.region.start.toString(16).toUpperCase()} (${p.part})${p.fusesVerified ? '' : ' [fuses not published by its maker]'}${p.auxBelow ? `, plus ${p.auxBelow} B of its code below that` : ''}`);
            lines.push(`${''.padEnd(14)}${p.description}`);
            for (const a of p.alternatives) lines.push(`${''.padEnd(14)}also: low ${hex8(a.fuses.low)} high ${hex8(a.fuses.high)} ext ${hex8(a.fuses.ext)} — ${a.note}`);
          }
          out.result(
            'fuses presets',
            list.map((p) => ({ id: p.id, name: p.name, part: p.part, fuses: p.fuses, region: p.region, ...(p.auxBelow ? { auxBelow: p.auxBelow } : {}), verified: p.fusesVerified, description: p.description, alternatives: p.alternatives })),
            lines,
          );
        }),
      );
    registerFuseDeviceCommands(fuses, ctx);
  },
};
