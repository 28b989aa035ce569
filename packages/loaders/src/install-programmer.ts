/**
 * `ispkit programmer install` without the I/O: find the board, get it into its bootloader, write (and for
 * Caterina read back) the firmware, start it, and check that it answers as an ISP programmer. Every device access
 * goes through the injected `InstallDevices`, and every wait through the injected clock, so the whole flow runs
 * against the bootloader models in tests.
 */
import { Stk500Client } from '@ispkit/stk500';
import type { ByteStream } from './byte-stream.js';
import { systemClock, type Clock } from './clock.js';
import { assertImageFits, type FlashImage } from './flash-image.js';
import type { HidDevice, HidDeviceInfo } from './hid-device.js';
import { Avr109Client } from './avr109-client.js';
import { LoaderError, hex } from './loader-error.js';
import { programAvr109 } from './program-avr109.js';
import { programHalfKay } from './program-halfkay.js';
import type { LoaderProgress } from './progress.js';
import {
  caterinaBootloaderIds,
  caterinaSketchIds,
  findId,
  formatUsbId,
  halfKayId,
  matchesId,
  proMicroSketchIds,
  teensySerialId,
} from './usb-ids.js';

export interface SerialPortInfo {
  path: string;
  vendorId?: number;
  productId?: number;
  manufacturer?: string;
  /** USB product string when the platform reports it. */
  product?: string;
  serialNumber?: string;
}

export interface InstallDevices {
  listSerialPorts(): Promise<SerialPortInfo[]>;
  /** Open a port to talk over. Rejects with LoaderError 'permission' when the OS refuses access. */
  openSerial(path: string, baudRate: number): Promise<ByteStream>;
  /** Open at `baudRate`, drop DTR, close: the request to reboot into the bootloader. */
  touchSerial(path: string, baudRate: number): Promise<void>;
  listHid(): Promise<HidDeviceInfo[]>;
  /** Rejects with LoaderError 'permission' when the OS refuses access. */
  openHid(path: string): Promise<HidDevice>;
}

export interface ProgrammerBoard {
  id: string;
  /** Human name, e.g. 'Pro Micro 5 V (16 MHz)'. */
  name: string;
  bootloader: 'caterina' | 'halfkay';
  /** First flash byte the bootloader owns (0x7000 Caterina, 0x7E00 HalfKay). */
  bootloaderStart: number;
  /**
   * How ispkit's firmware enumerates on this board (USB serial). `product` tells two ispkit programmers apart
   * where the platform reports product strings.
   */
  firmwareUsb: { vendorId: number; productId: number; manufacturer?: string; product?: string };
}

export type InstallEvent =
  /** What the flow is doing or found, one lowercase sentence. */
  | { type: 'step'; message: string }
  /** Something the user has to do now (press RESET, the button). */
  | { type: 'action'; message: string }
  | { type: 'progress'; progress: LoaderProgress }
  /** Protocol detail for `-v`: one line per AVR109 request/reply. */
  | { type: 'trace'; message: string };

/**
 * How the install's messages name the front end's controls: the CLI's `-P` and commands, or a page's device
 * chooser and steps. Everything else in the messages is the same for every front end.
 */
export interface InstallWords {
  /** Ends "several boards …; <chooseOne>". */
  chooseOne: string;
  /** "if <path> is the board, <runAgainWith(path)>; otherwise …" */
  runAgainWith(path: string): string;
  /** Ends "unplug and replug the <board>, then <checkProgrammer>". */
  checkProgrammer: string;
}

export const cliInstallWords: InstallWords = {
  chooseOne: 'name one with -P',
  runAgainWith: (path) => `run again with -P ${path}`,
  checkProgrammer: "run 'ispkit info -P <port>'",
};

