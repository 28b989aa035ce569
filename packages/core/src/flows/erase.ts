import { newChipState } from '../chip-state.js';
import { say, type FlowContext } from '../events.js';
import { formatSeconds } from '../format.js';
import type { ProgrammerLink } from '../link.js';
import { failureWithState } from '../steps.js';
import { withTarget, type TargetOptions } from '../target.js';

/** Chip erase: flash (and EEPROM unless EESAVE) become FF, lock bits clear; fuses stay. */
export async function erase(ctx: FlowContext, link: ProgrammerLink, options: TargetOptions = {}): Promise<Record<string, unknown>> {
  const now = ctx.now ?? Date.now;
  return withTarget(ctx, link, options, async (t) => {
    const started = now();
    say.step(ctx, 'erase', 'erasing the chip');
    try {
      await t.session.chipErase(t.target);
    } catch (err) {
      throw failureWithState(ctx, t, err, 'erasing the chip', newChipState());
    }
    const ms = now() - started;
    const data = { part: t.part.id, eraseMs: ms };
    ctx.emit({ type: 'result', command: 'erase', data, lines: [`erased ${t.part.name} (${formatSeconds(ms)})`] });
    return data;
  });
}
