import { ArduinoIspVersion, Cmnd, IspkitLine, IspkitParm, Memtype, Parm, Resp } from '../constants.js';
import { ispkitSckHz } from '../sck.js';
import { FakeTarget, type FakeTargetOptions } from './fake-target.js';
import { MemoryStream } from './memory-stream.js';

export interface FakeProgrammerOptions {
  /**
   * 'ispkit': our firmware's behaviour (extension params, `@ 0x89` SCK, P checks the AC 53 echo and answers
   * STK_FAILED, byte EEPROM addresses, RDY/BSY polling). 'arduinoisp': stock ArduinoISP 1.18 (no `@`, P always OK,
   * EEPROM address doubled, 256-byte buffer, fixed delays).
   */
  flavor?: 'ispkit' | 'arduinoisp';
  /** ispkit: extension version reported. Default 1; 2 adds ISPKIT_LAST_ECHO and ISPKIT_LINES. */
  extVersion?: 1 | 2;
  /** ispkit v2: the ISPKIT_LINES answer outside programming mode (IspkitLine bits). Default all four high (0x0F). */
  lines?: number;
  /** ispkit: largest block in bytes (multiple of 64). Default 1024. */
  maxBlock?: number;
  /** ispkit: initial SCK duration. Default 4 (250 kHz: the firmware's default, safe for a factory CKDIV8 target). */
  sckDuration?: number;
  /** The target wired to the programmer, or its options. */
  target?: FakeTarget | FakeTargetOptions;
  /** Bytes waiting on the line before the host's first read (a previous session's leftovers). */
  garbageBeforeSync?: ArrayLike<number>;
  /** The device disappears once the host has written this many bytes. */
  disconnectAfterBytes?: number;
  /** The programmer never answers anything. */
  silent?: boolean;
  /** Delay each STK_PROG_PAGE reply by this many ms (lets tests observe pipelining). */
  progPageDelayMs?: number;
}

export interface FakeProgrammerStats {
  frames: number;
  /** Most complete requests that were waiting for (or being given) a reply at once: > 1 means the host pipelines. */
  maxQueuedFrames: number;
  nosync: number;
  unknown: number;
  /** Largest STK_PROG_PAGE block received. */
  largestBlock: number;
  /** Stock ArduinoISP: blocks larger than its 256-byte buffer (it would corrupt its RAM). */
  bufferOverflows: number;
  setParameters: { parameter: number; value: number }[];
  /** Command bytes in order. */
  commands: number[];
}

const FIXED_ARGS: Record<number, number> = {
  [Cmnd.STK_GET_SYNC]: 0,
  [Cmnd.STK_GET_SIGN_ON]: 0,
  [Cmnd.STK_GET_PARAMETER]: 1,
  [Cmnd.STK_SET_PARAMETER]: 2,
  [Cmnd.STK_SET_DEVICE]: 20,
  [Cmnd.STK_SET_DEVICE_EXT]: 5,
  [Cmnd.STK_ENTER_PROGMODE]: 0,
  [Cmnd.STK_LEAVE_PROGMODE]: 0,
  [Cmnd.STK_CHIP_ERASE]: 0,
  [Cmnd.STK_LOAD_ADDRESS]: 2,
  [Cmnd.STK_UNIVERSAL]: 4,
  [Cmnd.STK_READ_PAGE]: 3,
  [Cmnd.STK_READ_SIGN]: 0,
};

/**
 * An in-memory ArduinoISP-style programmer with a target attached, for unit tests. Instance-scoped: create one
 * per test; nothing global to reset. `stream` is the host's end.
 */
export class FakeProgrammer {
  /** The host's end of the current connection (replaced by reconnect()). */
  stream: MemoryStream;
  readonly target: FakeTarget;
  readonly flavor: 'ispkit' | 'arduinoisp';
  readonly stats: FakeProgrammerStats = {
    frames: 0,
    maxQueuedFrames: 0,
    nosync: 0,
    unknown: 0,
    largestBlock: 0,
    bufferOverflows: 0,
    setParameters: [],
    commands: [],
  };
  sckDuration: number;
  private readonly maxBlock: number;
  private readonly extVersion: number;
  private readonly lines: number;
  private lastEcho = 0;
  private readonly options: FakeProgrammerOptions;
  private input: number[] = [];
  private here = 0;
  private pageSize = 0;
  private processing = false;
  private inProgmode = false;
  private received = 0;

