import { backupBeforeChange, withBackupNote, type BackupOptions, type SavedBackup } from '../backup.js';
import { eepromRunsToWrite } from '../eeprom-pages.js';
import { IspkitError, usageError } from '../errors.js';
import { say, startProgress, wordsOf, type FlowContext } from '../events.js';
import { messages } from '../messages.js';
import { formatBytes, hex8 } from '../format.js';
import { programmerError, type ProgrammerLink } from '../link.js';
import { parseImageFile, type ImageFile, type ParsedImage } from '../load-input.js';
import { QMK_EECONFIG_HANDEDNESS, handednessByte, recogniseQmkEeprom, type Handedness } from '../qmk-eeprom.js';
import { verifyRuns } from '../steps.js';
import { speedUpWithoutFuseChanges, withTarget, type TargetHandle, type TargetOptions } from '../target.js';

export interface WriteEepromOptions extends TargetOptions, BackupOptions {
  /** EEPROM image; addresses are EEPROM byte addresses. */
  file: ImageFile | ParsedImage;
  verify?: boolean;
}

async function readAll(ctx: FlowContext, t: TargetHandle): Promise<Uint8Array> {
  try {
    return await t.session.readEeprom(t.target, 0, t.part.eeprom.size);
  } catch (err) {
    throw programmerError(t.conn.link.path, err, 'reading EEPROM', wordsOf(ctx));
  }
}

/**
 * Put `segments` into EEPROM, writing only the pages that differ from what the chip holds (known from the backup,
 * or read first: a page write costs ~9 ms whether or not its bytes change), then read the written pages back.
 * Failures name the backup.
 */
async function writeEepromBytes(
  ctx: FlowContext,
  t: TargetHandle,
  saved: SavedBackup | undefined,
  segments: readonly { address: number; data: Uint8Array }[],
  verify: boolean,
  known?: Uint8Array,
): Promise<{ bytesWritten: number; pagesWritten: number; pagesEqual: number }> {
  const current = known ?? saved?.backup.eeprom ?? (await readAll(ctx, t));
  const wanted = current.slice();
  for (const s of segments) wanted.set(s.data, s.address);
  const pageSize = t.part.eeprom.pageSize;
  const runs = eepromRunsToWrite(current, wanted, pageSize);
  const total = runs.reduce((n, r) => n + r.length, 0);
  say.step(ctx, 'write', 'writing eeprom');
  const progress = startProgress(ctx, 'writing eeprom', total);
  let base = 0;
  try {
    for (const r of runs) {
      await t.session.writeEeprom(t.target, r.start, wanted.subarray(r.start, r.start + r.length), (d) => progress.update(base + d));
      base += r.length;
    }
  } catch (err) {
    progress.abort();
    throw withBackupNote(programmerError(t.conn.link.path, err, `writing EEPROM (${base} of ${total} bytes written)`, wordsOf(ctx)), saved);
  }
  progress.finish();
  if (verify && runs.length) {
    try {
      await verifyRuns(ctx, t, runs, (a) => wanted[a], 'eeprom');
    } catch (err) {
      if (err instanceof IspkitError) throw withBackupNote(err, saved);
      throw withBackupNote(programmerError(t.conn.link.path, err, 'verifying EEPROM', wordsOf(ctx)), saved);
    }
  }
  const pages = Math.ceil(t.part.eeprom.size / pageSize);
  return { bytesWritten: total, pagesWritten: total / pageSize, pagesEqual: pages - total / pageSize };
}

/** Write an image to EEPROM (only the pages that differ; bytes the file leaves out keep the chip's value) and verify it. */
export async function writeEepromFlow(ctx: FlowContext, link: ProgrammerLink, options: WriteEepromOptions): Promise<Record<string, unknown>> {
  const { name, image } = parseImageFile(options.file, wordsOf(ctx));
  const verify = options.verify !== false;
  return withTarget(ctx, link, options, async (t) => {
    if (image.endAddress > t.part.eeprom.size) {
      throw messages.outsideEeprom(name, image.endAddress, t.part);
    }
    const fuses = await speedUpWithoutFuseChanges(ctx, t);
    const saved = await backupBeforeChange(ctx, t, options, fuses);
    const r = await writeEepromBytes(ctx, t, saved, image.segments, verify);
    const data = { file: name, bytes: image.byteCount, bytesWritten: r.bytesWritten, verified: verify, ...(saved ? { backup: saved.location } : {}) };
    ctx.emit({
      type: 'result',
      command: 'eeprom write',
      data,
      lines: [
        `${r.bytesWritten ? `wrote ${formatBytes(image.byteCount)} to EEPROM` : `EEPROM already holds the ${formatBytes(image.byteCount)} of ${name}`} (${r.pagesWritten} page${r.pagesWritten === 1 ? '' : 's'} written, ${r.pagesEqual} already equal)${verify && r.bytesWritten ? ' and verified' : ''}`,
      ],
    });
    return data;
  });
}

export interface HandednessOptions extends TargetOptions, BackupOptions {
  side: Handedness;
}

/**
 * A QMK split half's handedness (EE_HANDS): the byte QMK's eeprom-lefthand.eep / eeprom-righthand.eep put at
 * EECONFIG_HANDEDNESS, verified; the rest of the EEPROM is left as it is (those files also zero bytes 0–13, which
 * resets QMK's other settings).
 */
export async function handednessFlow(ctx: FlowContext, link: ProgrammerLink, options: HandednessOptions): Promise<Record<string, unknown>> {
  const { side } = options;
  if (side !== 'left' && side !== 'right') throw usageError(`"${String(side)}" is not a side`, 'use left or right');
  return withTarget(ctx, link, options, async (t) => {
    const fuses = await speedUpWithoutFuseChanges(ctx, t);
    const saved = await backupBeforeChange(ctx, t, options, fuses);
    const value = handednessByte(side);
    const current = saved?.backup.eeprom ?? (await readAll(ctx, t));
    const qmk = recogniseQmkEeprom(current);
    if (!qmk) {
      say.warning(
        ctx,
        `the EEPROM holds no QMK settings yet (word ${hex8(current[1] ?? 0xff)}${hex8(current[0] ?? 0xff)} at address 0): writing the handedness byte anyway; QMK keeps it when it sets up its EEPROM on the first boot`,
      );
    }
    const r = await writeEepromBytes(ctx, t, saved, [{ address: QMK_EECONFIG_HANDEDNESS, data: Uint8Array.of(value) }], true, current);
    const data = { side, address: QMK_EECONFIG_HANDEDNESS, value, changed: r.bytesWritten > 0, ...(qmk ? { qmkMagic: qmk.magic } : {}), ...(saved ? { backup: saved.location } : {}) };
    ctx.emit({
      type: 'result',
      command: 'eeprom handedness',
      data,
      lines: [`${r.bytesWritten ? 'set' : 'already'} ${side} hand: EEPROM byte ${QMK_EECONFIG_HANDEDNESS} (EECONFIG_HANDEDNESS) = ${hex8(value)}, verified; the rest of the EEPROM is untouched`],
    });
    return data;
  });
}
