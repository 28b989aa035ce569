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
});
