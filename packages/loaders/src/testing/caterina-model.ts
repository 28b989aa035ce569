/**
 * A behavioural model of Arduino's Caterina bootloader (AVR109 over USB CDC) on an ATmega32U4, written from its
 * documented behaviour and the facts in its source (Debian arduino-core-avr, bootloaders/caterina/Caterina.c):
 * - Commands: S V p a b t T s P L e A B g E l r F N Q C c m R D d, ESC (27) ignored, anything else answers '?'.
 * - `A hi lo` takes a WORD address (byte address = word × 2). `B`/`g` move it on by the bytes transferred.
 * - `B len F data`: erases the page holding the current address, fills the page buffer (wrapping inside the page),
 *   writes the page, answers '\r'. A memory type other than E/F answers '?' and leaves the data unread, so it is
 *   parsed as commands (as on the chip). Page writes only clear bits (flash AND buffer); the buffer resets to 0xFF.
 * - `e` erases the application section (below the bootloader) page by page.
 * - Its own 4 KB (from 0x7000) is protected by the lock bits (BLB1 = 10): SPM erase/write there does nothing. The
 *   model counts such attempts (`bootSectionWrites`) so tests can assert a client never makes them.
 * - Timeout: a 1 ms tick counts while flash word 0 is not 0xFFFF; `B`/`g` reset it, `E` sets it to 7500; above
 *   8000 the bootloader detaches from USB and starts the application. The model then closes its stream.
 * - Time: page erase and page write take `pageOpMs` each (datasheet tWD_FLASH ≈ 4.5 ms); the tick does not
 *   count while a command runs.
 * Left out: USB packetisation and the CDC line coding (they do not change what the host sees on the stream), the
 * LEDs, EEPROM timing.
 */
import { StreamError, type ByteStream } from '../byte-stream.js';
import { VirtualClock } from './virtual-clock.js';

export interface CaterinaModelOptions {
  clock?: VirtualClock;
  /** Initial flash (32768 bytes). Default: blank application, a non-blank stand-in bootloader from 0x7000. */
  flash?: Uint8Array;
  bootStart?: number;
  pageSize?: number;
  signature?: readonly [number, number, number];
  /** Fuses and lock as `F`/`N`/`Q`/`r` report them (Pro Micro 5 V defaults). */
  fuses?: { low: number; high: number; ext: number; lock: number };
  timeoutMs?: number;
  pageOpMs?: number;
  /** Called before each command runs; tests use it to stall (advance the clock) at a chosen point. */
  beforeCommand?: (command: string, model: CaterinaModel) => void;
}

export type CaterinaLeaveReason = 'timeout' | 'exit-command';

const CR = 0x0d;

export class CaterinaModel {
  readonly clock: VirtualClock;
  readonly flash: Uint8Array;
  readonly eeprom = new Uint8Array(1024).fill(0xff);
  readonly bootStart: number;
  readonly pageSize: number;
  /** Every command letter processed, in order ("B", "g", ...). */
  readonly commands: string[] = [];
  /** Byte address of each flash block write (`B … F`), in order. */
  readonly blockWrites: number[] = [];
  /** SPM erase/write attempts inside the bootloader section (ignored by the chip). */
  bootSectionWrites = 0;
  /** Set once the bootloader has left for the application. */
  left?: { reason: CaterinaLeaveReason; atMs: number };
  /** The host end of the CDC port. */
  readonly stream: ByteStream;

  private readonly opts: Required<Pick<CaterinaModelOptions, 'signature' | 'fuses' | 'timeoutMs' | 'pageOpMs'>>;
  private readonly beforeCommand: CaterinaModelOptions['beforeCommand'];
  private readonly pageBuffer: Uint16Array;
  private currAddress = 0;
  private timeoutCounter = 0;
  private lastTick: number;
  private exitRequested = false;
  private readonly rx: number[] = [];
  private readonly tx: number[] = [];
  private readonly leaveListeners = new Set<(reason: CaterinaLeaveReason) => void>();
  private readonly unsubscribe: () => void;
  /** Every stream the host opened, so a USB detach ends them all. */
  private readonly opened = new Set<{ detach(): void }>();
  private busy = false;

  constructor(options: CaterinaModelOptions = {}) {
    this.clock = options.clock ?? new VirtualClock();
    this.bootStart = options.bootStart ?? 0x7000;
    this.pageSize = options.pageSize ?? 128;
    this.flash = options.flash ? Uint8Array.from(options.flash) : CaterinaModel.blankFlash(this.bootStart);
    this.opts = {
      signature: options.signature ?? [0x1e, 0x95, 0x87],
      fuses: options.fuses ?? { low: 0xff, high: 0xd8, ext: 0xcb, lock: 0x2f },
      timeoutMs: options.timeoutMs ?? 8000,
      pageOpMs: options.pageOpMs ?? 4.5,
    };
    this.beforeCommand = options.beforeCommand;
    this.pageBuffer = new Uint16Array(this.pageSize / 2).fill(0xffff);
    this.lastTick = this.clock.now();
    this.unsubscribe = this.clock.onAdvance((now) => this.tick(now));
    this.stream = this.makeStream();
  }

