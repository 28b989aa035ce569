import { newChipState } from '../chip-state.js';
import type { CliCommand } from '../command.js';
import { failureWithState, withTarget } from '../device/steps.js';
import { formatSeconds } from '../output/format.js';

export const eraseCommand: CliCommand = {
  name: 'erase',
  register(program, ctx) {
    program
      .command('erase')
      .description('chip erase: flash (and EEPROM unless EESAVE) become FF, lock bits clear; fuses stay')
      .action(
        ctx.action(async (run) => {
          await withTarget(run, async (t) => {
            const started = Date.now();
            try {
              await t.session.chipErase(t.target);
            } catch (err) {
              throw failureWithState(run, t, err, 'erasing the chip', newChipState());
            }
            const ms = Date.now() - started;
            run.out.result('erase', { part: t.part.id, eraseMs: ms }, [`erased ${t.part.name} (${formatSeconds(ms)})`]);
          });
        }),
      );
  },
};
