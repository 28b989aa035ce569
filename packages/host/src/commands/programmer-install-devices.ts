/**
 * The real devices behind `ispkit programmer install`: serial ports through serialport, HID through node-hid
 * (via @ispkit/loaders/node-hid). The install flow itself (@ispkit/loaders installProgrammer) only sees the
 * InstallDevices interface, so it is tested against fake boards; this file is the thin I/O edge.
 */
import { LoaderError, serialPermissionHint, StreamError, type ByteStream, type InstallDevices, type SerialPortInfo } from '@ispkit/loaders';
import { SerialPort } from 'serialport';

function parseHexId(s: string | undefined): number | undefined {
  if (!s) return undefined;
  const n = Number.parseInt(s, 16);
  return Number.isFinite(n) ? n : undefined;
}

function openError(path: string, err: unknown): LoaderError {
  const msg = err instanceof Error ? err.message : String(err);
  if (/permission denied|EACCES|access denied/i.test(msg)) return new LoaderError('permission', serialPermissionHint(path), undefined, { cause: err });
  return new LoaderError('disconnected', `cannot open ${path}: ${msg.replace(/^Error: /, '')}`, undefined, { cause: err });
}

async function openPort(path: string, baudRate: number): Promise<SerialPort> {
  const port = new SerialPort({ path, baudRate, autoOpen: false, hupcl: true });
  await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(openError(path, err)) : resolve())));
  return port;
}

function closePort(port: SerialPort): Promise<void> {
  return new Promise((resolve) => {
    if (!port.isOpen) return resolve();
    port.close(() => resolve());
  });
}

/** ByteStream over an open serialport, following @ispkit/stk500's contract (exact reads, 'timeout'/'closed'). */
function streamOver(port: SerialPort): ByteStream {
  let buffer: number[] = [];
  let closedBy: StreamError | undefined;
  let pending: { length: number; resolve: (b: Uint8Array) => void; reject: (e: Error) => void; timer: NodeJS.Timeout } | undefined;
  const settle = (): void => {
    if (pending && buffer.length >= pending.length) {
      const p = pending;
      pending = undefined;
      clearTimeout(p.timer);
      p.resolve(Uint8Array.from(buffer.splice(0, p.length)));
    }
  };
  const end = (e: StreamError): void => {
    if (closedBy) return;
    closedBy = e;
    if (pending) {
      clearTimeout(pending.timer);
      pending.reject(e);
      pending = undefined;
    }
  };
  port.on('data', (chunk: Buffer) => {
    for (const b of chunk) buffer.push(b);
    settle();
  });
  port.on('close', (err?: { disconnected?: boolean }) =>
    end(new StreamError('closed', err?.disconnected ? `${port.path} disappeared (device disconnected)` : `${port.path} closed`)),
  );
  port.on('error', () => end(new StreamError('closed', `${port.path} failed`)));
  return {
    async write(data) {
      if (closedBy) throw closedBy;
      await new Promise<void>((resolve, reject) => {
        port.write(Buffer.from(data), (err) => {
          if (err) return reject(new StreamError('closed', `writing to ${port.path} failed: ${err.message}`));
          port.drain((e) => (e ? reject(new StreamError('closed', `writing to ${port.path} failed: ${e.message}`)) : resolve()));
        });
      });
    },
    read(length, timeoutMs) {
      if (closedBy) return Promise.reject(closedBy);
      if (pending) return Promise.reject(new Error('a read is already pending'));
      if (buffer.length >= length) return Promise.resolve(Uint8Array.from(buffer.splice(0, length)));
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          pending = undefined;
          reject(new StreamError('timeout', `no ${length} byte(s) from ${port.path} within ${timeoutMs} ms`));
        }, timeoutMs);
        pending = { length, resolve, reject, timer };
      });
    },
    async drain() {
      buffer = [];
    },
    async close() {
      end(new StreamError('closed', `${port.path} closed`));
      await closePort(port);
    },
  };
}

export function nodeInstallDevices(): InstallDevices {
  return {
    async listSerialPorts() {
      const ports = await SerialPort.list();
      return ports.map((p) => {
        const info: SerialPortInfo = { path: p.path };
        const vendorId = parseHexId(p.vendorId);
        const productId = parseHexId(p.productId);
        if (vendorId !== undefined) info.vendorId = vendorId;
        if (productId !== undefined) info.productId = productId;
        if (p.manufacturer) info.manufacturer = p.manufacturer;
        if (p.serialNumber) info.serialNumber = p.serialNumber;
        return info;
      });
    },
    async openSerial(path, baudRate) {
      return streamOver(await openPort(path, baudRate));
    },
    async touchSerial(path, baudRate) {
      const port = await openPort(path, baudRate);
      try {
        await new Promise<void>((resolve) => port.set({ dtr: false }, () => resolve()));
      } finally {
        await closePort(port);
      }
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
