import { usbIdentity } from '@ispkit/boards';

export interface PortInfo {
  path: string;
  vendorId?: number;
  productId?: number;
  manufacturer?: string;
  product?: string;
  serialNumber?: string;
}

export type PortKind = 'ispkit' | 'arduinoisp' | 'other';

/** Boards that commonly run the ArduinoISP sketch (or an STK500v1 clone), by USB VID:PID. */
const ARDUINO_LIKE: readonly { vid: number; pid: number; name: string }[] = [
  { vid: 0x2341, pid: 0x8036, name: 'Arduino Leonardo' },
  { vid: 0x2341, pid: 0x8037, name: 'Arduino Micro' },
  { vid: 0x2a03, pid: 0x8036, name: 'Arduino Leonardo (arduino.org)' },
  { vid: 0x1b4f, pid: 0x9206, name: 'SparkFun Pro Micro 5 V' },
  { vid: 0x1b4f, pid: 0x9204, name: 'SparkFun Pro Micro 3.3 V' },
  { vid: 0x2341, pid: 0x0043, name: 'Arduino Uno' },
  { vid: 0x2341, pid: 0x0001, name: 'Arduino Uno (old)' },
  { vid: 0x2341, pid: 0x0042, name: 'Arduino Mega 2560' },
  { vid: 0x2341, pid: 0x0010, name: 'Arduino Mega' },
];

/**
 * What a port probably is, from its USB ids. 16C0:0483 is the id ispkit enumerates with — shared with Teensyduino
 * "USB Serial" and QMK's prebuilt ISP hex files, which also speak STK500v1 — so it counts as an ISP programmer;
 * the product string tells ours apart.
 */
export function classifyPort(port: PortInfo): { kind: PortKind; description: string } {
  if (port.vendorId === usbIdentity.vendorId && port.productId === usbIdentity.productId) {
    const ours = /ispkit/i.test(`${port.product ?? ''} ${port.manufacturer ?? ''}`);
    return { kind: 'ispkit', description: ours ? (port.product ?? 'ispkit programmer') : 'ISP programmer (16C0:0483: Teensyduino USB Serial / QMK ISP firmware)' };
  }
  const known = ARDUINO_LIKE.find((a) => a.vid === port.vendorId && a.pid === port.productId);
  if (known) return { kind: 'arduinoisp', description: `${known.name} (may run ArduinoISP)` };
  return { kind: 'other', description: port.product ?? port.manufacturer ?? 'serial port' };
}

export function usbId(port: PortInfo): string | undefined {
  if (port.vendorId === undefined || port.productId === undefined) return undefined;
  const h = (n: number) => n.toString(16).toUpperCase().padStart(4, '0');
  return `${h(port.vendorId)}:${h(port.productId)}`;
}
