import { parseIntelHex } from '@ispkit/ihex';
import { describe, expect, test } from 'vitest';
import { QMK_EECONFIG_HANDEDNESS, handednessByte, parseHandedness, recogniseQmkEeprom } from './qmk-eeprom.js';

// The two files QMK ships in quantum/split_common (data, quoted as the test's reference).
const QMK_LEFT = ':0F000000000000000000000000000000000001F0\n:00000001FF\n';
const QMK_RIGHT = ':0F000000000000000000000000000000000000F1\n:00000001FF\n';

describe('QMK EEPROM handedness', () => {
  test('the byte written is the byte QMK\'s .eep files hold at EECONFIG_HANDEDNESS', () => {
    expect(parseIntelHex(QMK_LEFT).byteAt(QMK_EECONFIG_HANDEDNESS)).toBe(handednessByte('left'));
    expect(parseIntelHex(QMK_RIGHT).byteAt(QMK_EECONFIG_HANDEDNESS)).toBe(handednessByte('right'));
    expect(parseIntelHex(QMK_LEFT).endAddress).toBe(QMK_EECONFIG_HANDEDNESS + 1);
  });

  test('recognised by the magic word; non-zero reads as left', () => {
    const e = new Uint8Array(1024).fill(0xff);
    expect(recogniseQmkEeprom(e)).toBeUndefined();
    e[0] = 0xe7;
    e[1] = 0xfe;
    e[14] = 0x00;
    expect(recogniseQmkEeprom(e)).toEqual({ magic: 0xfee7, handedness: 'right', handednessByte: 0 });
    e[0] = 0xed; // early QMK's 0xFEED
    e[14] = 0xff;
    expect(recogniseQmkEeprom(e)).toEqual({ magic: 0xfeed, handedness: 'left', handednessByte: 0xff });
    e[0] = 0xee;
    expect(recogniseQmkEeprom(e)).toBeUndefined();
  });

  test('parseHandedness', () => {
    expect(parseHandedness('Left')).toBe('left');
    expect(parseHandedness('right')).toBe('right');
    expect(parseHandedness('middle')).toBeUndefined();
  });
});
