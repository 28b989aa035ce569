import { expect, test } from 'vitest';
import { compileIspPattern, decodeIspPatternReply, encodeIspPattern } from './isp-pattern.js';

test('fixed bits, separators ignored, x sent as 0', () => {
  const c = compileIspPattern('1010 1100 - 0101.0011 xxxx.xxxx--xxxx.xxxx');
  expect(Array.from(encodeIspPattern(c))).toEqual([0xac, 0x53, 0x00, 0x00]);
  expect(c.usesAddress || c.usesData || c.returnsData).toBe(false);
});

test('lone a bits are numbered by position: byte 2 bit n = a(n), byte 1 bit n = a(8+n)', () => {
  const c = compileIspPattern('0010.0000--0000.00aa--aaaa.aa00--oooo.oooo');
  expect(Array.from(encodeIspPattern(c, { address: 0x3fc })).slice(1, 3)).toEqual([0x03, 0xfc]);
  // bits the pattern does not carry are dropped
  expect(Array.from(encodeIspPattern(c, { address: 0xffff })).slice(1, 3)).toEqual([0x03, 0xfc]);
});

test('extended-address numbering puts byte 2 bit 0 at address bit 16', () => {
  const c = compileIspPattern('0100.1101--0000.0000--aaaa.aaaa--0000.0000', { extendedAddress: true });
  expect(Array.from(encodeIspPattern(c, { address: 0x2ffff }))).toEqual([0x4d, 0x00, 0x02, 0x00]);
});

test('i and o bits', () => {
  const w = compileIspPattern('1010.1100--1010.0100--xxxx.xxxx--1111.iiii');
  expect(Array.from(encodeIspPattern(w, { data: 0x0b }))).toEqual([0xac, 0xa4, 0x00, 0xfb]);
  const r = compileIspPattern('0101.1000--0000.0000--xxxx.xxxx--xxoo.oooo');
  expect(decodeIspPatternReply(r, [0, 0, 0, 0xff])).toBe(0x3f);
});

test('malformed patterns are refused with the reason', () => {
  expect(() => compileIspPattern('1010.1100')).toThrow(/32 bits/);
  expect(() => compileIspPattern('1010.1100--0101.0011--xxxx.xxxx--xxxx.xxxz')).toThrow(/0\/1\/x\/a\/i\/o/);
  expect(() => compileIspPattern('a010.1100--0101.0011--xxxx.xxxx--xxxx.xxxx')).toThrow(/bytes 1 and 2/);
});
