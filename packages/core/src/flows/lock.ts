import { decodeLock } from '@ispkit/parts';
import { backupBeforeChange, withBackupNote, type BackupOptions } from '../backup.js';
import { usageError } from '../errors.js';
import { messages } from '../messages.js';
import { say, wordsOf, type FlowContext } from '../events.js';
import { hex8, parseByte } from '../format.js';
import { programmerError, type ProgrammerLink } from '../link.js';
import { speedUpWithoutFuseChanges, withTarget, type TargetOptions } from '../target.js';

/** Read and explain the lock bits. */
export async function readLockFlow(ctx: FlowContext, link: ProgrammerLink, options: TargetOptions = {}): Promise<Record<string, unknown>> {
  return withTarget(ctx, link, options, async (t) => {
    let value: number;
    try {
      value = await t.session.readLock(t.target);
    } catch (err) {
      throw programmerError(link.path, err, 'reading the lock bits', wordsOf(ctx));
    }
    const fields = decodeLock(t.part, value);
    const data = { lock: value, fields: fields.map((f) => ({ name: f.name, value: f.value, text: f.text })) };
    ctx.emit({ type: 'result', command: 'lock read', data, lines: [`lock bits: ${hex8(value)}`, ...fields.map((f) => `  ${f.name.padEnd(6)} ${f.text}`)] });
    return data;
  });
}

/** Parse a lock byte as typed (2F, 0x3C). */
export function parseLockByte(text: string): number {
  const value = parseByte(text);
  if (value === undefined) throw usageError(`${text} is not a byte`, 'give two hex digits, e.g. 2F');
  return value;
}

/** Write the lock bits and read them back under the part's mask (only a chip erase clears them again). */
export async function writeLockFlow(ctx: FlowContext, link: ProgrammerLink, options: TargetOptions & BackupOptions & { value: number }): Promise<Record<string, unknown>> {
  const { value } = options;
  return withTarget(ctx, link, options, async (t) => {
    // the last chance for a backup: read-protecting lock bits make the chip unreadable until an erase
    const saved = options.backup ? await backupBeforeChange(ctx, t, options, await speedUpWithoutFuseChanges(ctx, t)) : undefined;
    let after: number;
    say.step(ctx, 'lock', 'writing the lock bits');
    try {
      await t.session.writeLock(t.target, value);
      after = await t.session.readLock(t.target);
    } catch (err) {
      throw withBackupNote(programmerError(link.path, err, 'writing the lock bits', wordsOf(ctx)), saved);
    }
    const mask = t.part.lock.mask;
    if (((after ^ value) & mask) !== 0) {
      throw withBackupNote(messages.lockReadBack(value, after, mask), saved);
    }
    const data = { lock: after, ...(saved ? { backup: saved.location } : {}) };
    ctx.emit({ type: 'result', command: 'lock write', data, lines: [`lock bits: ${hex8(after)} (a chip erase clears them)`] });
    return data;
  });
}
