import { MemoryImage, serializeIntelHex } from '@ispkit/ihex';
import { usageError } from '../cli-error.js';
import type { CliCommand } from '../command.js';
import { programmerError } from '../device/connect.js';
import { withTarget } from '../device/steps.js';
import { writeOutputFile } from '../files.js';
import { formatBytes } from '../output/format.js';
import { speedUpWithoutFuseChanges } from './device-helpers.js';

/** Drop trailing 0xFF (erased) bytes, as avrdude does when writing a read-back to a file. */
export function trimErased(bytes: Uint8Array): Uint8Array {
  let end = bytes.length;
  while (end > 0 && bytes[end - 1] === 0xff) end--;
  return bytes.subarray(0, end);
}

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
          await withTarget(run, async (t) => {
            await speedUpWithoutFuseChanges(run, t);
            const size = memory === 'flash' ? t.part.flash.size : t.part.eeprom.size;
            const progress = run.out.progress(`reading ${memory}`, size);
            let bytes: Uint8Array;
            try {
              bytes =
                memory === 'flash'
                  ? await t.session.readFlash(t.target, 0, size, (d) => progress.update(d))
                  : await t.session.readEeprom(t.target, 0, size, (d) => progress.update(d));
            } catch (err) {
              progress.abort();
              throw programmerError(t.conn.path, err, `reading ${memory}`);
            }
            progress.finish();
            const used = trimErased(bytes);
            await writeOutputFile(run.cwd, opts.output, serializeIntelHex(MemoryImage.fromBinary(used, 0)));
            run.out.result('read', { memory, output: opts.output, bytes: used.length, size }, [
              `read ${formatBytes(size)} of ${memory}; wrote ${opts.output} (${formatBytes(used.length)} before the trailing erased bytes)`,
            ]);
          });
        }),
      );
  },
};
