import { backupBeforeChange, withBackupNote, type BackupOptions } from '../backup.js';
import { newChipState } from '../chip-state.js';
import { say, type FlowContext } from '../events.js';
import { formatSeconds } from '../format.js';
import type { ProgrammerLink } from '../link.js';
import { failureWithState } from '../steps.js';
import { speedUpWithoutFuseChanges, withTarget, type TargetOptions } from '../target.js';

/** Chip erase: flash (and EEPROM unless EESAVE) become FF, lock bits clear; fuses stay. */
export async function erase(ctx: FlowContext, link: ProgrammerLink, options: TargetOptions & BackupOptions = {}): Promise<Record<string, unknown>> {
  const now = ctx.now ?? Date.now;
  return withTarget(ctx, link, options, async (t) => {
    const saved = options.backup ? await backupBeforeChange(ctx, t, options, await speedUpWithoutFuseChanges(ctx, t)) : undefined;
    const started = now();
    say.step(ctx, 'erase', 'erasing the chip');
    try {
      await t.session.chipErase(t.target);
    } catch (err) {
      throw withBackupNote(failureWithState(ctx, t, err, 'erasing the chip', newChipState()), saved);
    }
    const ms = now() - started;
    const data = { part: t.part.id, eraseMs: ms, ...(saved ? { backup: saved.location } : {}) };
    ctx.emit({ type: 'result', command: 'erase', data, lines: [`erased ${t.part.name} (${formatSeconds(ms)})`] });
    return data;
  });
}
