/**
 * Fake Pro Micro and Teensy 2.0 boards on a FakeUsb bus, for testing the install flow end to end without
 * hardware. Each board keeps its flash across reboots and re-enumerates the way the real one does:
 * - running ispkit's firmware it is a 16C0:0483 "ispkit" serial port answering STK500 (@ispkit/stk500's
 *   FakeProgrammer); a 1200-baud touch (Pro Micro) or 134-baud request (Teensy) reboots it into its bootloader;
 * - the bootloader is the Caterina or HalfKay model, on a fresh port or HID device;
 * - when the bootloader leaves, the board runs whatever flash now holds: ispkit's firmware if it starts with
 *   `ispkitImage`, the previous application if flash is unchanged, otherwise nothing that enumerates.
 * `doubleTapReset()` / `pressButton()` are the user's hands.
 */
import { FakeProgrammer } from '@ispkit/stk500/testing';
import { StreamError, type ByteStream } from '../byte-stream.js';
import { CaterinaModel, type CaterinaModelOptions } from './caterina-model.js';
import type { FakeUsb } from './fake-usb.js';
import { HalfKayModel, type HalfKayModelOptions } from './halfkay-model.js';

export const ISPKIT_USB = { vendorId: 0x16c0, productId: 0x0483, manufacturer: 'ispkit' } as const;

type Running = 'ispkit' | 'sketch' | 'keyboard' | 'crashed';

interface Plugged {
  unplug(): void;
}

/** A serial stream for an application that never answers (an Arduino sketch). */
function deafStream(): ByteStream {
  let closed = false;
  return {
    write: async () => {
      if (closed) throw new StreamError('closed', 'closed');
    },
    read: async (_n, timeoutMs) => {
      await new Promise((r) => setTimeout(r, Math.min(timeoutMs, 5)));
      throw new StreamError(closed ? 'closed' : 'timeout', 'no reply');
    },
    close: async () => {
      closed = true;
    },
  };
}

abstract class FakeBoard {
  flash: Uint8Array;
  running: Running | 'bootloader';
  /** How many times the board entered its bootloader. */
  bootloaderEntries = 0;
  protected plugged: Plugged | undefined;
  protected readonly enumerateMs: number;
  private readonly initialApp: Uint8Array;
  private readonly initialRunning: Running;

  protected readonly appStream: ((flash: Uint8Array) => Promise<ByteStream>) | undefined;

  constructor(
    protected readonly usb: FakeUsb,
    protected readonly ispkitImage: Uint8Array,
    opts: { running: Running | 'bootloader'; flash: Uint8Array; enumerateMs?: number; appStream?: (flash: Uint8Array) => Promise<ByteStream> },
  ) {
    this.appStream = opts.appStream;
    this.flash = opts.flash;
    this.enumerateMs = opts.enumerateMs ?? 300;
    this.initialApp = Uint8Array.from(opts.flash);
    this.initialRunning = opts.running === 'bootloader' ? 'sketch' : opts.running;
    this.running = opts.running;
  }

  protected abstract product: string;
  protected abstract rebootBaud: number;
  protected abstract enterBootloader(): void;

  /** Start the board as the options say (call once after construction). */
  start(): this {
    if (this.running === 'bootloader') this.enterBootloader();
    else this.runApp(this.running);
    return this;
  }

  protected disconnect(): void {
    this.plugged?.unplug();
    this.plugged = undefined;
  }

  /** The user resets the board into its bootloader. */
  protected resetIntoBootloader(): void {
    this.disconnect();
    this.running = 'crashed';
    this.usb.after(this.enumerateMs, () => this.enterBootloader());
  }

  /** The bootloader left: run what flash holds. */
  protected leaveBootloader(): void {
    this.disconnect();
    const kind: Running = startsWith(this.flash, this.ispkitImage)
      ? 'ispkit'
      : sameApp(this.flash, this.initialApp)
        ? this.initialRunning
        : 'crashed';
    this.running = 'crashed';
    this.usb.after(this.enumerateMs, () => this.runApp(kind));
  }

  protected runApp(kind: Running): void {
    this.running = kind;
    if (kind === 'keyboard' || kind === 'crashed') return;
    const streams: FakeProgrammer[] = [];
    const opened: ByteStream[] = [];
    const flash = Uint8Array.from(this.flash);
    const info =
      kind === 'ispkit'
        ? { ...ISPKIT_USB, product: this.product }
        : { vendorId: 0x1b4f, productId: 0x9206, manufacturer: 'SparkFun', product: 'SparkFun Pro Micro' };
    const path = this.usb.plugSerial({
      info,
      open: async () => {
        if (kind !== 'ispkit') return deafStream();
        if (this.appStream) {
          const s = await this.appStream(flash);
          opened.push(s);
          return s;
        }
        const p = new FakeProgrammer({ flavor: 'ispkit' });
        streams.push(p);
        return p.stream;
      },
      touch: (baud) => {
        if (baud === this.rebootBaud && this.touchWorks) this.resetIntoBootloader();
      },
    });
    this.plugged = {
      unplug: () => {
        this.usb.unplugSerial(path);
        for (const s of streams) s.unplug();
        for (const s of opened) void s.close().catch(() => undefined);
      },
    };
  }

