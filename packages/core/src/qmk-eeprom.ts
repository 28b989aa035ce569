/**
 * The few facts of QMK's EEPROM layout (quantum/eeconfig.h) ispkit needs: a 16-bit little-endian magic word at
 * address 0 (EECONFIG_MAGIC) and the split-keyboard handedness byte at 14 (EECONFIG_HANDEDNESS), which QMK reads as
 * "left" when non-zero (EE_HANDS). QMK lowers its magic word each time the layout changes (0xFEED in early
 * versions, 0xFEE7 later), so any value in 0xFEE0..0xFEED is taken as QMK's. Pure.
 *
 * QMK's own quantum/split_common/eeprom-lefthand.eep / eeprom-righthand.eep write 15 bytes: 0x00 at 0..13 and the
 * handedness (0x01 left, 0x00 right) at 14. Zeroing 0..13 also clears the magic word, so QMK resets all its other
 * settings on the next boot; ispkit writes only byte 14, the byte those files set, and keeps everything else.
 */

import { hex8 } from './format.js';

export const QMK_EECONFIG_MAGIC_ADDRESS = 0;
export const QMK_EECONFIG_HANDEDNESS = 14;
export const QMK_MAGIC_NEWEST = 0xfee7;
const MAGIC_MIN = 0xfee0;
const MAGIC_MAX = 0xfeed;

export type Handedness = 'left' | 'right';

/** The byte QMK's .eep files put at EECONFIG_HANDEDNESS. */
export function handednessByte(hand: Handedness): number {
  return hand === 'left' ? 0x01 : 0x00;
}

export interface QmkEeprom {
  magic: number;
  /** How QMK reads the handedness byte (non-zero = left). */
  handedness: Handedness;
  handednessByte: number;
}

/** QMK's view of an EEPROM image, or undefined when the magic word is not QMK's. */
export function recogniseQmkEeprom(eeprom: ArrayLike<number>): QmkEeprom | undefined {
  if (eeprom.length <= QMK_EECONFIG_HANDEDNESS) return undefined;
  const magic = (eeprom[QMK_EECONFIG_MAGIC_ADDRESS]! | (eeprom[QMK_EECONFIG_MAGIC_ADDRESS + 1]! << 8)) >>> 0;
  if (magic < MAGIC_MIN || magic > MAGIC_MAX) return undefined;
  const b = eeprom[QMK_EECONFIG_HANDEDNESS]!;
  return { magic, handedness: b !== 0 ? 'left' : 'right', handednessByte: b };
}

/** The line `ispkit info` and a backup's description show for QMK settings. */
export function qmkEepromLine(qmk: QmkEeprom): string {
  return `EEPROM: QMK settings (magic ${qmk.magic.toString(16).toUpperCase()}); split handedness ${qmk.handedness} (byte ${QMK_EECONFIG_HANDEDNESS} = ${hex8(qmk.handednessByte)})`;
}

export function parseHandedness(text: string): Handedness | undefined {
  const t = text.trim().toLowerCase();
  return t === 'left' || t === 'right' ? t : undefined;
}