  constructor(options: FakeProgrammerOptions = {}) {
    this.options = options;
    this.flavor = options.flavor ?? 'ispkit';
    this.maxBlock = this.flavor === 'ispkit' ? (options.maxBlock ?? 1024) : 256;
    this.extVersion = options.extVersion ?? 1;
    this.lines = options.lines ?? 0x0f;
    this.sckDuration = options.sckDuration ?? 4;
    this.target = options.target instanceof FakeTarget ? options.target : new FakeTarget(options.target);
    this.stream = new MemoryStream((bytes) => this.receive(bytes));
    if (options.garbageBeforeSync) this.stream.push(options.garbageBeforeSync);
  }

  /** SCK the programmer drives now. Stock ArduinoISP on a Leonardo uses f_cpu/128 (125 kHz). */
  get sckHz(): number {
    return this.flavor === 'ispkit' ? ispkitSckHz(this.sckDuration) : 125_000;
  }

  /**
   * A new host connection to the same programmer (closing and reopening the port): programmer settings such as
   * SCK and the target's memories persist, like on real hardware.
   */
  reconnect(): MemoryStream {
    void this.stream.close();
    this.input = [];
    this.processing = false;
    this.received = 0;
    this.stream = new MemoryStream((bytes) => this.receive(bytes));
    return this.stream;
  }

  /** Simulate unplugging the programmer. */
  unplug(): void {
    this.stream.lose();
  }

  private receive(bytes: Uint8Array): void {
    this.received += bytes.length;
    if (this.options.disconnectAfterBytes !== undefined && this.received >= this.options.disconnectAfterBytes) {
      this.stream.lose();
      return;
    }
    if (this.options.silent) return;
    this.input.push(...bytes);
    this.pump();
  }

  /** Length of the frame at the front of `input` as ArduinoISP parses it, or undefined if incomplete. */
  private frameLength(input: readonly number[], at = 0): number | undefined {
    const cmd = input[at];
    if (cmd === undefined) return undefined;
    let n: number;
    if (cmd === Cmnd.STK_PROG_PAGE) {
      if (input.length < at + 4) return undefined;
      n = 1 + 3 + ((input[at + 1]! << 8) | input[at + 2]!) + 1;
    } else if (cmd === Cmnd.STK_SET_PARAMETER && this.flavor === 'arduinoisp') {
      n = 2; // unknown to ArduinoISP: it reads one more byte expecting CRC_EOP
    } else {
      const args = FIXED_ARGS[cmd];
      n = args === undefined ? 2 : 1 + args + 1;
    }
    return input.length >= at + n ? n : undefined;
  }

  private queuedFrames(): number {
    let count = 0;
    let at = 0;
    for (;;) {
      const n = this.frameLength(this.input, at);
      if (n === undefined) return count;
      count++;
      at += n;
    }
  }

  private pump(): void {
    if (this.processing || this.stream.closed) return;
    for (;;) {
      const n = this.frameLength(this.input);
      if (n === undefined) return;
      this.stats.maxQueuedFrames = Math.max(this.stats.maxQueuedFrames, this.queuedFrames());
      const frame = this.input.splice(0, n);
      this.stats.frames++;
      const reply = this.handle(frame);
      const delay = frame[0] === Cmnd.STK_PROG_PAGE ? (this.options.progPageDelayMs ?? 0) : 0;
      if (delay > 0) {
        this.processing = true;
        setTimeout(() => {
          this.processing = false;
          this.stream.push(reply);
          this.pump();
        }, delay);
        return;
      }
      this.stream.push(reply);
    }
  }