  protected get touchWorks(): boolean {
    return true;
  }
}

function startsWith(flash: Uint8Array, image: Uint8Array): boolean {
  return image.length > 0 && image.every((b, i) => flash[i] === b);
}

function sameApp(a: Uint8Array, b: Uint8Array): boolean {
  return a.every((x, i) => x === b[i]);
}

export interface FakeProMicroOptions {
  /** What runs at start: ispkit's firmware, an Arduino sketch, a keyboard firmware (no serial port), Caterina. */
  running: Running | 'bootloader';
  /** Bytes from address 0 that make flash count as ispkit's firmware. */
  ispkitImage: Uint8Array;
  /** The running firmware reboots into Caterina on the 1200-baud touch (default true). */
  touchWorks?: boolean;
  /** Caterina's USB id (default SparkFun Pro Micro 5 V, 1B4F:9205). */
  bootloaderId?: { vendorId: number; productId: number };
  caterina?: Omit<CaterinaModelOptions, 'clock' | 'flash'>;
  enumerateMs?: number;
  /** Talk to the running ispkit firmware through this instead of an in-memory fake (e.g. the real hex in simavr). */
  appStream?: (flash: Uint8Array) => Promise<ByteStream>;
}

export class FakeProMicro extends FakeBoard {
  caterina: CaterinaModel | undefined;
  protected product = 'ispkit ISP programmer (Pro Micro)';
  protected rebootBaud = 1200;
  private readonly options: FakeProMicroOptions;

  constructor(usb: FakeUsb, options: FakeProMicroOptions) {
    const flash = CaterinaModel.blankFlash();
    if (options.running !== 'bootloader') for (let a = 0; a < 0x800; a++) flash[a] = (a * 3 + 0x11) & 0xff;
    super(usb, options.ispkitImage, {
      running: options.running,
      flash,
      ...(options.enumerateMs !== undefined ? { enumerateMs: options.enumerateMs } : {}),
      ...(options.appStream ? { appStream: options.appStream } : {}),
    });
    this.options = options;
  }

  protected override get touchWorks(): boolean {
    return this.options.touchWorks ?? true;
  }

  doubleTapReset(): void {
    this.resetIntoBootloader();
  }

  protected enterBootloader(): void {
    this.bootloaderEntries++;
    this.running = 'bootloader';
    const model = new CaterinaModel({ ...this.options.caterina, clock: this.usb.clock, flash: this.flash });
    this.caterina = model;
    const id = this.options.bootloaderId ?? { vendorId: 0x1b4f, productId: 0x9205 };
    const path = this.usb.plugSerial({ info: { ...id, manufacturer: 'SparkFun', product: 'SparkFun Pro Micro' }, open: () => model.open() });
    let gone = false;
    this.plugged = {
      unplug: () => {
        gone = true;
        this.usb.unplugSerial(path);
        model.detach();
      },
    };
    model.onLeave(() => {
      if (gone) return;
      this.flash = Uint8Array.from(model.flash);
      this.leaveBootloader();
    });
  }
}

export interface FakeTeensy2Options {
  /** What runs at start: ispkit's firmware, a firmware without a serial port, HalfKay. */
  running: 'ispkit' | 'keyboard' | 'bootloader';
  ispkitImage: Uint8Array;
  halfkay?: Omit<HalfKayModelOptions, 'clock' | 'flash'>;
  enumerateMs?: number;
  /** Talk to the running ispkit firmware through this instead of an in-memory fake (e.g. the real hex in simavr). */
  appStream?: (flash: Uint8Array) => Promise<ByteStream>;
}

export class FakeTeensy2 extends FakeBoard {
  halfkay: HalfKayModel | undefined;
  protected product = 'ispkit ISP programmer (Teensy 2.0)';
  protected rebootBaud = 134;
  private readonly options: FakeTeensy2Options;

  constructor(usb: FakeUsb, options: FakeTeensy2Options) {
    super(usb, options.ispkitImage, {
      running: options.running,
      flash: HalfKayModel.oldFlash(),
      ...(options.enumerateMs !== undefined ? { enumerateMs: options.enumerateMs } : {}),
      ...(options.appStream ? { appStream: options.appStream } : {}),
    });
    this.options = options;
  }

  pressButton(): void {
    this.resetIntoBootloader();
  }

  protected enterBootloader(): void {
    this.bootloaderEntries++;
    this.running = 'bootloader';
    const model = new HalfKayModel({ ...this.options.halfkay, clock: this.usb.clock, flash: this.flash });
    this.halfkay = model;
    const path = this.usb.plugHid({ info: { vendorId: 0x16c0, productId: 0x0478 }, open: () => model.device });
    let gone = false;
    this.plugged = {
      unplug: () => {
        gone = true;
        model.disconnected = true;
        this.usb.unplugHid(path);
      },
    };
    model.onBoot(() => {
      if (gone) return;
      this.flash = Uint8Array.from(model.flash);
      this.leaveBootloader();
    });
  }
}
