/**
 * HidDevice over node-hid (hidapi; hidraw on Linux). The only file that touches real HID hardware; imported as
 * `@ispkit/loaders/node-hid` by the CLI so the rest of the package stays pure.
 */
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import HID from 'node-hid';
import { StreamError } from './byte-stream.js';
import type { HidDevice, HidDeviceInfo } from './hid-device.js';
import { LoaderError } from './loader-error.js';
import { hidPermissionHint } from './permission-hints.js';

/** Every HID device the OS shows, or only those with `vendorId`/`productId`. */
export async function listHidDevices(filter?: { vendorId: number; productId: number }): Promise<HidDeviceInfo[]> {
  const found = filter ? await HID.devicesAsync(filter.vendorId, filter.productId) : await HID.devicesAsync();
  const out: HidDeviceInfo[] = [];
  for (const d of found) {
    if (!d.path) continue;
    const info: HidDeviceInfo = { path: d.path, vendorId: d.vendorId, productId: d.productId };
    if (d.product) info.product = d.product;
    if (d.serialNumber) info.serialNumber = d.serialNumber;
    out.push(info);
  }
  return out;
}

export async function openHidDevice(path: string): Promise<HidDevice> {
  if (process.platform === 'linux' && path.startsWith('/dev/')) {
    try {
      await access(path, constants.R_OK | constants.W_OK);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EACCES' || code === 'EPERM') throw new LoaderError('permission', hidPermissionHint(path), undefined, { cause: err });
      throw new LoaderError('disconnected', `cannot open ${path}: it went away (${code ?? 'unknown error'})`, undefined, { cause: err });
    }
  }
  let hid: HID.HIDAsync;
  try {
    hid = await HID.HIDAsync.open(path);
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    throw new LoaderError('disconnected', `cannot open the HID device ${path}: ${msg}`, undefined, { cause: err });
  }
  let closed = false;
  return {
    async write(report) {
      if (closed) throw new StreamError('closed', 'HID device closed');
      const buf = Buffer.alloc(report.length + 1);
      buf[0] = 0; // report ID 0: HalfKay's reports have no ID
      buf.set(report, 1);
      try {
        await hid.write(buf);
      } catch (err) {
        const msg = err instanceof Error ? err.message : String(err);
        if (/no such device|ENODEV|disconnected|not found/i.test(msg)) throw new StreamError('closed', `HID device gone: ${msg}`);
        throw err;
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      await hid.close().catch(() => undefined);
    },
  };
}
