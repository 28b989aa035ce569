import { describe, expect, test } from 'vitest';
import { classifyPort, usbId } from './port-kind.js';

describe('classifyPort', () => {
  test('16C0:0483 is an ISP programmer; the product string tells ours apart', () => {
    expect(classifyPort({ path: '/dev/ttyACM0', vendorId: 0x16c0, productId: 0x0483, product: 'ispkit ISP programmer (Teensy 2.0)' })).toEqual({ kind: 'ispkit', description: 'ispkit ISP programmer (Teensy 2.0)' });
    expect(classifyPort({ path: '/dev/ttyACM0', vendorId: 0x16c0, productId: 0x0483, product: 'USB Serial' }).description).toMatch(/QMK ISP/);
  });
  test('Arduino boards may run ArduinoISP; anything else is other', () => {
    expect(classifyPort({ path: '/dev/ttyACM1', vendorId: 0x2341, productId: 0x8036 }).kind).toBe('arduinoisp');
    expect(classifyPort({ path: '/dev/ttyUSB0', vendorId: 0x0403, productId: 0x6001 }).kind).toBe('other');
    expect(usbId({ path: 'x', vendorId: 0x2341, productId: 0x8036 })).toBe('2341:8036');
    expect(usbId({ path: 'x' })).toBeUndefined();
  });
});
