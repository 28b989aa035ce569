import { usbIdentity } from '@ispkit/boards';
import { caterinaBootloaderIds, halfKayId } from '@ispkit/loaders';

export interface PortInfo {
  path: string;
  vendorId?: number;
  productId?: number;
  manufacturer?: string;
  product?: string;
  serialNumber?: string;
  /** Windows' device name, e.g. "USB Serial Device (COM3)" (serialport's friendlyName). */
  friendlyName?: string;
}

/**
 * What a port probably is:
 * - `ispkit`: an ISP programmer by USB id 16C0:0483 — ispkit's firmware (its product string says so), QMK's
 *   prebuilt ISP hex files and Teensyduino "USB Serial" share the id and speak STK500v1 the same way;
 * - `arduinoisp`: a board that commonly runs the ArduinoISP sketch;
 * - `bootloader`: a Caterina bootloader waiting for `ispkit programmer install` (or a HalfKay device, from node-hid);
 * - `other`: anything else.
 * Auto-pick (-P left out) chooses among `ispkit`, then `arduinoisp`; bootloaders are never picked for device commands.
 */
export type PortKind = 'ispkit' | 'arduinoisp' | 'bootloader' | 'other';

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

export function classifyPort(port: PortInfo): { kind: PortKind; description: string } {
  if (port.vendorId === usbIdentity.vendorId && port.productId === usbIdentity.productId) {
    const ours = /ispkit/i.test(`${port.product ?? ''} ${port.manufacturer ?? ''}`);
    return { kind: 'ispkit', description: ours ? (port.product ?? 'ispkit programmer') : 'ISP programmer (16C0:0483: QMK ISP firmware / Teensyduino USB Serial, or ispkit)' };
  }
  const known = ARDUINO_LIKE.find((a) => a.vid === port.vendorId && a.pid === port.productId);
  if (known) return { kind: 'arduinoisp', description: `${known.name} (may run ArduinoISP)` };
  const boot = caterinaBootloaderIds.find((b) => b.vendorId === port.vendorId && b.productId === port.productId);
  if (boot) return { kind: 'bootloader', description: `${boot.name}: ready for \`ispkit programmer install\`` };
  if (port.vendorId === halfKayId.vendorId && port.productId === halfKayId.productId) {
    return { kind: 'bootloader', description: `${halfKayId.name}: ready for \`ispkit programmer install --board teensy2\`` };
  }
  return { kind: 'other', description: port.product ?? port.friendlyName ?? port.manufacturer ?? (port.vendorId === undefined ? 'serial port (no USB identity)' : 'serial port') };
}

export function usbId(port: PortInfo): string | undefined {
  if (port.vendorId === undefined || port.productId === undefined) return undefined;
  const h = (n: number) => n.toString(16).toUpperCase().padStart(4, '0');
  return `${h(port.vendorId)}:${h(port.productId)}`;
}

/** "path (what it probably is)" for one-line messages. */
export function describePort(port: PortInfo): string {
  const id = usbId(port);
  return `${port.path} (${id ? `${id} ` : ''}${classifyPort(port).description})`;
}
