/**
 * Step 5: everything ISP can read from the chip (flash, EEPROM, fuses, lock bits) in one ispkit backup file
 * (@ispkit/ihex's ELF backup format, restorable with `ispkit restore` or stock avrdude), offered as a download.
 * Nothing is written to the chip.
 */
import {
  formatBytes,
  hex8,
  programmerError,
  say,
  speedUpWithoutFuseChanges,
  startProgress,
  withTarget,
  type FlowContext,
  type ProgrammerLink,
} from '@ispkit/core';
import { encodeBackup } from '@ispkit/ihex';
import { formatSignature } from '@ispkit/parts';

export interface BackupFile {
  name: string;
  bytes: Uint8Array;
}

const TOOL = 'ispkit web page';

async function readAll(ctx: FlowContext, task: string, total: number, read: (p: (done: number) => void) => Promise<Uint8Array>): Promise<Uint8Array> {
  const progress = startProgress(ctx, task, total);
  try {
    const bytes = await read((d) => progress.update(d));
    progress.finish();
    return bytes;
  } catch (err) {
    progress.abort();
    throw err;
  }
}

export async function backupFlow(ctx: FlowContext, link: ProgrammerLink, save: (file: BackupFile) => void): Promise<BackupFile> {
  return withTarget(ctx, link, { part: 'atmega32u4' }, async (t) => {
    const fuses = await speedUpWithoutFuseChanges(ctx, t);
    let doing = 'reading the lock bits';
    try {
      const lock = await t.session.readLock(t.target);
      say.step(ctx, 'read', 'reading flash and EEPROM');
      doing = 'reading flash';
      const flash = await readAll(ctx, 'reading flash', t.part.flash.size, (p) => t.session.readFlash(t.target, 0, t.part.flash.size, p));
      doing = 'reading EEPROM';
      const eeprom = await readAll(ctx, 'reading eeprom', t.part.eeprom.size, (p) => t.session.readEeprom(t.target, 0, t.part.eeprom.size, p));
      const date = new Date();
      const bytes = encodeBackup({
        part: t.part.id,
        partName: t.part.name,
        signature: [t.signature[0]!, t.signature[1]!, t.signature[2]!],
        date: date.toISOString(),
        tool: TOOL,
        flash,
        eeprom,
        fuses,
        lock,
      });
      const file = { name: `${t.part.id}-backup-${date.toISOString().slice(0, 19).replace(/[:T]/g, '-')}.elf`, bytes };
      save(file);
      ctx.emit({
        type: 'result',
        command: 'backup',
        data: { part: t.part.id, signature: formatSignature(t.signature), flashBytes: flash.length, eepromBytes: eeprom.length, fuses, lock, file: file.name },
        lines: [
          `backed up ${t.part.name}: ${formatBytes(flash.length)} flash, ${formatBytes(eeprom.length)} EEPROM, fuses low ${hex8(fuses.low)} high ${hex8(fuses.high)} ext ${hex8(fuses.ext)}, lock ${hex8(lock)}`,
          `saved as ${file.name} (restore with \`ispkit restore ${file.name}\`, or avrdude -U flash:w:${file.name}:e)`,
        ],
      });
      return file;
    } catch (err) {
      throw programmerError(link.path, err, doing);
    }
  });
}