  /** 32 KB of 0xFF with a recognisable stand-in for Caterina's own code from `bootStart`. */
  static blankFlash(bootStart = 0x7000): Uint8Array {
    const flash = new Uint8Array(32768).fill(0xff);
    for (let a = bootStart; a < flash.length; a++) flash[a] = (a * 7 + 0x5a) & 0xff;
    return flash;
  }

  /** Whether Caterina sees an application (flash word 0 is not 0xFFFF). */
  appPresent(): boolean {
    return this.flash[0] !== 0xff || this.flash[1] !== 0xff;
  }

  onLeave(listener: (reason: CaterinaLeaveReason) => void): () => void {
    this.leaveListeners.add(listener);
    return () => this.leaveListeners.delete(listener);
  }

  private tick(now: number): void {
    if (this.left) return;
    const elapsed = now - this.lastTick;
    this.lastTick = now;
    if (this.busy) return;
    if (this.appPresent()) this.timeoutCounter += elapsed;
    if (this.timeoutCounter > this.opts.timeoutMs) this.leave(this.exitRequested ? 'exit-command' : 'timeout');
  }

  private leave(reason: CaterinaLeaveReason): void {
    this.left = { reason, atMs: this.clock.now() };
    this.unsubscribe();
    for (const l of [...this.leaveListeners]) l(reason);
  }

  /**
   * The host opens the CDC port again (as a real host can while the bootloader runs): a fresh stream on the same
   * bootloader; anything unread from an earlier open is dropped.
   */
  open(): ByteStream {
    this.tx.length = 0;
    return this.makeStream();
  }

  /** USB detach: every open stream fails from now on. */
  detach(): void {
    for (const s of this.opened) s.detach();
  }

  private makeStream(): ByteStream {
    let closedByHost = false;
    let detached = false;
    const gone = (): boolean => closedByHost || detached;
    const closed = (): StreamError =>
      new StreamError('closed', closedByHost ? 'port closed' : 'device disconnected (the bootloader detached from USB)');
    const handle = { detach: () => void (detached = true) };
    this.opened.add(handle);
    return {
      write: async (data) => {
        if (gone() || this.left) throw closed();
        this.tick(this.clock.now());
        if (this.left) throw closed();
        for (const b of data) this.rx.push(b);
        this.process();
      },
      read: async (length, timeoutMs) => {
        if (gone()) throw closed();
        if (this.tx.length >= length) return Uint8Array.from(this.tx.splice(0, length));
        if (this.left) throw closed();
        // Nothing more will come without more input: the host waits out its timeout.
        this.clock.advance(timeoutMs);
        if (this.left) throw closed();
        throw new StreamError('timeout', `no reply within ${timeoutMs} ms`);
      },
      drain: async () => {
        this.tx.length = 0;
      },
      close: async () => {
        closedByHost = true;
        this.opened.delete(handle);
      },
    };
  }

  /** Bytes a command needs after its letter, or undefined until enough have arrived to know. */
  private argLength(cmd: number): number | undefined {
    switch (String.fromCharCode(cmd)) {
      case 'T':
      case 'l':
      case 'C':
      case 'c':
      case 'D':
        return 1;
      case 'A':
        return 2;
      case 'g':
        return 3;
      case 'B': {
        if (this.rx.length < 4) return undefined;
        const type = this.rx[3];
        if (type !== 0x45 && type !== 0x46) return 3;
        return 3 + ((this.rx[1]! << 8) | this.rx[2]!);
      }
      default:
        return 0;
    }
  }

  private process(): void {
    while (this.rx.length > 0 && !this.left) {
      const need = this.argLength(this.rx[0]!);
      if (need === undefined || this.rx.length < 1 + need) return;
      const bytes = this.rx.splice(0, 1 + need);
      const letter = String.fromCharCode(bytes[0]!);
      this.beforeCommand?.(letter, this);
      // A stall in beforeCommand may have let the bootloader time out before it saw this command.
      if (this.left) return;
      this.commands.push(letter);
      this.busy = true;
      try {
        this.execute(letter, bytes);
      } finally {
        this.busy = false;
      }
    }
  }

  private reply(...bytes: number[]): void {
    this.tx.push(...bytes);
  }

