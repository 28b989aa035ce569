import { basename } from 'node:path';
import type { CliCommand } from '../command.js';
import { programmerError } from '../device/connect.js';
import { verifyRuns, withTarget } from '../device/steps.js';
import { loadImageFile } from '../files.js';
import { checkWithinFlash } from '../load-input.js';
import { CliError } from '../cli-error.js';
import { formatBytes } from '../output/format.js';
import { speedUpWithoutFuseChanges } from './device-helpers.js';

export const verifyCommand: CliCommand = {
  name: 'verify',
  register(program, ctx) {
    program
      .command('verify')
      .description("compare the chip's flash with an image (only the bytes the image defines)")
      .argument('<file>', 'image (.hex, .elf, .bin)')
      .action(
        ctx.action(async (run, file: string) => {
          const image = await loadImageFile(run.cwd, file);
          await withTarget(run, async (t) => {
            checkWithinFlash(image, basename(file), t.part);
            await speedUpWithoutFuseChanges(run, t);
            const runs = image.segments.map((s) => {
              const start = s.address & ~1;
              const end = (s.address + s.data.length + 1) & ~1;
              return { start, length: end - start };
            });
            let total: number;
            try {
              total = await verifyRuns(run, t, runs, (a) => image.byteAt(a));
            } catch (err) {
              if (err instanceof CliError) throw err;
              throw programmerError(t.conn.path, err, 'verifying');
            }
            run.out.result('verify', { file, bytes: image.byteCount, read: total, equal: true }, [`${basename(file)}: ${formatBytes(image.byteCount)} match the chip`]);
          });
        }),
      );
  },
};
