import { MemoryImage, serializeIntelHex } from '@ispkit/ihex';
import { CliError } from '../cli-error.js';
import type { CliCommand } from '../command.js';
import { programmerError } from '../device/connect.js';
import { verifyRuns, withTarget } from '../device/steps.js';
import { loadImageFile, writeOutputFile } from '../files.js';
import { formatBytes, hexAddr } from '../output/format.js';
import { speedUpWithoutFuseChanges } from './device-helpers.js';

export const eepromCommand: CliCommand = {
  name: 'eeprom',
  register(program, ctx) {
    const eeprom = program.command('eeprom').description('read or write the EEPROM');
    eeprom
      .command('read')
      .description('read the whole EEPROM into an Intel HEX file')
      .requiredOption('-o, --output <file>', 'Intel HEX file to write')
      .action(
        ctx.action(async (run, opts: { output: string }) => {
          await withTarget(run, async (t) => {
            await speedUpWithoutFuseChanges(run, t);
            const progress = run.out.progress('reading eeprom', t.part.eeprom.size);
            let bytes: Uint8Array;
            try {
              bytes = await t.session.readEeprom(t.target, 0, t.part.eeprom.size, (d) => progress.update(d));
            } catch (err) {
              progress.abort();
              throw programmerError(t.conn.path, err, 'reading EEPROM');
            }
            progress.finish();
            await writeOutputFile(run.cwd, opts.output, serializeIntelHex(MemoryImage.fromBinary(bytes, 0)));
            run.out.result('eeprom read', { output: opts.output, bytes: bytes.length }, [`wrote ${opts.output} (${formatBytes(bytes.length)} of EEPROM)`]);
          });
        }),
      );
    eeprom
      .command('write')
      .description('write an image (.hex/.eep/.bin) to EEPROM and verify it')
      .argument('<file>', 'EEPROM image; addresses are EEPROM byte addresses')
      .option('--no-verify', 'skip reading it back')
      .action(
        ctx.action(async (run, file: string, opts: { verify: boolean }) => {
          const image = await loadImageFile(run.cwd, file);
          await withTarget(run, async (t) => {
            if (image.endAddress > t.part.eeprom.size) {
              throw new CliError(`${file} has data up to ${hexAddr(image.endAddress - 1)}, beyond ${t.part.name}'s ${formatBytes(t.part.eeprom.size)} EEPROM`, { code: 'outside-eeprom' });
            }
            await speedUpWithoutFuseChanges(run, t);
            // Whole aligned runs: stock ArduinoISP addresses EEPROM in words, so runs start and end on even bytes.
            const runs = image.segments.map((s) => {
              const start = s.address & ~1;
              const end = Math.min(t.part.eeprom.size, (s.address + s.data.length + 1) & ~1);
              return { start, length: end - start };
            });
            const total = runs.reduce((n, r) => n + r.length, 0);
            const progress = run.out.progress('writing eeprom', total);
            let base = 0;
            try {
              for (const r of runs) {
                const current = image.read(r.start, r.length);
                // bytes the file leaves undefined at run edges keep the chip's value
                if (image.byteAt(r.start) === undefined || image.byteAt(r.start + r.length - 1) === undefined) {
                  const chip = await t.session.readEeprom(t.target, r.start, r.length);
                  for (let i = 0; i < r.length; i++) if (image.byteAt(r.start + i) === undefined) current[i] = chip[i]!;
                }
                await t.session.writeEeprom(t.target, r.start, current, (d) => progress.update(base + d));
                base += r.length;
              }
            } catch (err) {
              progress.abort();
              throw programmerError(t.conn.path, err, 'writing EEPROM');
            }
            progress.finish();
            if (opts.verify !== false) {
              try {
                await verifyRuns(run, t, runs, (a) => image.byteAt(a), 'eeprom');
              } catch (err) {
                if (err instanceof CliError) throw err;
                throw programmerError(t.conn.path, err, 'verifying EEPROM');
              }
            }
            run.out.result('eeprom write', { file, bytes: image.byteCount, verified: opts.verify !== false }, [
              `wrote ${formatBytes(image.byteCount)} to EEPROM${opts.verify !== false ? ' and verified' : ''}`,
            ]);
          });
        }),
      );
  },
};
