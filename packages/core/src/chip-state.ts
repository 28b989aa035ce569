import { hex8 } from './format.js';

/** What has been done to the chip so far, so a failure can say exactly what state it is in. */
export interface ChipState {
  erased: boolean;
  flashBytesWritten: number;
  flashBytesPlanned: number;
  /** Fuses written so far (final values). */
  fusesWritten: string[];
  /** The low fuse changed for speed and not restored yet. */
  temporaryLowFuse?: { original: number; now: number; final: number };
  /** The high fuse changed to program EESAVE for the erase (--keep-eeprom) and not set to its final value yet. */
  temporaryHighFuse?: { original: number; now: number; final: number };
  /** EEPROM bytes written so far / to write (restore, EEPROM writes). */
  eepromBytesWritten?: number;
  eepromBytesPlanned?: number;
}

export function newChipState(): ChipState {
  return { erased: false, flashBytesWritten: 0, flashBytesPlanned: 0, fusesWritten: [] };
}

/** One sentence on the chip's state plus what to run next. Pure. */
export function describeChipState(s: ChipState, rerun: string): string {
  const parts: string[] = [];
  if (!s.erased && s.flashBytesWritten === 0 && !s.temporaryLowFuse && !s.temporaryHighFuse && s.fusesWritten.length === 0 && !s.eepromBytesWritten) {
    return `the chip was not changed; run \`${rerun}\` again`;
  }
  if (s.erased) {
    parts.push(
      s.flashBytesWritten === 0
        ? 'the chip is erased (flash is blank, the old firmware is gone)'
        : s.flashBytesWritten < s.flashBytesPlanned
          ? `the chip is erased and only ${s.flashBytesWritten} of ${s.flashBytesPlanned} bytes are written (it will not run)`
          : `all ${s.flashBytesPlanned} bytes are written but not verified good`,
    );
  }
  if (s.eepromBytesPlanned !== undefined && (s.eepromBytesWritten ?? 0) < s.eepromBytesPlanned) {
    parts.push(`${s.eepromBytesWritten ?? 0} of the ${s.eepromBytesPlanned} EEPROM bytes to write are written`);
  }
  const temporary: string[] = [];
  if (s.temporaryHighFuse) {
    temporary.push(`its high fuse is temporarily ${hex8(s.temporaryHighFuse.now)} (EESAVE programmed so the erase keeps the EEPROM; it should become ${hex8(s.temporaryHighFuse.final)})`);
  }
  if (s.temporaryLowFuse) {
    temporary.push(`its low fuse is temporarily ${hex8(s.temporaryLowFuse.now)} (CKDIV8 cleared for speed; it should become ${hex8(s.temporaryLowFuse.final)})`);
  }
  if (temporary.length) {
    parts.push(...temporary);
  } else if (s.fusesWritten.length) {
    parts.push(`the ${s.fusesWritten.join(', ')} fuse${s.fusesWritten.length > 1 ? 's were' : ' was'} written`);
  } else {
    parts.push('its fuses are unchanged');
  }
  return `${parts.join('; ')}; reconnect and run \`${rerun}\` again`;
}