export interface InstallOptions {
  board: ProgrammerBoard;
  /** Front-end wording (default: the CLI's). */
  words?: Partial<InstallWords>;
  image: FlashImage;
  /** The board's serial port (`-P`), when the user named it. */
  port?: string;
  /** The device node `port` currently leads to, when it is a symlink (/dev/serial/by-id/…): matched against the listing. */
  portTarget?: string;
  devices: InstallDevices;
  clock?: Clock;
  onEvent?: (event: InstallEvent) => void;
  /** After a 1200/134-baud touch: how long to wait for the bootloader (Caterina's window is ~8 s). */
  touchWaitMs?: number;
  /** How long to wait for the user to reset the board by hand. */
  manualWaitMs?: number;
  /** After the install: how long to wait for the new firmware's port. */
  firmwareWaitMs?: number;
  pollMs?: number;
  /** How long a port the listing does not show gets to answer the AVR109 identifier query ('S'). */
  probeMs?: number;
  /** Abort (Ctrl-C): waits stop and the open port/device is closed, so pending I/O ends at once. */
  signal?: AbortSignal;
}

export interface InstallResult {
  /** The board was already in its bootloader when the install started. */
  alreadyInBootloader: boolean;
  /** Where the bootloader was found (serial path or HID path). */
  bootloaderPath: string;
  bytesWritten: number;
  /** Caterina installs are read back; HalfKay cannot read, so only the sign-on vouches for the image. */
  readBack: boolean;
  programmerPort: string;
  signOn: string;
}

const SIGNATURE_32U4 = [0x1e, 0x95, 0x87] as const;
const EXPECTED_SIGN_ON = 'AVR ISP';

export async function installProgrammer(opts: InstallOptions): Promise<InstallResult> {
  const ctx = new Context(opts);
  assertImageFits(
    opts.image,
    opts.board.bootloaderStart,
    `the ${opts.board.name}'s application area (the bootloader occupies ${hex(opts.board.bootloaderStart)}-0x7fff)`,
  );
  return opts.board.bootloader === 'caterina' ? installCaterina(ctx) : installHalfKay(ctx);
}

class Context {
  readonly clock: Clock;
  readonly devices: InstallDevices;
  readonly touchWaitMs: number;
  readonly manualWaitMs: number;
  readonly firmwareWaitMs: number;
  readonly pollMs: number;
  readonly probeMs: number;
  readonly openRetryMs = 2000;
  readonly words: InstallWords;

  constructor(readonly opts: InstallOptions) {
    this.words = { ...cliInstallWords, ...opts.words };
    this.clock = opts.clock ?? systemClock;
    this.devices = opts.devices;
    this.touchWaitMs = opts.touchWaitMs ?? 8000;
    this.manualWaitMs = opts.manualWaitMs ?? 30000;
    this.firmwareWaitMs = opts.firmwareWaitMs ?? 10000;
    this.pollMs = opts.pollMs ?? 200;
    this.probeMs = opts.probeMs ?? 500;
  }

  get board(): ProgrammerBoard {
    return this.opts.board;
  }

  step(message: string): void {
    this.opts.onEvent?.({ type: 'step', message });
  }

  action(message: string): void {
    this.opts.onEvent?.({ type: 'action', message });
  }

  trace(message: string): void {
    this.opts.onEvent?.({ type: 'trace', message });
  }

  progress(progress: LoaderProgress): void {
    this.opts.onEvent?.({ type: 'progress', progress });
  }

  isOurFirmware(p: SerialPortInfo): boolean {
    const fw = this.board.firmwareUsb;
    if (!matchesId(p, fw)) return false;
    if (fw.product !== undefined && p.product !== undefined && p.product !== fw.product) return false;
    return fw.manufacturer === undefined || p.manufacturer === undefined || p.manufacturer === fw.manufacturer;
  }

  /** Poll `probe` until it returns something or `ms` pass. */
  /** Throw if the user aborted. */
  checkAborted(): void {
    if (this.opts.signal?.aborted) throw new LoaderError('disconnected', 'interrupted');
  }

