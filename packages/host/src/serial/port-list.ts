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

/**
 * Serial ports with their USB identity. On Linux this reads sysfs directly (serialport's own list shells out to
 * udevadm, which minimal systems and containers lack, and which crashes the process when missing); elsewhere it
 * uses serialport's list.
 */
export async function listSerialPorts(): Promise<PortInfo[]> {
  if (process.platform === 'linux') return listLinux();
  const { SerialPort } = await import('serialport');
  const ports = await SerialPort.list();
  return ports.map((p) => {
    const info: PortInfo = { path: p.path };
    if (p.vendorId) info.vendorId = parseInt(p.vendorId, 16);
    if (p.productId) info.productId = parseInt(p.productId, 16);
    if (p.manufacturer) info.manufacturer = p.manufacturer;
    if (p.serialNumber) info.serialNumber = p.serialNumber;
    return info;
  });
}

async function listLinux(): Promise<PortInfo[]> {
  let names: string[];
  try {
    names = await readdir('/sys/class/tty');
  } catch {
    return [];
  }
  const out: PortInfo[] = [];
  for (const name of names.sort()) {
    if (!/^tty(ACM|USB|AMA|S)\d+$/.test(name)) continue;
    let device: string;
    try {
      device = await realpath(join('/sys/class/tty', name, 'device'));
    } catch {
      continue; // a virtual tty without a device
    }
    const info: PortInfo = { path: `/dev/${name}` };
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
