import { formatSignature } from '@ispkit/parts';
import { describeProgrammer, formatHz, ispkitSckHz } from '@ispkit/stk500';
import type { CliCommand } from '../command.js';
import { programmerError } from '../device/connect.js';
import { withTarget } from '../device/steps.js';
import { readFuses } from '../device/target.js';
import { fuseReport } from '../fuse-report.js';
import { hex8 } from '../output/format.js';

export const infoCommand: CliCommand = {
  name: 'info',
  register(program, ctx) {
    program
      .command('info')
      .description('programmer (sign-on, versions, SCK), target signature and part, fuses decoded, lock bits')
      .action(
        ctx.action(async (run) => {
          await withTarget(run, async (t) => {
            const fuses = await readFuses(t);
            let lock: number;
            try {
              lock = await t.session.readLock(t.target);
            } catch (err) {
              throw programmerError(t.conn.path, err, 'reading the lock bits');
            }
            const info = t.session.info;
            const report = fuseReport(t.part, fuses);
            run.out.result(
              'info',
              {
                port: t.conn.path,
                programmer: { ...info, sckHz: info.sckDuration !== undefined ? ispkitSckHz(info.sckDuration) : undefined },
                target: { part: t.part.id, name: t.part.name, signature: formatSignature(t.signature) },
                fuses: report.data,
                lock,
              },
              [
                `programmer: ${describeProgrammer(info)} on ${t.conn.path}${info.sckDuration !== undefined ? `, SCK ${formatHz(ispkitSckHz(info.sckDuration))}` : ''}`,
                `target: ${t.part.name}, signature ${formatSignature(t.signature)}, flash ${t.part.flash.size} B (${t.part.flash.pageSize} B pages), EEPROM ${t.part.eeprom.size} B`,
                ...report.lines,
                `lock bits: ${hex8(lock)}${lock === 0xff ? ' (no locks)' : ''}`,
              ],
            );
          });
        }),
      );
  },
};