  /** Close `resource` if the user aborts while `work` runs. */
  async closingOnAbort<T>(resource: { close(): Promise<void> }, work: () => Promise<T>): Promise<T> {
    const signal = this.opts.signal;
    const onAbort = (): void => void resource.close().catch(() => undefined);
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      this.checkAborted();
      return await work();
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  /**
   * Open a device that just appeared. udev sets its permissions a moment after the node shows up, so a refusal
   * or a vanished node is retried for `openRetryMs` before it counts.
   */
  async openFresh<T>(open: () => Promise<T>): Promise<T> {
    const end = this.clock.now() + this.openRetryMs;
    for (;;) {
      this.checkAborted();
      try {
        return await open();
      } catch (err) {
        const retryable = err instanceof LoaderError && (err.code === 'permission' || err.code === 'disconnected');
        if (!retryable || this.clock.now() >= end) throw err;
      }
      await this.clock.sleep(250, this.opts.signal);
    }
  }

  async waitFor<T>(ms: number, probe: () => Promise<T | undefined>): Promise<T | undefined> {
    const end = this.clock.now() + ms;
    for (;;) {
      this.checkAborted();
      const found = await probe();
      if (found !== undefined) return found;
      if (this.clock.now() >= end) return undefined;
      await this.clock.sleep(Math.min(this.pollMs, Math.max(1, end - this.clock.now())), this.opts.signal);
    }
  }
}

/** Hex bytes, shortened for block transfers. */
function traceBytes(b: Uint8Array): string {
  const hexes = [...b.subarray(0, 8)].map((x) => x.toString(16).padStart(2, '0'));
  return hexes.join(' ') + (b.length > 8 ? ` … (${b.length} bytes)` : '');
}

export function describeSerialPort(p: SerialPortInfo): string {
  const who = [p.manufacturer, p.product].filter(Boolean).join(' ');
  return `${p.path} (${formatUsbId(p)}${who ? ' ' + who : ''})`;
}

function seenList(ports: SerialPortInfo[], hid: HidDeviceInfo[] = []): string {
  const all = [...ports.map(describeSerialPort), ...hid.map((d) => `HID ${formatUsbId(d)}${d.product ? ' ' + d.product : ''}`)];
  return all.length === 0 ? 'no USB serial ports or HID devices at all' : `seen: ${all.join(', ')}`;
}

// ---------------------------------------------------------------------------------------------- Caterina

async function installCaterina(ctx: Context): Promise<InstallResult> {
  const { devices } = ctx;
  const before = await devices.listSerialPorts();
  let alreadyInBootloader = false;
  let bootPort: SerialPortInfo | undefined;

  const named = ctx.opts.port === undefined ? undefined : before.find((p) => isNamed(ctx, p));
  if (ctx.opts.port !== undefined && !named) return installCaterinaUnlisted(ctx, ctx.opts.port, before);
  const inBootloader = named ? (findId(named, caterinaBootloaderIds) ? [named] : []) : before.filter((p) => findId(p, caterinaBootloaderIds));
  if (inBootloader.length > 1) {
    throw new LoaderError('no-board', `several boards are in their bootloader (${inBootloader.map((p) => p.path).join(', ')}); ${ctx.words.chooseOne}`);
  }
  if (inBootloader.length === 1) {
    bootPort = inBootloader[0]!;
    alreadyInBootloader = true;
    ctx.step(`found the ${ctx.board.name} already in its bootloader on ${describeSerialPort(bootPort)}`);
  } else {
    // Our firmware and SparkFun's Pro Micro sketch ids are this board; a Leonardo/Micro sketch may be another
    // board (a Leonardo running ArduinoISP), so it is only rebooted when named with -P.
    const candidates = named ? [named] : before.filter((p) => ctx.isOurFirmware(p) || findId(p, proMicroSketchIds));
    const maybe = named ? [] : before.filter((p) => findId(p, caterinaSketchIds) && !findId(p, proMicroSketchIds));
    if (candidates.length > 1) {
      throw new LoaderError('no-board', `more than one possible ${ctx.board.name}: ${candidates.map(describeSerialPort).join(', ')}; ${ctx.words.chooseOne}`);
    }
    const touched = candidates[0];
    if (touched) {
      ctx.step(`found ${describeSerialPort(touched)}; rebooting it into Caterina (1200-baud touch)`);
      await devices.touchSerial(touched.path, 1200);
      bootPort = await ctx.waitFor(ctx.touchWaitMs, caterinaProbe(ctx, before, touched));
      if (!bootPort) {
        ctx.action(
          `the ${ctx.board.name} did not enter its bootloader: double-tap RESET now (short RST to GND twice within a second)`,
        );
      }
    } else {
      ctx.action(
        `no running ${ctx.board.name} found (${seenList(before)})${maybeHint(ctx, maybe)}: double-tap RESET now (short RST to GND twice within a second)`,
      );
    }
    bootPort ??= await ctx.waitFor(ctx.manualWaitMs, caterinaProbe(ctx, before, touched));
    if (!bootPort) {
      const now = await devices.listSerialPorts();
      throw new LoaderError(
        touched ? 'no-bootloader' : 'no-board',
        `no Caterina bootloader appeared within ${Math.round((ctx.manualWaitMs + (touched ? ctx.touchWaitMs : 0)) / 1000)} s (${seenList(now)}); ` +
          `plug the ${ctx.board.name} in, double-tap RESET and run the command again within 8 s`,
      );
    }
    ctx.step(`Caterina is up on ${describeSerialPort(bootPort)}`);
  }

  // Our firmware ports present now are not the board's (it is in its bootloader): remember them.
  const otherProgrammers = new Set((await devices.listSerialPorts()).filter((p) => ctx.isOurFirmware(p)).map((p) => p.path));
  const written = await writeCaterina(ctx, bootPort.path);
  ctx.step(`wrote and verified ${written.bytesWritten} bytes; starting the new firmware`);
  const signed = await confirmProgrammer(ctx, otherProgrammers, named?.path);
  return {
    alreadyInBootloader,
    bootloaderPath: bootPort.path,
    bytesWritten: written.bytesWritten,
    readBack: true,
    ...signed,
  };
}

/**
 * `-P` names a port the USB listing does not show: a pty, an adapter without USB identity, or a listing that
 * failed. It is probed rather than refused: a running bootloader answers the AVR109 software-identifier query
 * ('S', seven printable characters such as "CATERIN"); anything else is taken for the application and gets the
 * 1200-baud touch, after which the bootloader is looked for in the listing (by id) and on the same path. The new
 * firmware is then confirmed on that path too.
 */
async function installCaterinaUnlisted(ctx: Context, path: string, before: SerialPortInfo[]): Promise<InstallResult> {
  const first = await probeBootloader(ctx, path, before, true);
  let bootPath: string | undefined;
  const alreadyInBootloader = first !== undefined;
  if (first !== undefined) {
    ctx.step(`${path} is not in the USB listing; it answers as a bootloader ("${first}")`);
    bootPath = path;
  } else {
    ctx.step(`${path} is not in the USB listing and does not answer as a bootloader; rebooting it into Caterina (1200-baud touch)`);
    await ctx.devices.touchSerial(path, 1200).catch((err: unknown) => {
      if (err instanceof LoaderError && err.code === 'permission') throw err;
    });
    const known = new Set(before.map((p) => p.path));
    const probe = async (): Promise<string | undefined> => {
      const listed = (await ctx.devices.listSerialPorts()).find((p) => findId(p, caterinaBootloaderIds) && !known.has(p.path));
      if (listed) return listed.path;
      return (await probeBootloader(ctx, path, before, false)) !== undefined ? path : undefined;
    };
    bootPath = await ctx.waitFor(ctx.touchWaitMs, probe);
    if (!bootPath) ctx.action(`the ${ctx.board.name} did not enter its bootloader: double-tap RESET now (short RST to GND twice within a second)`);
    bootPath ??= await ctx.waitFor(ctx.manualWaitMs, probe);
    if (!bootPath) {
      throw new LoaderError(
        'no-bootloader',
        `no bootloader answered on ${path} within ${Math.round((ctx.touchWaitMs + ctx.manualWaitMs) / 1000)} s (${seenList(await ctx.devices.listSerialPorts())}); ` +
          `double-tap RESET on the ${ctx.board.name} and run the command again within 8 s`,
      );
    }
    ctx.step(`the bootloader is up on ${bootPath}`);
  }
  const otherProgrammers = new Set((await ctx.devices.listSerialPorts()).filter((p) => ctx.isOurFirmware(p)).map((p) => p.path));
  const written = await writeCaterina(ctx, bootPath);
  ctx.step(`wrote and verified ${written.bytesWritten} bytes; starting the new firmware`);
  const signed = await confirmProgrammer(ctx, otherProgrammers, path);
  return { alreadyInBootloader, bootloaderPath: bootPath, bytesWritten: written.bytesWritten, readBack: true, ...signed };
}

/**
 * Ask `path` for its AVR109 software identifier. Resolves with it when a bootloader answers, undefined when the
 * port is silent or answers something else (an application), or is gone for now (`strict` false: it may be
 * re-enumerating); `strict` true turns a port that cannot be opened into the "no such port" error listing the ports
 * that exist.
 */
async function probeBootloader(ctx: Context, path: string, listed: SerialPortInfo[], strict: boolean): Promise<string | undefined> {
  let stream: ByteStream;
  try {
    stream = await ctx.devices.openSerial(path, 57600);
  } catch (err) {
    if (err instanceof LoaderError && err.code === 'permission') throw err;
    if (!strict) return undefined;
    const why = err instanceof Error ? err.message : String(err);
    throw new LoaderError('no-board', `no serial port ${path} (${why.replace(/^cannot open [^:]*: /, '')}; ${seenList(listed)})`, undefined, { cause: err });
  }
  try {
    await stream.drain?.();
    const id = await ctx.closingOnAbort(stream, () => new Avr109Client(stream, { commandMs: ctx.probeMs }).softwareId());
    return /^[\x20-\x7e]{7}$/.test(id) ? id : undefined;
  } catch (err) {
    ctx.checkAborted();
    if (err instanceof LoaderError && err.code === 'permission') throw err;
    return undefined;
  } finally {
    await stream.close().catch(() => undefined);
  }
}

/** Program and read back through Caterina on `path`. */
async function writeCaterina(ctx: Context, path: string): Promise<{ bytesWritten: number }> {
  const stream = await ctx.openFresh(() => ctx.devices.openSerial(path, 57600));
  try {
    return await ctx.closingOnAbort(stream, () =>
      programAvr109(stream, ctx.opts.image, {
        appLimit: ctx.board.bootloaderStart,
        expectedSignature: SIGNATURE_32U4,
        onProgress: (p) => ctx.progress(p),
        onTrace: (e) => ctx.trace(`${e.direction === 'send' ? '>' : '<'} ${traceBytes(e.bytes)}  (${e.activity})`),
      }),
    );
  } catch (err) {
    throw failedInstall(ctx, err, 'double-tap RESET and run the command again within 8 s');
  } finally {
    await stream.close().catch(() => undefined);
  }
}

/**
 * A probe for Caterina's port: one with a known bootloader id, or — for clones with other ids — a port that is
 * new, or that is the touched path coming back after it vanished, and is neither the sketch nor our firmware.
 */
function caterinaProbe(ctx: Context, before: SerialPortInfo[], touched: SerialPortInfo | undefined): () => Promise<SerialPortInfo | undefined> {
  const known = new Set(before.map((p) => p.path));
  let touchedGone = false;
  return async () => {
    const ports = await ctx.devices.listSerialPorts();
    const byId = ports.find((p) => findId(p, caterinaBootloaderIds));
    if (byId || !touched) return byId;
    if (!ports.some((p) => p.path === touched.path)) touchedGone = true;
    return ports.find(
      (p) =>
        (!known.has(p.path) || (touchedGone && p.path === touched.path)) &&
        !sameId(p, touched) &&
        !findId(p, caterinaSketchIds) &&
        !ctx.isOurFirmware(p),
    );
  };
}

/** ", or if X is the board, run again with -P X" for ports that may be the board but are not rebooted unasked. */
function maybeHint(ctx: Context, maybe: SerialPortInfo[]): string {
  if (maybe.length === 0) return '';
  return `; if ${maybe.map((p) => p.path).join(' or ')} is the board, ${ctx.words.runAgainWith(maybe[0]!.path)}; otherwise`;
}

function sameId(a: SerialPortInfo, b: SerialPortInfo): boolean {
  return a.vendorId !== undefined && a.vendorId === b.vendorId && a.productId === b.productId;
}

// ----------------------------------------------------------------------------------------------- HalfKay

async function installHalfKay(ctx: Context): Promise<InstallResult> {
  const { devices } = ctx;
  const findHalfKay = async (): Promise<HidDeviceInfo | undefined> => (await devices.listHid()).find((d) => matchesId(d, halfKayId));
  let alreadyInBootloader = false;
  let hk = await findHalfKay();
  if (hk) {
    alreadyInBootloader = true;
    ctx.step(`found the ${ctx.board.name} already in HalfKay`);
  } else {
    const ports = await devices.listSerialPorts();
    let target: SerialPortInfo | undefined;
    let maybe: SerialPortInfo[] = [];
    if (ctx.opts.port !== undefined) {
      // Not in the listing (a pty, no USB identity, a failed listing): HalfKay cannot be asked over serial, so the
      // port is taken for the running application and gets the 134-baud request.
      target = ports.find((p) => isNamed(ctx, p)) ?? { path: ctx.opts.port };
    } else {
      const ours = ports.filter((p) => ctx.isOurFirmware(p));
      if (ours.length > 1) {
        throw new LoaderError('no-board', `more than one possible ${ctx.board.name}: ${ours.map(describeSerialPort).join(', ')}; ${ctx.words.chooseOne}`);
      }
      target = ours[0];
      // Teensyduino "USB Serial" and QMK's ISP firmware answer the 134-baud request too, but such a port may be
      // another board (the user's current programmer): reboot it only when named with -P.
      if (!target) maybe = ports.filter((p) => matchesId(p, teensySerialId) && !ctx.isOurFirmware(p));
    }
    if (target) {
      ctx.step(`found ${describeSerialPort(target)}; rebooting it into HalfKay (134-baud request)`);
      await devices.touchSerial(target.path, 134).catch((err: unknown) => {
        if (err instanceof LoaderError && err.code === 'disconnected') {
          throw new LoaderError('no-board', `no serial port ${target.path} (${seenList(ports)})`, undefined, { cause: err });
        }
        throw err;
      });
      hk = await ctx.waitFor(ctx.touchWaitMs, findHalfKay);
      if (!hk) ctx.action(`the ${ctx.board.name} did not enter HalfKay: press its pushbutton now`);
    } else {
      ctx.action(`no running ${ctx.board.name} found (${seenList(ports)})${maybeHint(ctx, maybe)}: press the pushbutton on the Teensy now`);
    }
    hk ??= await ctx.waitFor(ctx.manualWaitMs, findHalfKay);
    if (!hk) {
      const [nowPorts, nowHid] = [await devices.listSerialPorts(), await devices.listHid()];
      throw new LoaderError(
        target ? 'no-bootloader' : 'no-board',
        `no Teensy bootloader (HalfKay, USB 16c0:0478) appeared (${seenList(nowPorts, nowHid)}); ` +
          `plug the ${ctx.board.name} in and press its pushbutton`,
      );
    }
    ctx.step(`HalfKay is up`);
  }

  const otherProgrammers = new Set((await devices.listSerialPorts()).filter((p) => ctx.isOurFirmware(p)).map((p) => p.path));
  const hkPath = hk.path;
  const device = await ctx.openFresh(() => devices.openHid(hkPath));
  let written;
  try {
    written = await ctx.closingOnAbort(device, () =>
      programHalfKay(device, ctx.opts.image, {
        codeSize: ctx.board.bootloaderStart,
        blockSize: 128,
        clock: ctx.clock,
        onProgress: (p) => ctx.progress(p),
      }),
    );
  } catch (err) {
    throw failedInstall(ctx, err, 'press the pushbutton on the Teensy and run the command again');
  } finally {
    await device.close().catch(() => undefined);
  }
  ctx.step(`wrote ${written.bytesWritten} bytes; starting the new firmware`);
  const signed = await confirmProgrammer(ctx, otherProgrammers, ctx.opts.port);
  return { alreadyInBootloader, bootloaderPath: hk.path, bytesWritten: written.bytesWritten, readBack: false, ...signed };
}

// ------------------------------------------------------------------------------------------------ common

/** Whether a listed port is the one named with -P (directly, or as the target of the named symlink). */
function isNamed(ctx: Context, p: SerialPortInfo): boolean {
  return p.path === ctx.opts.port || (ctx.opts.portTarget !== undefined && p.path === ctx.opts.portTarget);
}

function failedInstall(ctx: Context, err: unknown, retry: string): unknown {
  if (ctx.opts.signal?.aborted) return new LoaderError('disconnected', `interrupted; the ${ctx.board.name} is not programmed`, undefined, { cause: err });
  if (!(err instanceof LoaderError) || err.code === 'image-too-big' || err.code === 'unsupported') return err;
  return new LoaderError(
    err.code,
    `install failed, the ${ctx.board.name} is not programmed: ${err.message}; ${retry}`,
    err.address,
    { cause: err },
  );
}

/**
 * Wait for the new firmware's port and check it answers the STK500 sign-on as an ISP programmer. The port is our
 * firmware's USB id appearing in the listing, or — when the user named a port the listing does not show — that
 * same path answering the sign-on.
 */
async function confirmProgrammer(ctx: Context, otherProgrammers: Set<string>, samePath?: string): Promise<{ programmerPort: string; signOn: string }> {
  let signedOnSamePath: string | undefined;
  const port = await ctx.waitFor(ctx.firmwareWaitMs, async () => {
    const ports = await ctx.devices.listSerialPorts();
    const listed = ports.find((p) => ctx.isOurFirmware(p) && !otherProgrammers.has(p.path));
    if (listed || samePath === undefined || ports.some((p) => p.path === samePath)) return listed;
    signedOnSamePath = await signOnOnce(ctx, samePath).catch((err: unknown) => {
      if (err instanceof LoaderError && err.code === 'permission') throw err;
      return undefined;
    });
    return signedOnSamePath === undefined ? undefined : { path: samePath };
  });
  if (port && signedOnSamePath !== undefined) {
    if (signedOnSamePath !== EXPECTED_SIGN_ON) {
      throw new LoaderError('sign-on-failed', `${port.path} signed on as ${JSON.stringify(signedOnSamePath)}, not "${EXPECTED_SIGN_ON}"`);
    }
    ctx.step(`the new firmware answers on ${port.path}, the port you named`);
    return { programmerPort: port.path, signOn: signedOnSamePath };
  }
  if (!port) {
    const now = await ctx.devices.listSerialPorts();
    throw new LoaderError(
      'sign-on-failed',
      `the firmware was written but no ispkit programmer port (${formatUsbId(ctx.board.firmwareUsb)}) appeared within ` +
        `${Math.round(ctx.firmwareWaitMs / 1000)} s${samePath !== undefined ? ` and ${samePath} did not sign on` : ''} (${seenList(now)}); ` +
        `unplug and replug the ${ctx.board.name}, then ${ctx.words.checkProgrammer}`,
    );
  }
  ctx.step(`new firmware enumerated as ${describeSerialPort(port)}; checking its sign-on`);
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    if (attempt > 0) await ctx.clock.sleep(500);
    let stream: ByteStream | undefined;
    try {
      const opened = await ctx.openFresh(() => ctx.devices.openSerial(port.path, 115200));
      stream = opened;
      const client = new Stk500Client(opened, { syncAttempts: 5 });
      const signOn = await ctx.closingOnAbort(opened, async () => {
        await client.getSync();
        return client.signOn();
      });
      if (signOn !== EXPECTED_SIGN_ON) {
        throw new LoaderError('sign-on-failed', `${port.path} signed on as ${JSON.stringify(signOn)}, not "${EXPECTED_SIGN_ON}"`);
      }
      return { programmerPort: port.path, signOn };
    } catch (err) {
      if (err instanceof LoaderError && err.code === 'permission') throw err;
      ctx.checkAborted();
      lastError = err;
    } finally {
      await stream?.close().catch(() => undefined);
    }
  }
  const detail = lastError instanceof Error ? lastError.message : String(lastError);
  throw new LoaderError('sign-on-failed', `the new firmware on ${port.path} does not answer as an ISP programmer: ${detail}`, undefined, {
    cause: lastError,
  });
}

/** One STK500 sync + sign-on on `path` (a port that may not be there yet, or may still be the bootloader). */
async function signOnOnce(ctx: Context, path: string): Promise<string> {
  const stream = await ctx.devices.openSerial(path, 115200);
  try {
    const client = new Stk500Client(stream, { syncAttempts: 2, timeoutMs: ctx.probeMs });
    return await ctx.closingOnAbort(stream, async () => {
      await client.getSync();
      return client.signOn();
    });
  } finally {
    await stream.close().catch(() => undefined);
  }
}
