import { readdir, readFile, realpath } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { PortInfo } from './port-kind.js';

async function readText(path: string): Promise<string | undefined> {
  try {
    return (await readFile(path, 'utf8')).trim();
  } catch {
    return undefined;
  }
}

/** One entry of serialport's `SerialPort.list()` (@serialport/bindings-interface PortInfo). */
export interface SerialportListEntry {
  path: string;
  manufacturer?: string | undefined;
  serialNumber?: string | undefined;
  pnpId?: string | undefined;
  locationId?: string | undefined;
  friendlyName?: string | undefined;
  vendorId?: string | undefined;
  productId?: string | undefined;
}

/**
 * serialport's listing (Windows, macOS) as ispkit's PortInfo. Windows reports ids in the PnP id
 * (`USB\VID_16C0&PID_0483\…`) and names the port "USB Serial Device (COM3)" with manufacturer "Microsoft"
 * (usbser.sys), so the product string is not known there. macOS lists the dial-in `/dev/tty.*` node; ispkit opens
 * the call-out `/dev/cu.*` one (tty. blocks until carrier detect), so the listing shows that.
 */
export function fromSerialportList(entries: readonly SerialportListEntry[], platform: NodeJS.Platform): PortInfo[] {
  return entries.map((p) => {
    const path = platform === 'darwin' ? p.path.replace(/^\/dev\/tty\./, '/dev/cu.') : p.path;
    const info: PortInfo = { path };
    const pnp = /VID_([0-9A-F]{4})&PID_([0-9A-F]{4})/i.exec(p.pnpId ?? '');
    const vid = p.vendorId || pnp?.[1];
    const pid = p.productId || pnp?.[2];
    if (vid) info.vendorId = parseInt(vid, 16);
    if (pid) info.productId = parseInt(pid, 16);
    if (p.manufacturer) info.manufacturer = p.manufacturer;
    if (p.serialNumber) info.serialNumber = p.serialNumber;
    if (p.friendlyName) info.friendlyName = p.friendlyName;
    return info;
  });
}

/**
 * Serial ports with their USB identity. On Linux this reads sysfs directly (serialport's own list shells out to
 * udevadm, which minimal systems and containers lack); elsewhere it uses serialport's list. A listing that fails
 * is an empty one: a port named with -P is then probed, not refused.
 */
export async function listSerialPorts(): Promise<PortInfo[]> {
  if (process.platform === 'linux') return listLinux();
  try {
    const { SerialPort } = await import('serialport');
    return fromSerialportList(await SerialPort.list(), process.platform);
  } catch {
    return [];
  }
}

/** HalfKay (Teensy bootloader) devices through node-hid, as list rows; none when node-hid cannot list. */
export async function listHalfKay(): Promise<PortInfo[]> {
  try {
    const [{ listHidDevices }, { halfKayId }] = await Promise.all([import('@ispkit/loaders/node-hid'), import('@ispkit/loaders')]);
    return (await listHidDevices())
      .filter((d) => d.vendorId === halfKayId.vendorId && d.productId === halfKayId.productId)
      .map((d) => ({ path: d.path, vendorId: d.vendorId, productId: d.productId, product: 'Teensy bootloader (HalfKay)' }));
  } catch {
    return [];
  }
}

/** The Linux listing from sysfs below `sysRoot` (a recorded tree in tests). */
export async function listLinux(sysRoot = '/sys', devRoot = '/dev'): Promise<PortInfo[]> {
  let names: string[];
  try {
    names = await readdir(join(sysRoot, 'class/tty'));
  } catch {
    return [];
  }
  const out: PortInfo[] = [];
  for (const name of names.sort()) {
    if (!/^tty(ACM|USB|AMA|S)\d+$/.test(name)) continue;
    let device: string;
    try {
      device = await realpath(join(sysRoot, 'class/tty', name, 'device'));
    } catch {
      continue; // a virtual tty without a device
    }
    const info: PortInfo = { path: join(devRoot, name) };
    let dir = device;
    for (let i = 0; i < 5 && dir !== '/'; i++, dir = dirname(dir)) {
      const vid = await readText(join(dir, 'idVendor'));
      if (vid === undefined) continue;
      const pid = await readText(join(dir, 'idProduct'));
      info.vendorId = parseInt(vid, 16);
      if (pid) info.productId = parseInt(pid, 16);
      const manufacturer = await readText(join(dir, 'manufacturer'));
      const product = await readText(join(dir, 'product'));
      const serial = await readText(join(dir, 'serial'));
      if (manufacturer) info.manufacturer = manufacturer;
      if (product) info.product = product;
      if (serial) info.serialNumber = serial;
      break;
    }
    // ttyS* without USB identity are legacy UARTs that always exist; list them only when they have a device driver.
    if (name.startsWith('ttyS') && info.vendorId === undefined) continue;
    out.push(info);
  }
  return out;
}
