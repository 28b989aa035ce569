import { decodeLock } from '@ispkit/parts';
import { CliError, ExitCode, usageError } from '../cli-error.js';
import type { CliCommand } from '../command.js';
import { programmerError } from '../device/connect.js';
import { withTarget } from '../device/steps.js';
import { hex8, parseByte } from '../output/format.js';

export const lockCommand: CliCommand = {
  name: 'lock',
  register(program, ctx) {
    const lock = program.command('lock').description('read or write the lock bits');
    lock
      .command('read')
      .description('read and explain the lock bits')
      .action(
        ctx.action(async (run) => {
          await withTarget(run, async (t) => {
            let value: number;
            try {
              value = await t.session.readLock(t.target);
            } catch (err) {
              throw programmerError(t.conn.path, err, 'reading the lock bits');
            }
            const fields = decodeLock(t.part, value);
            run.out.result('lock read', { lock: value, fields: fields.map((f) => ({ name: f.name, value: f.value, text: f.text })) }, [
              `lock bits: ${hex8(value)}`,
              ...fields.map((f) => `  ${f.name.padEnd(6)} ${f.text}`),
            ]);
          });
        }),
      );
    lock
      .command('write')
      .description('write the lock bits (only a chip erase clears them again)')
      .argument('<hex>', 'lock byte, e.g. 2F or 0x3C')
      .action(
        ctx.action(async (run, text: string) => {
          const value = parseByte(text);
          if (value === undefined) throw usageError(`${text} is not a byte`, 'give two hex digits, e.g. 2F');
          await withTarget(run, async (t) => {
            let after: number;
            try {
              await t.session.writeLock(t.target, value);
              after = await t.session.readLock(t.target);
            } catch (err) {
              throw programmerError(t.conn.path, err, 'writing the lock bits');
            }
            const mask = t.part.lock.mask;
            if (((after ^ value) & mask) !== 0) {
              throw new CliError(`the lock bits read back ${hex8(after)} after writing ${hex8(value)} (mask ${hex8(mask)}); lock bits can only be programmed (1 → 0) until a chip erase`, {
                exitCode: ExitCode.VERIFY,
                code: 'lock-verify',
              });
            }
            run.out.result('lock write', { lock: after }, [`lock bits: ${hex8(after)} (a chip erase clears them)`]);
          });
        }),
      );
  },
};
