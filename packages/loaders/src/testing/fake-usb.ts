/**
 * A fake USB bus for testing `installProgrammer`: serial ports and HID devices come and go on a virtual clock,
 * as boards reboot. Implements InstallDevices; the board fakes (fake-boards.ts) plug and unplug themselves.
 */
import type { ByteStream } from '../byte-stream.js';
import type { HidDevice, HidDeviceInfo } from '../hid-device.js';
import type { InstallDevices, SerialPortInfo } from '../install-programmer.js';
import { LoaderError } from '../loader-error.js';
import { hidPermissionHint, serialPermissionHint } from '../permission-hints.js';
import { VirtualClock } from './virtual-clock.js';

export interface FakeSerialPort {
  info: Omit<SerialPortInfo, 'path'>;
  open(baudRate: number): ByteStream | Promise<ByteStream>;
  /** Open at `baudRate`, DTR dropped, closed. */
  touch?(baudRate: number): void;
}

export interface FakeHid {
  info: Omit<HidDeviceInfo, 'path'>;
  open(): HidDevice;
}

export class FakeUsb implements InstallDevices {
  readonly clock: VirtualClock;
  /** Every touch, in order. */
  readonly touches: { path: string; baudRate: number }[] = [];
  /**
   * When true the serial listing shows nothing while every port still opens: a pty, an adapter without USB
   * identity, or a platform listing that failed.
   */
  hideListing = false;
  /** Paths the OS refuses to open (no udev rule / not in dialout). */
  readonly denied = new Set<string>();
  private readonly serial = new Map<string, FakeSerialPort>();
  private readonly hid = new Map<string, FakeHid>();
  private timers: { at: number; fn: () => void }[] = [];

  constructor(clock = new VirtualClock()) {
    this.clock = clock;
    clock.onAdvance((now) => this.runTimers(now));
  }

  /** Run `fn` once the clock has moved `ms` on. */
  after(ms: number, fn: () => void): void {
    this.timers.push({ at: this.clock.now() + ms, fn });
  }

  private runTimers(now: number): void {
    for (;;) {
      const due = this.timers.filter((t) => t.at <= now).sort((a, b) => a.at - b.at)[0];
      if (!due) return;
      this.timers = this.timers.filter((t) => t !== due);
      due.fn();
    }
  }

  /** Plug a serial port in at the lowest free /dev/ttyACMn, as Linux numbers CDC-ACM ports. */
  plugSerial(port: FakeSerialPort): string {
    let n = 0;
    while (this.serial.has(`/dev/ttyACM${n}`)) n++;
    const path = `/dev/ttyACM${n}`;
    this.serial.set(path, port);
    return path;
  }

  unplugSerial(path: string): void {
    this.serial.delete(path);
  }

  plugHid(device: FakeHid): string {
    let n = 0;
    while (this.hid.has(`/dev/hidraw${n}`)) n++;
    const path = `/dev/hidraw${n}`;
    this.hid.set(path, device);
    return path;
  }

  unplugHid(path: string): void {
    this.hid.delete(path);
  }

  async listSerialPorts(): Promise<SerialPortInfo[]> {
    if (this.hideListing) return [];
    return [...this.serial].map(([path, p]) => ({ path, ...p.info }));
  }

  async openSerial(path: string, baudRate: number): Promise<ByteStream> {
    const port = this.serial.get(path);
    if (!port) throw new LoaderError('disconnected', `cannot open ${path}: no such port`);
    if (this.denied.has(path)) throw new LoaderError('permission', serialPermissionHint(path));
    return port.open(baudRate);
  }

  async touchSerial(path: string, baudRate: number): Promise<void> {
    const port = this.serial.get(path);
    if (!port) throw new LoaderError('disconnected', `cannot open ${path}: no such port`);
    if (this.denied.has(path)) throw new LoaderError('permission', serialPermissionHint(path));
    this.touches.push({ path, baudRate });
    port.touch?.(baudRate);
  }

  async listHid(): Promise<HidDeviceInfo[]> {
    return [...this.hid].map(([path, d]) => ({ path, ...d.info }));
  }

  async openHid(path: string): Promise<HidDevice> {
    const d = this.hid.get(path);
    if (!d) throw new LoaderError('disconnected', `cannot open ${path}: no such device`);
    if (this.denied.has(path)) throw new LoaderError('permission', hidPermissionHint(path));
    return d.open();
  }
}
