import { streamErrorCode, type ByteStream } from './byte-stream.js';
import { Cmnd, Resp } from './constants.js';
import {
  AbortedError,
  FailedError,
  NoSyncError,
  ProtocolError,
  TimeoutError,
  UnknownCommandError,

} from './errors.js';

/** One protocol event for `-v` traces: bytes as sent or received, labelled with the command. */
export interface TraceEvent {
  direction: 'send' | 'recv';
  command: string;
  bytes: Uint8Array;
}

export interface Stk500ClientOptions {
  /** Time limit for one reply, measured from when the previous reply was read (default 1000 ms). */
  timeoutMs?: number;
  /** getSync: how many `STK_GET_SYNC` attempts before giving up (default 10). */
  syncAttempts?: number;
  /** getSync: per-attempt reply limit (default 300 ms). */
  syncTimeoutMs?: number;
  /** getSync: the line counts as drained after this much silence (default 50 ms). */
  drainQuietMs?: number;
  /** Called with every frame sent and every reply received. */
  onTrace?: (event: TraceEvent) => void;
  /** Called with human-readable notes (sync attempts); lowercase sentences. */
  onLog?: (message: string) => void;
}

/** Parameters of STK_SET_DEVICE (AVR061 table); only the sizes matter to ArduinoISP-style programmers. */
export interface DeviceParams {
  deviceCode?: number;
  pageSize: number;
  eepromSize: number;
  flashSize: number;
  /** Poll values and flags; ArduinoISP ignores them. */
  pollValue?: number;
}

const COMMAND_NAMES: Record<number, string> = Object.fromEntries(
  Object.entries(Cmnd).map(([name, code]) => [code, name]),
);

export function commandName(code: number): string {
  return COMMAND_NAMES[code] ?? `command 0x${code.toString(16).padStart(2, '0')}`;
}

export const DEFAULT_TIMEOUT_MS = 1000;
export const DEFAULT_SYNC_ATTEMPTS = 10;

/**
 * STK500 version 1 client (AVR061) for ArduinoISP-style programmers. One method per command; every method
 * is one request/reply exchange. Exchanges may be issued without awaiting the previous one: requests go out
 * immediately in call order and replies are matched in the same order (pipelining), so a caller can keep the
 * programmer's USB buffer full. If one exchange fails, every exchange queued behind it rejects with
 * {@link AbortedError} and the client refuses new exchanges until {@link getSync} re-establishes framing.
 */
export class Stk500Client {
  readonly timeoutMs: number;
  private readonly syncAttempts: number;
  private readonly syncTimeoutMs: number;
  private readonly drainQuietMs: number;
  private readonly onTrace: ((event: TraceEvent) => void) | undefined;
  private readonly onLog: ((message: string) => void) | undefined;
  private writeChain: Promise<void> = Promise.resolve();
  private readChain: Promise<void> = Promise.resolve();
  private failure: Error | undefined;
  private inFlight = 0;

  constructor(
    readonly stream: ByteStream,
    options: Stk500ClientOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.syncAttempts = options.syncAttempts ?? DEFAULT_SYNC_ATTEMPTS;
    this.syncTimeoutMs = options.syncTimeoutMs ?? 300;
    this.drainQuietMs = options.drainQuietMs ?? 50;
    this.onTrace = options.onTrace;
    this.onLog = options.onLog;
  }

  /** Exchanges sent whose replies have not been read yet. */
  get pendingExchanges(): number {
    return this.inFlight;
  }

  /** The error that broke framing, if any (cleared by a successful getSync). */
  get broken(): Error | undefined {
    return this.failure;
  }

  /**
   * Send one request (command byte, arguments, CRC_EOP appended here) and read `STK_INSYNC`, `dataLength`
   * bytes, `STK_OK`. Resolves with the data bytes.
   */
  exchange(
    command: number,
    args: ArrayLike<number>,
    dataLength: number,
    timeoutMs = this.timeoutMs,
  ): Promise<Uint8Array> {
    const name = commandName(command);
    if (this.failure) return Promise.reject(new AbortedError(name, this.failure));
    const request = new Uint8Array(args.length + 2);
    request[0] = command;
    request.set(Array.from(args), 1);
    request[request.length - 1] = Resp.CRC_EOP;

    const written = this.writeChain.then(() => {
      this.onTrace?.({ direction: 'send', command: name, bytes: request });
      return this.stream.write(request);
    });
    this.writeChain = written.catch(() => undefined);
    this.inFlight++;
    const reply = this.readChain.then(async () => {
      try {
        if (this.failure) throw new AbortedError(name, this.failure);
        await written;
        return await this.readReply(name, dataLength, timeoutMs);
      } finally {
        this.inFlight--;
      }
    });
    this.readChain = reply.then(
      () => undefined,
      (err: Error) => {
        // STK_FAILED and STK_UNKNOWN are complete replies: framing is intact, later exchanges may proceed.
        if (err instanceof FailedError || err instanceof UnknownCommandError) return;
        this.failure ??= err;
      },
    );
    return reply;
  }

