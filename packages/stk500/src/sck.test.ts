import { describe, expect, test } from 'vitest';
import { ispkitSckHz, maxSckHz, sckCandidates } from './sck.js';

describe('SCK', () => {
  test('durations map to the rates ispkit firmware picks on a 16 MHz programmer (isp_spi.c)', () => {
    expect(ispkitSckHz(0)).toBe(2_000_000);
    expect(ispkitSckHz(1)).toBe(1_000_000);
    expect(ispkitSckHz(2)).toBe(500_000);
    expect(ispkitSckHz(3)).toBe(250_000);
    expect(ispkitSckHz(4)).toBe(250_000);
    expect(ispkitSckHz(5)).toBe(125_000);
    expect(ispkitSckHz(8)).toBeLessThan(125_000);
  });

  test('an 8 MHz programmer still tops out at 2 MHz', () => {
    expect(ispkitSckHz(0, 8_000_000)).toBe(2_000_000);
    expect(ispkitSckHz(1, 8_000_000)).toBe(1_000_000);
  });

  test('the target clock limits SCK below fck/4, fck/6 from 12 MHz', () => {
    expect(maxSckHz(16_000_000)).toBeCloseTo(2_666_666.67, 0);
    expect(maxSckHz(2_000_000)).toBe(500_000);
  });

  test('a 16 MHz target gets 2 MHz first; a CKDIV8 (2 MHz) target never more than 250 kHz', () => {
    expect(sckCandidates(16_000_000)).toEqual([0, 1, 2, 4, 5]);
    expect(sckCandidates(2_000_000)).toEqual([4, 5]);
    expect(sckCandidates(1_000_000)).toEqual([5]);
  });
});
