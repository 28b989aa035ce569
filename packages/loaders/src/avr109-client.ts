/**
 * AVR109 ("butterfly") self-programming protocol as Arduino's Caterina bootloader speaks it over USB CDC:
 * one ASCII command byte, fixed-length arguments, binary replies; commands that change state answer '\r'.
 * Facts used (Atmel AVR109 application note; Caterina's source in Debian's arduino-core-avr):
 * - `A hi lo` sets a WORD address; `B len_hi len_lo F data` erases the page at the current address, fills it and
 *   writes it, then answers '\r'; `g len_hi len_lo F` reads `len` bytes; both advance the address.
 * - `b` answers 'Y' and the block size (the SPM page size, 128 on the ATmega32U4), big-endian.
 * - `s` answers the signature bytes last first; `S` a 7-character identifier ("CATERIN"); unknown commands '?'.
 * - Caterina leaves for the application after ~8 s without `B`/`g` (only while flash word 0 is not 0xFFFF), and
 *   about 500 ms after `E`.
 */
import type { ByteStream } from './byte-stream.js';
import { streamErrorCode } from './byte-stream.js';
import { LoaderError, hex } from './loader-error.js';

export interface Avr109Timeouts {
  /** Reply to a simple command. */
  commandMs: number;
  /** Reply to `B` (page erase + write, ~9 ms on the chip) or `g`. */
  blockMs: number;
  /** Reply to `e` (Caterina erases 224 pages one by one: ~2 s). */
  chipEraseMs: number;
}

export const defaultAvr109Timeouts: Avr109Timeouts = { commandMs: 1000, blockMs: 2000, chipEraseMs: 10000 };

export interface Avr109TraceEvent {
  direction: 'send' | 'recv';
  /** What the client was doing, e.g. "writing flash at 0x0080 (B)". */
  activity: string;
  bytes: Uint8Array;
}

const CR = 0x0d;
const c = (ch: string): number => ch.charCodeAt(0);

/** One command at a time over a ByteStream. Each method is one AVR109 command. */
export class Avr109Client {
  private readonly timeouts: Avr109Timeouts;
  /** What the client is doing, for error messages ("writing 0x1a80"). */
  private activity = 'talking to the bootloader';

  constructor(
    private readonly stream: ByteStream,
    timeouts: Partial<Avr109Timeouts> = {},
    /** Every request and reply, for `-v`. */
    private readonly onTrace?: (event: Avr109TraceEvent) => void,
  ) {
    this.timeouts = { ...defaultAvr109Timeouts, ...timeouts };
  }

  /** `S`: the 7-character software identifier ("CATERIN" for Caterina, "AVRBOOT" for Atmel's). */
  async softwareId(): Promise<string> {
    const r = await this.transact('identifying the bootloader (S)', [c('S')], 7, this.timeouts.commandMs);
    return String.fromCharCode(...r);
  }

  /** `V`: software version as two ASCII digits, e.g. "10". */
  async softwareVersion(): Promise<string> {
    const r = await this.transact('reading the bootloader version (V)', [c('V')], 2, this.timeouts.commandMs);
    return String.fromCharCode(...r);
  }

  /** `p`: programmer type, 'S' for serial. */
  async programmerType(): Promise<string> {
    const r = await this.transact('reading the programmer type (p)', [c('p')], 1, this.timeouts.commandMs);
    return String.fromCharCode(r[0]!);
  }

  /** `a`: whether the address auto-increments after reads and writes. */
  async autoIncrement(): Promise<boolean> {
    const r = await this.transact('checking auto-increment (a)', [c('a')], 1, this.timeouts.commandMs);
    return r[0] === c('Y');
  }

  /** `b`: block size in bytes, or undefined when block mode is not supported. */
  async blockSize(): Promise<number | undefined> {
    const r = await this.transact('checking block support (b)', [c('b')], 1, this.timeouts.commandMs);
    if (r[0] !== c('Y')) return undefined;
    const size = await this.transact('reading the block size (b)', [], 2, this.timeouts.commandMs);
    return (size[0]! << 8) | size[1]!;
  }

  /** `t`: supported device codes (the list ends with 0x00). */
  async deviceCodes(): Promise<number[]> {
    this.activity = 'reading device codes (t)';
    await this.send([c('t')]);
    const codes: number[] = [];
    for (;;) {
      const [b] = await this.receive(1, this.timeouts.commandMs);
      if (b === 0) return codes;
      codes.push(b!);
      if (codes.length > 255) throw this.protocol('device code list (t) does not end with 0x00');
    }
  }

  /** `T code`: select the device code. */
  async selectDevice(code: number): Promise<void> {
    await this.transactCr('selecting the device (T)', [c('T'), code], this.timeouts.commandMs);
  }

  /** `s`: signature in the usual order (the bootloader sends it last byte first). */
  async signature(): Promise<[number, number, number]> {
    const r = await this.transact('reading the signature (s)', [c('s')], 3, this.timeouts.commandMs);
    return [r[2]!, r[1]!, r[0]!];
  }