  private handle(frame: number[]): number[] {
    const cmd = frame[0]!;
    this.stats.commands.push(cmd);
    const eop = frame[frame.length - 1];
    const known = cmd in FIXED_ARGS || cmd === Cmnd.STK_PROG_PAGE;
    const unknownHere = !known || (cmd === Cmnd.STK_SET_PARAMETER && this.flavor === 'arduinoisp') || cmd === Cmnd.STK_CHIP_ERASE;
    if (unknownHere) {
      if (eop === Resp.CRC_EOP) {
        this.stats.unknown++;
        return [Resp.STK_UNKNOWN];
      }
      this.stats.nosync++;
      return [Resp.STK_NOSYNC];
    }
    if (eop !== Resp.CRC_EOP) {
      this.stats.nosync++;
      return [Resp.STK_NOSYNC];
    }
    const args = frame.slice(1, -1);
    const ok = (...data: number[]): number[] => [Resp.STK_INSYNC, ...data, Resp.STK_OK];
    switch (cmd) {
      case Cmnd.STK_GET_SYNC:
        return ok();
      case Cmnd.STK_GET_SIGN_ON:
        return ok(...Array.from('AVR ISP', (c) => c.charCodeAt(0)));
      case Cmnd.STK_GET_PARAMETER:
        return ok(this.parameter(args[0]!));
      case Cmnd.STK_SET_PARAMETER:
        this.stats.setParameters.push({ parameter: args[0]!, value: args[1]! });
        if (args[0] === Parm.Parm_STK_SCK_DURATION) this.sckDuration = args[1]!;
        return ok();
      case Cmnd.STK_SET_DEVICE:
        this.pageSize = (args[12]! << 8) | args[13]!;
        return ok();
      case Cmnd.STK_SET_DEVICE_EXT:
        return ok();
      case Cmnd.STK_ENTER_PROGMODE:
        return this.enterProgmode();
      case Cmnd.STK_LEAVE_PROGMODE:
        this.target.setReset(false);
        this.inProgmode = false;
        return ok();
      case Cmnd.STK_LOAD_ADDRESS:
        this.here = args[0]! | (args[1]! << 8);
        return ok();
      case Cmnd.STK_UNIVERSAL: {
        if (!this.inProgmode && this.flavor === 'ispkit') return [Resp.STK_INSYNC, 0x00, Resp.STK_FAILED];
        const out = this.spi(args);
        return ok(out[3]!);
      }
      case Cmnd.STK_READ_SIGN: {
        if (!this.inProgmode && this.flavor === 'ispkit') return [Resp.STK_INSYNC, 0, 0, 0, Resp.STK_FAILED];
        return ok(...[0, 1, 2].map((i) => this.spi([0x30, 0, i, 0])[3]!));
      }
      case Cmnd.STK_PROG_PAGE:
        return this.progPage(args);
      case Cmnd.STK_READ_PAGE:
        return this.readPage(args);
      default:
        return [Resp.STK_UNKNOWN];
    }
  }

  private parameter(p: number): number {
    switch (p) {
      case Parm.Parm_STK_HW_VER:
        return ArduinoIspVersion.HW;
      case Parm.Parm_STK_SW_MAJOR:
        return ArduinoIspVersion.SW_MAJOR;
      case Parm.Parm_STK_SW_MINOR:
        return ArduinoIspVersion.SW_MINOR;
      case Parm.Parm_STK_PROGMODE:
        return 0x53; // 'S'
    }
    if (this.flavor !== 'ispkit') return 0;
    switch (p) {
      case IspkitParm.ISPKIT_EXT_VERSION:
        return this.extVersion;
      case IspkitParm.ISPKIT_LAST_ECHO:
        return this.extVersion >= 2 ? this.lastEcho : 0;
      case IspkitParm.ISPKIT_LINES:
        if (this.extVersion < 2) return 0;
        return this.inProgmode ? IspkitLine.NOT_MEASURED : this.lines;
      case IspkitParm.ISPKIT_MAX_BLOCK_64:
        return this.maxBlock / 64;
      case Parm.Parm_STK_SCK_DURATION:
        return this.sckDuration;
      default:
        return 0;
    }
  }

