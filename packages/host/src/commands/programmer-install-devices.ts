/**
 * The real devices behind `ispkit programmer install`: serial ports through the CLI's own serial layer
 * (../serial: sysfs listing on Linux, SerialStream), HID through node-hid (via @ispkit/loaders/node-hid). The install
 * flow itself (@ispkit/loaders installProgrammer) only sees the InstallDevices interface, so it is tested against
 * fake boards; this file is the thin I/O edge.
 */
import { LoaderError, serialPermissionHint, type InstallDevices, type SerialPortInfo } from '@ispkit/loaders';
import { SerialPort } from 'serialport';
import { listSerialPorts } from '../serial/port-list.js';
import { SerialStream } from '../serial/serial-stream.js';

function openError(path: string, err: unknown): LoaderError {
  const msg = err instanceof Error ? err.message : String(err);
  if (/permission denied|EACCES|access denied/i.test(msg)) return new LoaderError('permission', serialPermissionHint(path), undefined, { cause: err });
  return new LoaderError('disconnected', `cannot open ${path}: ${msg.replace(/^Error: /, '')}`, undefined, { cause: err });
}

export function nodeInstallDevices(): InstallDevices {
  return {
    async listSerialPorts() {
      return (await listSerialPorts()).map((p) => ({ ...p }) satisfies SerialPortInfo);
    },
    async openSerial(path, baudRate) {
      try {
        return await SerialStream.open(path, { baudRate });
      } catch (err) {
        throw openError(path, err);
      }
    },
    /** Open at `baudRate`, drop DTR, close: the reboot request Caterina (1200) and HalfKay (134) boards honour. */
    async touchSerial(path, baudRate) {
      const port = new SerialPort({ path, baudRate, autoOpen: false, hupcl: true });
      await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(openError(path, err)) : resolve())));
      await new Promise<void>((resolve) => port.set({ dtr: false }, () => resolve()));
      await new Promise<void>((resolve) => port.close(() => resolve()));
    },
    async listHid() {
      const { listHidDevices } = await import('@ispkit/loaders/node-hid');
      return listHidDevices();
    },
    async openHid(path) {
      const { openHidDevice } = await import('@ispkit/loaders/node-hid');
      return openHidDevice(path);
    },
  };
}