  /** Read `length` bytes or return what arrived before the timeout (the stream keeps nothing back on timeout). */
  private async readUpTo(length: number, deadline: number): Promise<Uint8Array> {
    const out = new Uint8Array(length);
    let got = 0;
    // Whole reply in one read when it arrives in time; on timeout fall back to byte-wise reads so the error can
    // say how much came.
    try {
      return await this.stream.read(length, Math.max(1, deadline - Date.now()));
    } catch (err) {
      if (streamErrorCode(err) !== 'timeout') throw err;
    }
    while (got < length) {
      try {
        out.set(await this.stream.read(1, 1), got);
        got++;
      } catch (err) {
        if (streamErrorCode(err) !== 'timeout') throw err;
        break;
      }
    }
    return out.slice(0, got);
  }

  private async readReply(name: string, dataLength: number, timeoutMs: number): Promise<Uint8Array> {
    const deadline = Date.now() + timeoutMs;
    const head = await this.readUpTo(1, deadline);
    if (head.length === 0) throw new TimeoutError(name, timeoutMs, 0, dataLength + 2);
    const first = head[0]!;
    if (first !== Resp.STK_INSYNC) {
      this.onTrace?.({ direction: 'recv', command: name, bytes: head });
      if (first === Resp.STK_NOSYNC) throw new NoSyncError(name, 'the programmer answered STK_NOSYNC (framing lost)');
      if (first === Resp.STK_UNKNOWN) throw new UnknownCommandError(name);
      throw new ProtocolError(name, 'INSYNC', Resp.STK_INSYNC, first);
    }
    const rest = await this.readUpTo(dataLength + 1, deadline);
    const all = new Uint8Array(rest.length + 1);
    all[0] = first;
    all.set(rest, 1);
    this.onTrace?.({ direction: 'recv', command: name, bytes: all });
    if (rest.length < dataLength + 1) {
      // A programmer may cut a data reply short with STK_FAILED (`14 11`); only the silence after it tells.
      if (rest.length === 1 && rest[0] === Resp.STK_FAILED) throw new FailedError(name);
      throw new TimeoutError(name, timeoutMs, rest.length + 1, dataLength + 2);
    }
    const status = rest[dataLength]!;
    if (status === Resp.STK_FAILED) throw new FailedError(name);
    if (status !== Resp.STK_OK) throw new ProtocolError(name, 'OK', Resp.STK_OK, status);
    return rest.slice(0, dataLength);
  }

  /** Discard everything buffered and whatever arrives until the line is quiet (bounded: a stream of garbage ends). */
  private async drainLine(quietMs = this.drainQuietMs): Promise<number> {
    await this.stream.drain?.();
    let dropped = 0;
    const end = Date.now() + 1000;
    while (Date.now() < end) {
      try {
        await this.stream.read(1, quietMs);
        dropped++;
      } catch (err) {
        if (streamErrorCode(err) !== 'timeout') throw err;
        break;
      }
    }
    return dropped;
  }

  /**
   * Bounded re-synchronisation, as avrdude does it: wait for queued exchanges, drain the line, then up to
   * `syncAttempts` × `STK_GET_SYNC`, each attempt logged. Clears the broken state on success.
   */
  async getSync(): Promise<void> {
    await this.readChain;
    this.failure = undefined;
    const dropped = await this.drainLine();
    if (dropped > 0) this.onLog?.(`discarded ${dropped} stale byte(s) before sync`);
    let last = 'no reply';
    for (let attempt = 1; attempt <= this.syncAttempts; attempt++) {
      try {
        await this.exchange(Cmnd.STK_GET_SYNC, [], 0, this.syncTimeoutMs);
        if (attempt > 1) {
          // A late answer to an earlier attempt may be what we just read, leaving this attempt's answer on the
          // line: let stragglers arrive, drop them, and confirm with one more exchange.
          await this.readChain;
          const stale = await this.drainLine(this.syncTimeoutMs);
          await this.exchange(Cmnd.STK_GET_SYNC, [], 0, this.syncTimeoutMs);
          this.onLog?.(`in sync after ${attempt} attempts${stale ? ` (dropped ${stale} late byte(s))` : ''}`);
        }
        return;
      } catch (err) {
        if (!(err instanceof Error)) throw err;
        if (streamErrorCode(err) === 'closed') throw err;
        last = describeSyncFailure(err);
        this.onLog?.(`attempt ${attempt} of ${this.syncAttempts}: not in sync: ${last}`);
        await this.readChain;
        this.failure = undefined;
        await this.drainLine();
      }
    }
    this.failure = new NoSyncError('STK_GET_SYNC', `programmer not in sync after ${this.syncAttempts} attempts (${last})`, this.syncAttempts);
    throw this.failure;
  }

  /** STK_GET_SIGN_ON: "AVR ISP" for ArduinoISP and ispkit. */
  async signOn(): Promise<string> {
    const bytes = await this.exchange(Cmnd.STK_GET_SIGN_ON, [], 7);
    return String.fromCharCode(...bytes);
  }