  private spi(bytes: ArrayLike<number>): Uint8Array {
    return this.target.transfer(bytes, this.sckHz);
  }

  private enterProgmode(): number[] {
    this.target.setReset(true);
    for (let attempt = 0; attempt < (this.flavor === 'ispkit' ? 4 : 1); attempt++) {
      const echo = this.spi([0xac, 0x53, 0, 0])[2];
      this.lastEcho = echo ?? 0;
      if (echo === 0x53 || this.flavor === 'arduinoisp') {
        this.inProgmode = true;
        return [Resp.STK_INSYNC, Resp.STK_OK];
      }
      this.target.setReset(false);
      this.target.setReset(true);
    }
    this.target.setReset(false);
    this.inProgmode = false;
    return [Resp.STK_INSYNC, Resp.STK_FAILED];
  }

  /** What the firmware does after a write instead of a fixed delay: poll RDY/BSY until ready. */
  private waitReady(): void {
    for (let i = 0; i < 1000; i++) if ((this.spi([0xf0, 0, 0, 0])[3]! & 1) === 0) return;
  }

  private progPage(args: number[]): number[] {
    const length = (args[0]! << 8) | args[1]!;
    const memtype = args[2]!;
    const data = args.slice(3);
    this.stats.largestBlock = Math.max(this.stats.largestBlock, length);
    if (length > this.maxBlock) {
      if (this.flavor === 'arduinoisp') this.stats.bufferOverflows++;
      return [Resp.STK_INSYNC, Resp.STK_FAILED];
    }
    if (memtype === Memtype.FLASH) {
      const pageWords = (this.pageSize || 128) / 2;
      let page = Math.floor(this.here / pageWords);
      for (let i = 0; i < data.length; i += 2) {
        const word = this.here;
        if (Math.floor(word / pageWords) !== page) {
          this.commit(page * pageWords);
          page = Math.floor(word / pageWords);
        }
        this.spi([0x40, 0, word & (pageWords - 1), data[i]!]);
        this.spi([0x48, 0, word & (pageWords - 1), data[i + 1] ?? 0xff]);
        this.here++;
      }
      this.commit(page * pageWords);
      return [Resp.STK_INSYNC, Resp.STK_OK];
    }
    if (memtype === Memtype.EEPROM) {
      const start = this.flavor === 'ispkit' ? this.here : this.here * 2;
      data.forEach((value, i) => {
        const addr = start + i;
        this.spi([0xc0, (addr >> 8) & 0xff, addr & 0xff, value]);
        this.waitReady();
      });
      return [Resp.STK_INSYNC, Resp.STK_OK];
    }
    return [Resp.STK_INSYNC, Resp.STK_FAILED];
  }

  private commit(wordAddress: number): void {
    this.spi([0x4c, (wordAddress >> 8) & 0xff, wordAddress & 0xff, 0]);
    this.waitReady();
  }

  private readPage(args: number[]): number[] {
    const length = (args[0]! << 8) | args[1]!;
    const memtype = args[2]!;
    const out: number[] = [];
    if (memtype === Memtype.FLASH) {
      for (let i = 0; i < length; i += 2) {
        out.push(this.spi([0x20, (this.here >> 8) & 0xff, this.here & 0xff, 0])[3]!);
        if (i + 1 < length) out.push(this.spi([0x28, (this.here >> 8) & 0xff, this.here & 0xff, 0])[3]!);
        this.here++;
      }
    } else if (memtype === Memtype.EEPROM) {
      const start = this.flavor === 'ispkit' ? this.here : this.here * 2;
      for (let i = 0; i < length; i++) {
        const addr = start + i;
        out.push(this.spi([0xa0, (addr >> 8) & 0xff, addr & 0xff, 0])[3]!);
      }
    } else {
      return [Resp.STK_INSYNC, Resp.STK_FAILED];
    }
    return [Resp.STK_INSYNC, ...out, Resp.STK_OK];
  }
}
