/**
 * What a backup file holds, in the words every front end shows before a restore: the part, signature, date and
 * tool; the memories and how much of each is not blank; the fuses and lock bits; QMK's settings and handedness
 * when its EEPROM holds them. Pure.
 */
import type { ChipBackup } from '@ispkit/ihex';
import { formatSignature } from '@ispkit/parts';
import { formatBytes, hex8 } from './format.js';
import { qmkEepromLine, recogniseQmkEeprom } from './qmk-eeprom.js';

function used(memory: Uint8Array): string {
  const n = memory.reduce((count, b) => count + (b === 0xff ? 0 : 1), 0);
  return n === 0 ? 'all blank' : `${formatBytes(n)} not blank`;
}

export function describeBackup(backup: ChipBackup): string[] {
  const { fuses, lock } = backup;
  const qmk = recogniseQmkEeprom(backup.eeprom);
  return [
    `backup of ${backup.partName} (signature ${formatSignature(backup.signature)}) made ${backup.date} by ${backup.tool}; its checksums are good`,
    `it holds ${formatBytes(backup.flash.length)} of flash (${used(backup.flash)}), ${formatBytes(backup.eeprom.length)} of EEPROM (${used(backup.eeprom)}), fuses low ${hex8(fuses.low)} high ${hex8(fuses.high)} ext ${hex8(fuses.ext)} and lock bits ${hex8(lock)}${lock === 0xff ? ' (no locks)' : ''}`,
    ...(qmk ? [qmkEepromLine(qmk)] : []),
  ];
}
