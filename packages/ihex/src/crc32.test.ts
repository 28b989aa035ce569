import { describe, expect, test } from 'vitest';
import { crc32 } from './crc32.js';

describe('crc32', () => {
  test('matches the standard check value and continues across chunks', () => {
    const text = new TextEncoder().encode('123456789');
    expect(crc32(text)).toBe(0xcbf43926); // the CRC-32/ISO-HDLC check value
    expect(crc32(new Uint8Array(0))).toBe(0);
    expect(crc32(text.subarray(4), crc32(text.subarray(0, 4)))).toBe(0xcbf43926);
  });
});
