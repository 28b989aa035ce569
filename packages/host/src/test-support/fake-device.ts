import { FakeProgrammer, type FakeProgrammerOptions } from '@ispkit/stk500/testing';
import type { DeviceEnv } from '../device/device-env.js';
import type { PortInfo } from '../serial/port-kind.js';

/** A DeviceEnv whose one port (or the given list) leads to an in-memory fake programmer. */
export function fakeDevice(options: FakeProgrammerOptions = {}, ports?: PortInfo[]): { env: DeviceEnv; fake: () => FakeProgrammer; opened: string[] } {
  let current: FakeProgrammer | undefined;
  const opened: string[] = [];
  const env: DeviceEnv = {
    listPorts: async () => ports ?? [{ path: '/dev/ttyACM7', vendorId: 0x16c0, productId: 0x0483, product: 'ispkit ISP programmer (Teensy 2.0)' }],
    openPort: async (path) => {
      if (path === '/dev/missing') throw Object.assign(new Error('Error: No such file or directory, cannot open /dev/missing'), { code: 'ENOENT' });
      opened.push(path);
      if (!current) current = new FakeProgrammer(options);
      else if (current.stream.closed || opened.length > 1) current.reconnect();
      return { path, stream: current.stream };
    },
  };
  return {
    env,
    fake: () => {
      current ??= new FakeProgrammer(options);
      return current;
    },
    opened,
  };
}
