/**
 * A behavioural model of PJRC's HalfKay bootloader on a Teensy 2.0 (ATmega32U4), written from its documented
 * behaviour (PJRC's loader notes and teensy_loader_cli's client side):
 * - USB 16C0:0478; every write is one HID output report of exactly 130 bytes: address low, address high (a BYTE
 *   address on this chip) and 128 bytes of flash.
 * - The first block written erases the whole application area (0x0000-0x7DFF) before it is programmed; the device
 *   stalls while erasing (`busyAfterErase` failed transfers, which a client must retry).
 * - Flash bits only clear: a block written twice holds the AND of both.
 * - Addresses from 0x7E00 belong to HalfKay itself and are ignored (counted in `bootloaderWrites`).
 * - A report starting FF FF FF is the boot command: HalfKay leaves, the device disconnects, the application runs.
 * - Faults for tests: `failAfterBlocks` makes the device disconnect (board reset, cable pulled) or stop answering
 *   after that many accepted blocks.
 * Left out: HID descriptors and report-ID handling (the adapter's job), real USB timing beyond `pageWriteMs`.
 */
import { StreamError } from '../byte-stream.js';
import type { HidDevice } from '../hid-device.js';
import { VirtualClock } from './virtual-clock.js';

export interface HalfKayModelOptions {
  clock?: VirtualClock;
  /** Initial 32 KB flash (default: an old application below 0x7E00, a stand-in HalfKay above). */
  flash?: Uint8Array;
  codeSize?: number;
  blockSize?: number;
  /** Failed transfers right after the chip erase (default 3). */
  busyAfterErase?: number;
  eraseMs?: number;
  pageWriteMs?: number;
  failAfterBlocks?: { count: number; mode: 'disconnect' | 'hang' };
}

export class HalfKayModel {
  readonly clock: VirtualClock;
  readonly flash: Uint8Array;
  readonly codeSize: number;
  readonly blockSize: number;
  /** Addresses of the accepted block reports, in order. */
  readonly writes: number[] = [];
  /** Reports with an address in HalfKay's own area. */
  bootloaderWrites = 0;
  /** Transfers rejected (busy or malformed). */
  rejectedWrites = 0;
  erased = false;
  booted?: { atMs: number };
  disconnected = false;
  readonly device: HidDevice;

  private busy = 0;
  private hung = false;
  private readonly opts: Required<Pick<HalfKayModelOptions, 'busyAfterErase' | 'eraseMs' | 'pageWriteMs'>> &
    Pick<HalfKayModelOptions, 'failAfterBlocks'>;
  private readonly bootListeners = new Set<() => void>();

  constructor(options: HalfKayModelOptions = {}) {
    this.clock = options.clock ?? new VirtualClock();
    this.codeSize = options.codeSize ?? 0x7e00;
    this.blockSize = options.blockSize ?? 128;
    this.flash = options.flash ? Uint8Array.from(options.flash) : HalfKayModel.oldFlash(this.codeSize);
    this.opts = {
      busyAfterErase: options.busyAfterErase ?? 3,
      eraseMs: options.eraseMs ?? 1000,
      pageWriteMs: options.pageWriteMs ?? 4.5,
      failAfterBlocks: options.failAfterBlocks,
    };
    this.device = {
      write: (report) => this.write(report),
      close: async () => {},
    };
  }

  /** 32 KB holding some old application (word 0 not blank) and a stand-in HalfKay from `codeSize`. */
  static oldFlash(codeSize = 0x7e00): Uint8Array {
    const flash = new Uint8Array(32768).fill(0xff);
    for (let a = 0; a < 0x400; a++) flash[a] = (a * 13 + 1) & 0xff;
    for (let a = codeSize; a < flash.length; a++) flash[a] = (a * 7 + 0x5a) & 0xff;
    return flash;
  }

  onBoot(listener: () => void): () => void {
    this.bootListeners.add(listener);
    return () => this.bootListeners.delete(listener);
  }

  private async write(report: Uint8Array): Promise<void> {
    await Promise.resolve();
    if (this.disconnected) throw new StreamError('closed', 'device disconnected');
    if (this.hung) return new Promise<void>(() => {});
    if (report.length !== this.blockSize + 2) {
      this.rejectedWrites++;
      throw new Error(`HID output report must be ${this.blockSize + 2} bytes, got ${report.length}`);
    }
    if (report[0] === 0xff && report[1] === 0xff && report[2] === 0xff) {
      this.booted = { atMs: this.clock.now() };
      this.disconnected = true;
      for (const l of [...this.bootListeners]) l();
      return;
    }
    const fail = this.opts.failAfterBlocks;
    if (fail && this.writes.length >= fail.count) {
      if (fail.mode === 'disconnect') {
        this.disconnected = true;
        throw new StreamError('closed', 'device disconnected');
      }
      this.hung = true;
      return new Promise<void>(() => {});
    }
    if (this.busy > 0) {
      this.busy--;
      this.rejectedWrites++;
      throw new Error('transfer stalled (device busy)');
    }
    const address = report[0]! | (report[1]! << 8);
    if (!this.erased) {
      this.erased = true;
      this.flash.fill(0xff, 0, this.codeSize);
      this.clock.advance(this.opts.eraseMs);
      if (this.opts.busyAfterErase > 0) {
        // The erase keeps the device from completing this transfer and the next few.
        this.busy = this.opts.busyAfterErase - 1;
        this.rejectedWrites++;
        throw new Error('transfer stalled (device busy erasing)');
      }
    }
    const base = address - (address % this.blockSize);
    if (base >= this.codeSize) {
      this.bootloaderWrites++;
    } else {
      for (let i = 0; i < this.blockSize; i++) this.flash[base + i] = this.flash[base + i]! & report[2 + i]!;
      this.clock.advance(this.opts.pageWriteMs);
    }
    this.writes.push(address);
  }
}
