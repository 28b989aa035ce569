import { resolve } from 'node:path';
import { bootloaderCatalogue, getPart, getPreset } from '@ispkit/parts';
import type { CliCommand } from '../command.js';
import { catalogueFileState, sourceText } from '../bootloader-source.js';

function hex4(n: number): string {
  return n.toString(16).toUpperCase().padStart(4, '0');
}

export const bootloadersCommand: CliCommand = {
  name: 'bootloaders',
  register(program, ctx) {
    program
      .command('bootloaders')
      .description('the bootloader catalogue: what each image is, its part, boot section, fuse preset, USB ids and where to get it')
      .option('--dir <folder>', 'also say which catalogued files are in this folder and match')
      .action(
        ctx.action(async ({ out, cwd }, opts: { dir?: string }) => {
          const rows = [];
          const lines: string[] = [];
          for (const e of bootloaderCatalogue) {
            const preset = getPreset(e.preset);
            const state = opts.dir ? await catalogueFileState(resolve(cwd, opts.dir), e) : undefined;
            const usb = e.usb.map((u) => `${hex4(u.vid)}:${hex4(u.pid)}`).join(', ') || 'none';
            rows.push({ ...e, fuses: preset.fuses, ...(state ? { file: state } : {}) });
            lines.push(`${e.id}${state ? `  [${state === 'ok' ? 'in folder' : state}]` : ''}`);
            const aux = preset.auxBelow ? ` + ${preset.auxBelow / 1024} KB below it` : '';
            lines.push(`  ${e.name}: ${getPart(e.part).name}, ${e.bootSize >= 1024 ? `${e.bootSize / 1024} KB` : `${e.bootSize} B`} boot section${aux}, USB ${usb}`);
            lines.push(
              `  fuses: --fuses ${e.preset} (low ${preset.fuses.low.toString(16).toUpperCase()} high ${preset.fuses.high.toString(16).toUpperCase()} ext ${preset.fuses.ext.toString(16).toUpperCase()})`,
            );
            const origin = e.fileName || e.digest ? '' : e.preloaded ? ' (preloaded on the boards; no image published)' : ' (built from source)';
            lines.push(`  ${e.preloaded ? 'known from' : 'get it'}: ${sourceText(e)}${origin}${e.replaceWith ? `; to flash one: --bootloader ${e.replaceWith}` : ''}`);
            if (e.digest) lines.push(`  sha256 of its flash bytes ${hex4(e.digest.start)}..${hex4(e.digest.end - 1)}: ${e.digest.sha256}`);
            if (e.note) lines.push(`  note: ${e.note}`);
          }
          lines.push('flash one by name: ispkit flash <firmware> --bootloader <name> --bootloader-dir <folder with the file> --fuses <preset>');
          out.result('bootloaders', { bootloaders: rows }, lines);
        }),
      );
  },
};
