import { readChipBackup, storeBackup, type BackupSink } from '../backup.js';
import type { FlowContext } from '../events.js';
import { formatBytes, hex8 } from '../format.js';
import type { ProgrammerLink } from '../link.js';
import { speedUpWithoutFuseChanges, withTarget, type TargetOptions } from '../target.js';

export interface BackupFlowOptions extends TargetOptions {
  /** Where the backup goes (the CLI: `-o` or a new file in the backup folder; the page: a download). */
  backup: BackupSink;
}

/** Read the whole chip (flash, EEPROM, fuses, lock bits, signature) into one backup. Changes nothing. */
export async function backupFlow(ctx: FlowContext, link: ProgrammerLink, options: BackupFlowOptions): Promise<Record<string, unknown>> {
  const now = ctx.now ?? Date.now;
  return withTarget(ctx, link, options, async (t) => {
    const fuses = await speedUpWithoutFuseChanges(ctx, t);
    const started = now();
    const backup = await readChipBackup(ctx, t, options.backup.tool, fuses);
    const readMs = now() - started;
    const saved = await storeBackup(options.backup, backup);
    const data = {
      path: saved.location,
      part: backup.part,
      signature: backup.signature,
      flashBytes: backup.flash.length,
      eepromBytes: backup.eeprom.length,
      fuses: backup.fuses,
      lock: backup.lock,
      readMs,
    };
    ctx.emit({
      type: 'result',
      command: 'backup',
      data,
      lines: [
        `backed up ${t.part.name}: ${formatBytes(backup.flash.length)} flash, ${formatBytes(backup.eeprom.length)} EEPROM, fuses ${hex8(backup.fuses.low)} ${hex8(backup.fuses.high)} ${hex8(backup.fuses.ext)}, lock ${hex8(backup.lock)}`,
        `saved to ${saved.location}; restore with ${saved.restore}`,
      ],
    });
    return data;
  });
}