  /** `P`: enter programming mode. */
  async enterProgrammingMode(): Promise<void> {
    await this.transactCr('entering programming mode (P)', [c('P')], this.timeouts.commandMs);
  }

  /** `L`: leave programming mode. */
  async leaveProgrammingMode(): Promise<void> {
    await this.transactCr('leaving programming mode (L)', [c('L')], this.timeouts.commandMs);
  }

  /** `A hi lo`: set the current address. Takes a BYTE address (must be even) and sends the word address. */
  async setAddress(byteAddress: number): Promise<void> {
    if (byteAddress % 2 !== 0 || byteAddress < 0 || byteAddress >= 0x20000) {
      throw new RangeError(`AVR109 flash addresses are even byte addresses below 0x20000, got ${hex(byteAddress)}`);
    }
    const word = byteAddress >> 1;
    await this.transactCr(`setting the address ${hex(byteAddress)} (A)`, [c('A'), word >> 8, word & 0xff], this.timeouts.commandMs);
  }

  /** `e`: erase the application section. */
  async chipErase(): Promise<void> {
    await this.transactCr('erasing the flash (e)', [c('e')], this.timeouts.chipEraseMs);
  }

  /** `B len F data`: write one block of flash at the current address. `at` is only for messages. */
  async writeFlashBlock(data: Uint8Array, at?: number): Promise<void> {
    if (data.length === 0 || data.length > 0xffff || data.length % 2 !== 0) {
      throw new RangeError(`flash blocks are an even number of bytes (2..65534), got ${data.length}`);
    }
    const head = [c('B'), data.length >> 8, data.length & 0xff, c('F')];
    const msg = `writing flash${at === undefined ? '' : ' at ' + hex(at)} (B)`;
    const out = new Uint8Array(head.length + data.length);
    out.set(head);
    out.set(data, head.length);
    await this.transactCr(msg, out, this.timeouts.blockMs);
  }

  /** `g len F`: read `length` bytes of flash from the current address. `at` is only for messages. */
  async readFlashBlock(length: number, at?: number): Promise<Uint8Array> {
    if (length <= 0 || length > 0xffff) throw new RangeError(`flash reads are 1..65535 bytes, got ${length}`);
    const msg = `reading flash${at === undefined ? '' : ' at ' + hex(at)} (g)`;
    return this.transact(msg, [c('g'), length >> 8, length & 0xff, c('F')], length, this.timeouts.blockMs);
  }

  /** `E`: leave the bootloader (Caterina starts the application about 500 ms later). */
  async exitBootloader(): Promise<void> {
    await this.transactCr('leaving the bootloader (E)', [c('E')], this.timeouts.commandMs);
  }

  private async transactCr(activity: string, request: ArrayLike<number>, timeoutMs: number): Promise<void> {
    const [r] = await this.transact(activity, request, 1, timeoutMs);
    if (r !== CR) {
      throw this.protocol(`expected '\\r' (0x0d) after ${activity} but got ${hex(r!, 2)}${r === 0x3f ? " ('?': command not supported)" : ''}`);
    }
  }

  private async transact(activity: string, request: ArrayLike<number>, replyLength: number, timeoutMs: number): Promise<Uint8Array> {
    this.activity = activity;
    if (request.length > 0) await this.send(request);
    return this.receive(replyLength, timeoutMs);
  }

  private async send(bytes: ArrayLike<number>): Promise<void> {
    try {
      const data = Uint8Array.from(bytes);
      this.onTrace?.({ direction: 'send', activity: this.activity, bytes: data });
      await this.stream.write(data);
    } catch (err) {
      throw this.mapStreamError(err, 0);
    }
  }

  private async receive(length: number, timeoutMs: number): Promise<Uint8Array> {
    try {
      const data = await this.stream.read(length, timeoutMs);
      this.onTrace?.({ direction: 'recv', activity: this.activity, bytes: data });
      return data;
    } catch (err) {
      throw this.mapStreamError(err, timeoutMs);
    }
  }

  private mapStreamError(err: unknown, timeoutMs: number): LoaderError {
    const code = streamErrorCode(err);
    if (code === 'timeout') {
      return new LoaderError('timeout', `the bootloader did not answer within ${timeoutMs} ms while ${this.activity}`, undefined, { cause: err });
    }
    if (code === 'closed') {
      return new LoaderError('disconnected', `the bootloader's port closed while ${this.activity} (the bootloader left or the board was reset)`, undefined, { cause: err });
    }
    const detail = err instanceof Error ? err.message : String(err);
    return new LoaderError('disconnected', `serial I/O failed while ${this.activity}: ${detail}`, undefined, { cause: err });
  }

  private protocol(message: string): LoaderError {
    return new LoaderError('protocol', message);
  }
}
