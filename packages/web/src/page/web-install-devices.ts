/**
 * @ispkit/loaders' InstallDevices over Web Serial and WebHID, so the page installs the programmer firmware with
 * the same flow as `ispkit programmer install`. A page only sees devices the user granted: after the board
 * reboots into its bootloader (a new USB device) the flow waits for it, and `onWaiting` tells the page to ask
 * for the pick then, while Caterina's ~8 s window is open. Ports are named serial:N / hid:N for the flow's
 * messages (a page never learns OS paths).
 */
import { LoaderError, type HidDevice, type HidDeviceInfo, type InstallDevices, type SerialPortInfo, type ByteStream } from '@ispkit/loaders';
import { WebHidDevice } from './webhid-device.js';
import { WebSerialStream } from './web-serial-stream.js';

let nextId = 0;
const serialNames = new WeakMap<SerialPort, string>();
const hidNames = new WeakMap<HIDDevice, string>();

function nameOf<T extends object>(map: WeakMap<T, string>, thing: T, prefix: string): string {
  let n = map.get(thing);
  if (!n) {
    n = `${prefix}:${++nextId}`;
    map.set(thing, n);
  }
  return n;
}

export class WebInstallDevices implements InstallDevices {
  private serial = new Map<string, SerialPort>();
  private hid = new Map<string, HIDDevice>();

  async listSerialPorts(): Promise<SerialPortInfo[]> {
    const ports = await navigator.serial.getPorts();
    this.serial.clear();
    return ports.map((p) => {
      const path = nameOf(serialNames, p, 'serial');
      this.serial.set(path, p);
      const info = p.getInfo();
      return {
        path,
        ...(info.usbVendorId !== undefined ? { vendorId: info.usbVendorId } : {}),
        ...(info.usbProductId !== undefined ? { productId: info.usbProductId } : {}),
      };
    });
  }

  private port(path: string): SerialPort {
    const p = this.serial.get(path);
    if (!p) throw new LoaderError('disconnected', `${path} is gone`);
    return p;
  }

  async openSerial(path: string, baudRate: number): Promise<ByteStream> {
    try {
      return await WebSerialStream.open(this.port(path), { baudRate });
    } catch (err) {
      throw openError(path, err);
    }
  }

  async touchSerial(path: string, baudRate: number): Promise<void> {
    const port = this.port(path);
    try {
      await port.open({ baudRate });
    } catch (err) {
      throw openError(path, err);
    }
    try {
      // A real USB serial port drops DTR here; Chromium cannot set control lines on some ports (a pty): the
      // baud rate alone is the request then.
      await port.setSignals({ dataTerminalReady: false, requestToSend: false });
    } catch {
      // carry on: the line coding is what the firmware acts on
    }
    try {
      await port.close();
    } catch {
      // the board may already have left
    }
  }

  async listHid(): Promise<HidDeviceInfo[]> {
    const devices = await navigator.hid.getDevices();
    this.hid.clear();
    return devices.map((d) => {
      const path = nameOf(hidNames, d, 'hid');
      this.hid.set(path, d);
      return { path, vendorId: d.vendorId, productId: d.productId, product: d.productName };
    });
  }

  async openHid(path: string): Promise<HidDevice> {
    const d = this.hid.get(path);
    if (!d) throw new LoaderError('disconnected', `${path} is gone`);
    try {
      return await WebHidDevice.open(d);
    } catch (err) {
      throw new LoaderError('permission', `cannot open the HID device ${path}: ${(err as Error).message}`);
    }
  }
}

function openError(path: string, err: unknown): LoaderError {
  const e = err as Error;
  if (e.name === 'NetworkError' && /lost|disconnected/i.test(e.message)) return new LoaderError('disconnected', `${path} is gone`);
  return new LoaderError('permission', `cannot open ${path}: ${e.message}: close other programs using it and retry`);
}
