import type { ByteStream } from '@ispkit/stk500';
import type { PortInfo } from '../serial/port-kind.js';

/** An open programmer port. */
export interface OpenedPort {
  path: string;
  stream: ByteStream;
}

/** How commands reach hardware; the CLI uses serialport, unit tests inject the in-memory fake. */
export interface DeviceEnv {
  listPorts(): Promise<PortInfo[]>;
  /** Teensy bootloaders (HalfKay, USB HID) for `ispkit list`; optional (unit-test fakes leave it out). */
  listHid?(): Promise<PortInfo[]>;
  openPort(path: string, onNote: (message: string) => void): Promise<OpenedPort>;
}

export async function realDeviceEnv(): Promise<DeviceEnv> {
  const { listSerialPorts, listHalfKay } = await import('../serial/port-list.js');
  const { SerialStream } = await import('../serial/serial-stream.js');
  return {
    listPorts: listSerialPorts,
    listHid: listHalfKay,
    async openPort(path, onNote) {
      const stream = await SerialStream.open(path, { onControlLineFailure: onNote });
      return { path, stream };
    },
  };
}