  async getParameter(parameter: number): Promise<number> {
    const [value] = await this.exchange(Cmnd.STK_GET_PARAMETER, [parameter], 1);
    return value!;
  }

  async setParameter(parameter: number, value: number): Promise<void> {
    await this.exchange(Cmnd.STK_SET_PARAMETER, [parameter, value & 0xff], 0);
  }

  /** STK_SET_DEVICE with the 20 parameter bytes of AVR061 (sizes big-endian). */
  async setDevice(device: DeviceParams): Promise<void> {
    const p = new Uint8Array(20);
    p[0] = device.deviceCode ?? 0x86;
    p[1] = 0; // revision
    p[2] = 0; // progtype: both
    p[3] = 1; // parmode: full parallel interface
    p[4] = 1; // polling
    p[5] = 1; // selftimed
    p[6] = 1; // lock bytes
    p[7] = 3; // fuse bytes
    p[8] = device.pollValue ?? 0xff; // flash poll value 1
    p[9] = device.pollValue ?? 0xff; // flash poll value 2
    p[10] = 0xff; // eeprom poll 1
    p[11] = 0xff; // eeprom poll 2
    p[12] = (device.pageSize >> 8) & 0xff;
    p[13] = device.pageSize & 0xff;
    p[14] = (device.eepromSize >> 8) & 0xff;
    p[15] = device.eepromSize & 0xff;
    p[16] = (device.flashSize >>> 24) & 0xff;
    p[17] = (device.flashSize >>> 16) & 0xff;
    p[18] = (device.flashSize >>> 8) & 0xff;
    p[19] = device.flashSize & 0xff;
    await this.exchange(Cmnd.STK_SET_DEVICE, p, 0);
  }

  /** STK_SET_DEVICE_EXT (5 bytes, as avrdude sends for SW ≥ 1.11): command size, EEPROM page size, signal pins, reset disable. */
  async setDeviceExt(eepromPageSize: number): Promise<void> {
    await this.exchange(Cmnd.STK_SET_DEVICE_EXT, [5, eepromPageSize & 0xff, 0xd7, 0xa0, 0x01], 0);
  }

  /** STK_ENTER_PROGMODE: the programmer asserts target RESET and sends programming enable. */
  async enterProgmode(timeoutMs = Math.max(this.timeoutMs, 1000)): Promise<void> {
    await this.exchange(Cmnd.STK_ENTER_PROGMODE, [], 0, timeoutMs);
  }

  /** STK_LEAVE_PROGMODE: releases target RESET (hi-Z) so the target runs. */
  async leaveProgmode(): Promise<void> {
    await this.exchange(Cmnd.STK_LEAVE_PROGMODE, [], 0);
  }

  /** STK_LOAD_ADDRESS (low byte first). Flash takes a word address; EEPROM depends on the programmer. */
  loadAddress(address: number): Promise<Uint8Array> {
    return this.exchange(Cmnd.STK_LOAD_ADDRESS, [address & 0xff, (address >> 8) & 0xff], 0);
  }

  /** STK_PROG_PAGE: length big-endian, memory type, data. */
  progPage(memtype: number, data: Uint8Array, timeoutMs?: number): Promise<Uint8Array> {
    const args = new Uint8Array(3 + data.length);
    args[0] = (data.length >> 8) & 0xff;
    args[1] = data.length & 0xff;
    args[2] = memtype;
    args.set(data, 3);
    return this.exchange(Cmnd.STK_PROG_PAGE, args, 0, timeoutMs);
  }

  /** STK_READ_PAGE: resolves with `length` bytes from the current address. */
  readPage(memtype: number, length: number, timeoutMs?: number): Promise<Uint8Array> {
    return this.exchange(Cmnd.STK_READ_PAGE, [(length >> 8) & 0xff, length & 0xff, memtype], length, timeoutMs);
  }

  /** STK_UNIVERSAL: four bytes passed to the target over SPI; resolves with the target's fourth reply byte. */
  async universal(instruction: ArrayLike<number>, timeoutMs?: number): Promise<number> {
    if (instruction.length !== 4) throw new RangeError(`universal takes 4 bytes, got ${instruction.length}`);
    const [out] = await this.exchange(Cmnd.STK_UNIVERSAL, instruction, 1, timeoutMs);
    return out!;
  }

  /** STK_READ_SIGN: three signature bytes. */
  readSignature(): Promise<Uint8Array> {
    return this.exchange(Cmnd.STK_READ_SIGN, [], 3);
  }

  /** Wait for every queued exchange to finish (successfully or not). */
  async settle(): Promise<void> {
    await this.readChain;
  }

  async close(): Promise<void> {
    await this.stream.close();
  }
}

function describeSyncFailure(err: Error): string {
  if (err instanceof ProtocolError) return `resp=0x${err.actual.toString(16).padStart(2, '0')}`;
  if (err instanceof NoSyncError) return 'resp=0x15';
  if (err instanceof UnknownCommandError) return 'resp=0x12';
  if (err instanceof TimeoutError) return err.received === 0 ? 'no reply' : 'short reply';
  return err.message;
}

