import { describe, expect, test } from 'vitest';
import { describeChipState, newChipState } from './chip-state.js';

describe('describeChipState', () => {
  const rerun = 'ispkit flash fw.hex';
  test('nothing done', () => {
    expect(describeChipState(newChipState(), rerun)).toBe('the chip was not changed; run `ispkit flash fw.hex` again');
  });
  test('erased and partly written, with a temporary low fuse', () => {
    const s = { ...newChipState(), erased: true, flashBytesWritten: 1024, flashBytesPlanned: 4096, temporaryLowFuse: { original: 0x5e, now: 0xde, final: 0xff } };
    expect(describeChipState(s, rerun)).toBe(
      'the chip is erased and only 1024 of 4096 bytes are written (it will not run); its low fuse is temporarily DE (CKDIV8 cleared for speed; it should become FF); reconnect and run `ispkit flash fw.hex` again',
    );
  });
  test('written but verify failed; fuses unchanged', () => {
    const s = { ...newChipState(), erased: true, flashBytesWritten: 4096, flashBytesPlanned: 4096 };
    expect(describeChipState(s, rerun)).toBe('all 4096 bytes are written but not verified good; its fuses are unchanged; reconnect and run `ispkit flash fw.hex` again');
  });
  test('a temporary EESAVE and a partial EEPROM write are named', () => {
    const s = { ...newChipState(), erased: true, flashBytesWritten: 4096, flashBytesPlanned: 4096, eepromBytesWritten: 8, eepromBytesPlanned: 64, temporaryHighFuse: { original: 0x99, now: 0x91, final: 0xd8 } };
    expect(describeChipState(s, 'ispkit restore b.elf')).toBe(
      'all 4096 bytes are written but not verified good; 8 of the 64 EEPROM bytes to write are written; its high fuse is temporarily 91 (EESAVE programmed so the erase keeps the EEPROM; it should become D8); reconnect and run `ispkit restore b.elf` again',
    );
  });
});
