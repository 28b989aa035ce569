import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { describe, expect, test } from 'vitest';
import { runCli } from '../test-support/run-cli.js';
import { fakeDevice } from '../test-support/fake-device.js';
import { classifyPort, type PortInfo } from './port-kind.js';
import { fromSerialportList, listLinux, type SerialportListEntry } from './port-list.js';

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8'));

/** A sysfs tree as the kernel lays it out: class/tty/<name> → devices/…/tty/<name>, `device` → the interface. */
function sysfsTree(spec: Record<string, { device?: string; usb?: Record<string, string> }>): string {
  const sys = mkdtempSync(join(tmpdir(), 'ispkit-sysfs-'));
  mkdirSync(join(sys, 'class/tty'), { recursive: true });
  for (const [name, { device, usb }] of Object.entries(spec)) {
    const node = join(sys, device ?? 'devices/virtual/tty', 'tty', name);
    mkdirSync(node, { recursive: true });
    symlinkSync(relative(join(sys, 'class/tty'), node), join(sys, 'class/tty', name));
    if (device) symlinkSync(relative(node, join(sys, device)), join(node, 'device'));
    if (usb) {
      const usbDevice = dirname(join(sys, device!.replace(/\/ttyUSB\d+$/, '')));
      for (const [file, text] of Object.entries(usb)) writeFileSync(join(usbDevice, file), `${text}\n`);
    }
  }
  return sys;
}

const kinds = (ports: PortInfo[]) => ports.map((p) => [p.path, classifyPort(p).kind, classifyPort(p).description]);

describe('recorded listings of each OS, classified', () => {
  test('Windows: ids from the PnP id, "USB Serial Device (COM3)", COM1 without USB identity', () => {
    const ports = fromSerialportList(fixture('serialport-list-win32.json') as SerialportListEntry[], 'win32');
    expect(ports[0]).toEqual({ path: 'COM3', vendorId: 0x16c0, productId: 0x0483, manufacturer: 'Microsoft', serialNumber: '4153300', friendlyName: 'USB Serial Device (COM3)' });
    expect(kinds(ports)).toEqual([
      ['COM3', 'ispkit', 'ISP programmer (16C0:0483: QMK ISP firmware / Teensyduino USB Serial, or ispkit)'],
      ['COM12', 'bootloader', 'Pro Micro 5 V bootloader (Caterina): ready for `ispkit programmer install`'],
      ['COM5', 'arduinoisp', 'Arduino Leonardo (may run ArduinoISP)'],
      ['COM1', 'other', 'Communications Port (COM1)'],
    ]);
  });

  test('Windows: ids missing from the entry are read from the PnP id', () => {
    const [p] = fromSerialportList([{ path: 'COM7', pnpId: 'USB\\VID_2341&PID_0036\\5&3753427A&0&3' }], 'win32');
    expect(p).toEqual({ path: 'COM7', vendorId: 0x2341, productId: 0x0036 });
    expect(classifyPort(p!).kind).toBe('bootloader');
  });

  test('macOS: the listed dial-in tty.usbmodem nodes are shown and opened as cu.usbmodem', () => {
    const ports = fromSerialportList(fixture('serialport-list-darwin.json') as SerialportListEntry[], 'darwin');
    expect(kinds(ports)).toEqual([
      ['/dev/cu.usbmodem14101', 'ispkit', 'ispkit programmer'],
      ['/dev/cu.usbmodem14201', 'arduinoisp', 'SparkFun Pro Micro 5 V (may run ArduinoISP)'],
      ['/dev/cu.Bluetooth-Incoming-Port', 'other', 'serial port (no USB identity)'],
    ]);
  });

  test('Linux: sysfs gives ids and product strings; virtual ttys and bare ttyS are left out', async () => {
    const sys = sysfsTree(fixture('sysfs-linux.json') as Record<string, { device?: string; usb?: Record<string, string> }>);
    const ports = await listLinux(sys, '/dev');
    expect(kinds(ports)).toEqual([
      ['/dev/ttyACM0', 'ispkit', 'ispkit ISP programmer (Teensy 2.0)'],
      ['/dev/ttyACM1', 'bootloader', 'Pro Micro 5 V bootloader (Caterina): ready for `ispkit programmer install`'],
      ['/dev/ttyUSB0', 'other', 'FT232R USB UART'],
    ]);
    expect(await listLinux(join(sys, 'nowhere'))).toEqual([]);
  });
});

describe('auto-pick (-P left out) on each OS picks the programmer, never a bootloader', () => {
  const cases: [string, () => Promise<PortInfo[]>, string][] = [
    ['Windows', async () => fromSerialportList(fixture('serialport-list-win32.json') as SerialportListEntry[], 'win32'), 'COM3'],
    ['macOS', async () => fromSerialportList(fixture('serialport-list-darwin.json') as SerialportListEntry[], 'darwin'), '/dev/cu.usbmodem14101'],
    ['Linux', async () => listLinux(sysfsTree(fixture('sysfs-linux.json') as Record<string, { device?: string }>)), '/dev/ttyACM0'],
  ];
  for (const [os, list, expected] of cases) {
    test(os, async () => {
      const dev = fakeDevice({}, await list());
      const r = await runCli(['info'], mkdtempSync(join(tmpdir(), 'ispkit-pick-')), dev.env);
      expect(r.code, r.stderr).toBe(0);
      expect(dev.opened).toEqual([expected]);
    });
  }

  test('with only bootloaders and unknown ports, nothing is picked and the ports are listed with what they are', async () => {
    const ports = fromSerialportList(fixture('serialport-list-win32.json') as SerialportListEntry[], 'win32').filter((p) => p.path !== 'COM3' && p.path !== 'COM5');
    const r = await runCli(['info'], process.cwd(), fakeDevice({}, ports).env);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/COM12 {2}1B4F:9205 {2}Pro Micro 5 V bootloader \(Caterina\)/);
    expect(r.stderr).toMatch(/ispkit: error: no ISP programmer found among the serial ports listed above/);
  });
});