  private execute(letter: string, bytes: number[]): void {
    const f = this.opts.fuses;
    switch (letter) {
      case 'E':
        this.exitRequested = true;
        this.timeoutCounter = this.opts.timeoutMs - 500;
        return this.reply(CR);
      case 'T':
      case 'L':
      case 'P':
      case 'l':
        return this.reply(CR);
      case 't':
        return this.reply(0x44, 0x00);
      case 'a':
        return this.reply(0x59);
      case 'A':
        this.currAddress = (bytes[1]! << 9) | (bytes[2]! << 1);
        return this.reply(CR);
      case 'p':
        return this.reply(0x53);
      case 'S':
        return this.reply(...[...'CATERIN'].map((ch) => ch.charCodeAt(0)));
      case 'V':
        return this.reply(0x31, 0x30);
      case 's':
        return this.reply(this.opts.signature[2], this.opts.signature[1], this.opts.signature[0]);
      case 'e':
        for (let a = 0; a < this.bootStart; a += this.pageSize) {
          this.pageErase(a);
          this.pageWrite(a);
        }
        return this.reply(CR);
      case 'r':
        return this.reply(f.lock);
      case 'F':
        return this.reply(f.low);
      case 'N':
        return this.reply(f.high);
      case 'Q':
        return this.reply(f.ext);
      case 'b':
        return this.reply(0x59, this.pageSize >> 8, this.pageSize & 0xff);
      case 'B':
      case 'g':
        this.timeoutCounter = 0;
        return this.block(letter, bytes);
      case 'C':
        this.pageFill(this.currAddress, bytes[1]!);
        return this.reply(CR);
      case 'c':
        this.pageFill(this.currAddress | 1, bytes[1]!);
        this.currAddress += 2;
        return this.reply(CR);
      case 'm':
        this.pageWrite(this.currAddress);
        return this.reply(CR);
      case 'R': {
        const a = this.currAddress;
        return this.reply(this.flash[a + 1] ?? 0xff, this.flash[a] ?? 0xff);
      }
      case 'D':
        this.eeprom[(this.currAddress >> 1) & 0x3ff] = bytes[1]!;
        this.currAddress += 2;
        return this.reply(CR);
      case 'd':
        this.reply(this.eeprom[(this.currAddress >> 1) & 0x3ff]!);
        this.currAddress += 2;
        return;
      default:
        if (bytes[0] !== 27) this.reply(0x3f);
    }
  }

  private block(letter: 'B' | 'g', bytes: number[]): void {
    let size = (bytes[1]! << 8) | bytes[2]!;
    const type = bytes[3];
    if (type !== 0x45 && type !== 0x46) return this.reply(0x3f);
    const flash = type === 0x46;
    if (letter === 'g') {
      let high = false;
      while (size--) {
        if (flash) {
          this.reply(this.flash[(this.currAddress | (high ? 1 : 0)) % this.flash.length]!);
          if (high) this.currAddress += 2;
          high = !high;
        } else {
          this.reply(this.eeprom[(this.currAddress >> 1) & 0x3ff]!);
          this.currAddress += 2;
        }
      }
      return;
    }
    const data = bytes.slice(4);
    const pageStart = this.currAddress;
    if (flash) {
      this.blockWrites.push(pageStart);
      this.pageErase(pageStart);
    }
    let high = false;
    let low = 0;
    for (const b of data) {
      if (flash) {
        if (high) {
          this.pageFill(this.currAddress, (b << 8) | low);
          this.currAddress += 2;
        } else {
          low = b;
        }
        high = !high;
      } else {
        this.eeprom[(this.currAddress >> 1) & 0x3ff] = b;
        this.currAddress += 2;
      }
    }
    if (flash) this.pageWrite(pageStart);
    this.reply(CR);
  }

  private pageFill(address: number, word: number): void {
    this.pageBuffer[(address % this.pageSize) >> 1] = word & 0xffff;
  }

  private pageBase(address: number): number {
    return (address % this.flash.length) - (address % this.pageSize);
  }

  private pageErase(address: number): void {
    const base = this.pageBase(address);
    this.clock.advance(this.opts.pageOpMs);
    if (base >= this.bootStart) {
      this.bootSectionWrites++;
      return;
    }
    this.flash.fill(0xff, base, base + this.pageSize);
  }

  private pageWrite(address: number): void {
    const base = this.pageBase(address);
    this.clock.advance(this.opts.pageOpMs);
    if (base >= this.bootStart) {
      this.bootSectionWrites++;
    } else {
      for (let i = 0; i < this.pageBuffer.length; i++) {
        const w = this.pageBuffer[i]!;
        const k = base + 2 * i;
        this.flash[k] = this.flash[k]! & (w & 0xff);
        this.flash[k + 1] = this.flash[k + 1]! & (w >> 8);
      }
    }
    this.pageBuffer.fill(0xffff);
  }
}
