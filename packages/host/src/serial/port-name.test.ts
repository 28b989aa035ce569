import { describe, expect, test } from 'vitest';
import { isNoSuchPort, normalizePortName } from './port-name.js';

describe('-P as users write it', () => {
  test('Windows: COM names in any case and with the \\\\.\\ prefix', () => {
    expect(normalizePortName('COM3', 'win32')).toEqual({ path: 'COM3' });
    expect(normalizePortName('com12', 'win32')).toEqual({ path: 'COM12', note: 'com12 is COM12' });
    expect(normalizePortName('\\\\.\\COM12', 'win32')).toEqual({ path: 'COM12', note: '\\\\.\\COM12 is COM12' });
    expect(normalizePortName('\\\\.\\com7', 'win32').path).toBe('COM7');
    expect(normalizePortName(' COM03 ', 'win32').path).toBe('COM3');
    expect(normalizePortName('/dev/ttyACM0', 'win32')).toEqual({ path: '/dev/ttyACM0' });
  });

  test('macOS: tty.usbmodem becomes cu.usbmodem, with the reason; cu. is kept', () => {
    expect(normalizePortName('/dev/tty.usbmodem14101', 'darwin')).toEqual({
      path: '/dev/cu.usbmodem14101',
      note: 'using /dev/cu.usbmodem14101: on macOS open the cu. device (tty. waits for carrier detect, which the programmer never raises)',
    });
    expect(normalizePortName('/dev/cu.usbmodem14101', 'darwin')).toEqual({ path: '/dev/cu.usbmodem14101' });
  });

  test('Linux: /dev/serial/by-id links are resolved; a missing path is passed through to fail on open', () => {
    const links: Record<string, string> = { '/dev/serial/by-id/usb-ispkit_ispkit_ISP_programmer_5E3A2C71B0-if00': '/dev/ttyACM0' };
    const realpath = (p: string): string => {
      if (p in links) return links[p]!;
      if (p === '/dev/ttyACM0') return p;
      throw Object.assign(new Error(`ENOENT: no such file or directory, realpath '${p}'`), { code: 'ENOENT' });
    };
    expect(normalizePortName('/dev/serial/by-id/usb-ispkit_ispkit_ISP_programmer_5E3A2C71B0-if00', 'linux', realpath)).toEqual({
      path: '/dev/ttyACM0',
      note: '/dev/serial/by-id/usb-ispkit_ispkit_ISP_programmer_5E3A2C71B0-if00 is /dev/ttyACM0',
    });
    expect(normalizePortName('/dev/ttyACM0', 'linux', realpath)).toEqual({ path: '/dev/ttyACM0' });
    expect(normalizePortName('/dev/ttyACM9', 'linux', realpath)).toEqual({ path: '/dev/ttyACM9' });
    expect(normalizePortName('COM3', 'linux', realpath)).toEqual({ path: 'COM3' });
  });

  test('"no such port" as each OS words it', () => {
    expect(isNoSuchPort("Error: No such file or directory, cannot open /dev/ttyACM9")).toBe(true);
    expect(isNoSuchPort('Opening COM9: File not found')).toBe(true);
    expect(isNoSuchPort('Error: Permission denied, cannot open /dev/ttyACM0')).toBe(false);
  });
});
