import { getPart } from '@ispkit/parts';
import type { ProgrammerInfo } from '@ispkit/stk500';
import { describe, expect, test } from 'vitest';
import { estimateCoreHz, planClock } from './clock-plan.js';

const m32u4 = getPart('atmega32u4');
const ispkit: ProgrammerInfo = {
  signOn: 'AVR ISP', hwVersion: 2, swMajor: 1, swMinor: 18, kind: 'ispkit', extVersion: 1, maxBlock: 1024,
  eepromAddressing: 'byte', canSetSck: true, sckDuration: 4, pollsReady: true,
};
const stock: ProgrammerInfo = { ...ispkit, kind: 'arduinoisp', extVersion: 0, maxBlock: 256, eepromAddressing: 'word', canSetSck: false, sckDuration: undefined, pollsReady: false };

describe('clock plan', () => {
  test('factory fuses: 2 MHz core', () => {
    expect(estimateCoreHz(m32u4, { low: 0x5e, high: 0x99, ext: 0xf3 })).toMatchObject({ hz: 2_000_000, undividedHz: 16_000_000, ckdiv8: true });
  });
  test('factory fuses + ispkit: clear CKDIV8 for the session and run SCK at 2 MHz', () => {
    const p = planClock(m32u4, { low: 0x5e, high: 0x99, ext: 0xf3 }, ispkit, { allowCkdiv8Trick: true });
    expect(p.clearCkdiv8).toBe(true);
    expect(p.candidates[0]).toBe(0);
    expect(p.explanation).toMatch(/clearing CKDIV8 while programming allows 2 MHz/);
  });
  test('trick not allowed: SCK stays under the 2 MHz core limit', () => {
    const p = planClock(m32u4, { low: 0x5e, high: 0x99, ext: 0xf3 }, ispkit, { allowCkdiv8Trick: false });
    expect(p.clearCkdiv8).toBe(false);
    expect(p.candidates).toEqual([4, 5]);
  });
  test('CKDIV8 already cleared: 2 MHz, no fuse change', () => {
    const p = planClock(m32u4, { low: 0xde, high: 0x99, ext: 0xf3 }, ispkit, { allowCkdiv8Trick: true });
    expect(p).toMatchObject({ clearCkdiv8: false, candidates: [0, 1, 2, 4, 5] });
  });
  test('stock ArduinoISP: nothing to choose', () => {
    expect(planClock(m32u4, { low: 0x5e, high: 0x99, ext: 0xf3 }, stock, { allowCkdiv8Trick: true })).toMatchObject({ clearCkdiv8: false, candidates: [] });
  });
  test('internal 8 MHz RC /8 (1 MHz): only 125 kHz', () => {
    const p = planClock(m32u4, { low: 0x42, high: 0x99, ext: 0xf3 }, ispkit, { allowCkdiv8Trick: false });
    expect(p.candidates).toEqual([5]);
  });
});
