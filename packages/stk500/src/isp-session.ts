import { streamErrorCode, type ByteStream } from './byte-stream.js';
import { planBlocks, planReads, type Block } from './block-plan.js';
import { Memtype, Parm } from './constants.js';
import { FailedError, NoTargetError, Stk500Error, TargetBusyError, hexBytes } from './errors.js';
import type { FuseName, FuseValues, IspTarget } from './isp-target.js';
import { probeProgrammer, type ProgrammerInfo } from './programmer-info.js';
import { Stk500Client, type Stk500ClientOptions } from './stk500-client.js';

export type Progress = (done: number, total: number) => void;

export interface IspSessionOptions {
  /** Blocks kept in flight while writing/reading (each block = load address + page command). Default 2. */
  pipelineDepth?: number;
  /** Injectable for tests; defaults to setTimeout. */
  sleep?: (ms: number) => Promise<void>;
  onLog?: (message: string) => void;
}

/** A failure during a paged transfer, with the address of the block that failed. */
export class TransferError extends Stk500Error {
  override readonly name = 'TransferError';
  readonly memory: 'flash' | 'eeprom';
  readonly operation: 'write' | 'read';
  readonly address: number;
  /** Bytes confirmed written/read before the failure. */
  readonly completedBytes: number;
  constructor(memory: 'flash' | 'eeprom', operation: 'write' | 'read', address: number, completedBytes: number, cause: Error) {
    const code = cause instanceof Stk500Error ? cause.code : streamErrorCode(cause) === 'closed' ? 'closed' : 'aborted';
    super(code, `${operation} ${memory} at 0x${address.toString(16).padStart(4, '0')}: ${cause.message}`);
    this.memory = memory;
    this.operation = operation;
    this.address = address;
    this.completedBytes = completedBytes;
    this.cause = cause;
  }
}

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const FUSE_OPS = {
  low: { read: 'readLowFuse', write: 'writeLowFuse' },
  high: { read: 'readHighFuse', write: 'writeHighFuse' },
  ext: { read: 'readExtFuse', write: 'writeExtFuse' },
} as const;

/** Signature bytes that mean "nothing answered on MISO". */
export function isNoTargetSignature(sig: ArrayLike<number>): boolean {
  const a = Array.from(sig);
  return a.every((b) => b === 0x00) || a.every((b) => b === 0xff);
}

/**
 * ISP operations on top of the STK500v1 commands: what a host does to a target through an ArduinoISP-style
 * programmer. Holds no target state besides what the programmer reported at sign-on.
 */
export class IspSession {
  readonly pipelineDepth: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly onLog: ((message: string) => void) | undefined;

  constructor(
    readonly client: Stk500Client,
    readonly info: ProgrammerInfo,
    options: IspSessionOptions = {},
  ) {
    this.pipelineDepth = Math.max(1, options.pipelineDepth ?? 2);
    this.sleep = options.sleep ?? defaultSleep;
    this.onLog = options.onLog;
  }

  /** Sync with the programmer and learn its capabilities. */
  static async open(stream: ByteStream, options: Stk500ClientOptions & IspSessionOptions = {}): Promise<IspSession> {
    const client = new Stk500Client(stream, options);
    await client.getSync();
    const info = await probeProgrammer(client);
    return new IspSession(client, info, options);
  }

  /** STK_SET_DEVICE + STK_SET_DEVICE_EXT: tell the programmer page and memory sizes (ArduinoISP needs the page size). */
  async configure(target: IspTarget): Promise<void> {
    await this.client.setDevice({ pageSize: target.flash.pageSize, eepromSize: target.eeprom.size, flashSize: target.flash.size });
    await this.client.setDeviceExt(target.eeprom.pageSize);
  }

  /** Enter programming mode; a programmer that cannot sync with the target reports STK_FAILED → NoTargetError. */
  async enterProgmode(): Promise<void> {
    try {
      await this.client.enterProgmode();
    } catch (err) {
      if (err instanceof FailedError) {
        throw new NoTargetError('the target did not answer programming enable (AC 53): check wiring, power and the SCK speed');
      }
      throw err;
    }
  }

  async leaveProgmode(): Promise<void> {
    await this.client.leaveProgmode();
  }

  /** Q then P: releases and re-asserts RESET, which re-latches the target's clock prescaler (CKDIV8). */
  async reenterProgmode(): Promise<void> {
    await this.leaveProgmode();
    await this.enterProgmode();
  }

  /** Set Parm_STK_SCK_DURATION (ispkit only; stock ArduinoISP loses sync on `@`). */
  async setSckDuration(duration: number): Promise<void> {
    if (!this.info.canSetSck) throw new Stk500Error('unsupported', 'this programmer cannot change its SCK clock');
    await this.client.setParameter(Parm.Parm_STK_SCK_DURATION, duration);
    this.info.sckDuration = duration;
  }

  async readSignature(): Promise<Uint8Array> {
    return this.client.readSignature();
  }

  /**
   * Try SCK durations fastest first; keep the first at which the signature reads as `expected` twice in a row.
   * Returns the chosen duration. Throws NoTargetError when none works.
   */
  async selectSck(candidates: readonly number[], expected: ArrayLike<number>): Promise<number> {
    let last: Uint8Array | undefined;
    for (const duration of candidates) {
      await this.setSckDuration(duration);
      const a = await this.readSignature();
      const b = await this.readSignature();
      last = a;
      if (sameBytes(a, expected) && sameBytes(b, expected)) return duration;
      this.onLog?.(`SCK duration ${duration}: signature read ${hexBytes(a)} / ${hexBytes(b)}, trying a slower clock`);
    }
    throw new NoTargetError(`no SCK speed gave the expected signature ${hexBytes(expected)} (last read ${last ? hexBytes(last) : 'nothing'})`, last);
  }

  /** Pass one instruction to the target. */
  universal(target: IspTarget, op: Parameters<IspTarget['encode']>[0], args?: { address?: number; data?: number }): Promise<number> {
    return this.client.universal(target.encode(op, args));
  }

  /** Poll RDY/BSY until the target is ready, for at most 10× the datasheet time (and at least 50 ms). */
  async waitReady(target: IspTarget, what: string, datasheetUs: number): Promise<void> {
    if (!this.info.pollsReady) await this.sleep(Math.ceil(datasheetUs / 1000));
    const limitMs = Math.max(50, Math.ceil((datasheetUs * 10) / 1000));
    const start = Date.now();
    for (;;) {
      const status = await this.universal(target, 'pollReady');
      if ((status & 1) === 0) return;
      const waited = Date.now() - start;
      if (waited > limitMs) throw new TargetBusyError(what, waited);
      await this.sleep(1);
    }
  }

  /** Chip erase (AC 80 00 00) and wait until the target is ready again. Flash and EEPROM (unless EESAVE) become FF. */
  async chipErase(target: IspTarget): Promise<void> {
    await this.universal(target, 'chipErase');
    await this.waitReady(target, 'chip erase', target.timing.chipEraseUs);
  }

  async readFuse(target: IspTarget, fuse: FuseName): Promise<number> {
    return this.universal(target, FUSE_OPS[fuse].read);
  }

  async readFuses(target: IspTarget): Promise<FuseValues> {
    return {
      low: await this.readFuse(target, 'low'),
      high: await this.readFuse(target, 'high'),
      ext: await this.readFuse(target, 'ext'),
    };
  }

  async writeFuse(target: IspTarget, fuse: FuseName, value: number): Promise<void> {
    await this.universal(target, FUSE_OPS[fuse].write, { data: value & 0xff });
    await this.waitReady(target, `write ${fuse} fuse`, target.timing.fuseWriteUs);
  }

  async readLock(target: IspTarget): Promise<number> {
    return this.universal(target, 'readLock');
  }

  async writeLock(target: IspTarget, value: number): Promise<void> {
    await this.universal(target, 'writeLock', { data: value & 0xff });
    await this.waitReady(target, 'write lock bits', target.timing.fuseWriteUs);
  }

  /**
   * Write flash pages (page-aligned, full pages; blank pages should be left out after an erase). Consecutive pages
   * go out in the largest blocks the programmer accepts, and the next block is sent before the previous reply
   * arrives (up to `pipelineDepth` blocks in flight) so the USB transfer overlaps the target's page write.
   */
  async writeFlash(target: IspTarget, pages: Iterable<{ address: number; data: Uint8Array }>, onProgress?: Progress): Promise<number> {
    const blocks = planBlocks(pages, target.flash.pageSize, this.info.maxBlock);
    const perPageMs = Math.max(target.timing.flashWriteUs / 1000, this.info.pollsReady ? 0 : 30) * 2;
    await this.pipelined('flash', 'write', blocks.map((b) => ({ address: b.address, length: b.data.length, block: b })), (item) => {
      const pagesInBlock = item.length / target.flash.pageSize;
      const timeout = this.client.timeoutMs + Math.ceil(pagesInBlock * perPageMs);
      return [this.client.loadAddress(item.address >> 1), this.client.progPage(Memtype.FLASH, item.block!.data, timeout)];
    }, undefined, onProgress);
    return blocks.reduce((n, b) => n + b.data.length, 0);
  }

  /** Read `length` bytes of flash from `start` (even) in the largest blocks the programmer sends, pipelined. */
  async readFlash(target: IspTarget, start: number, length: number, onProgress?: Progress): Promise<Uint8Array> {
    if (start % 2 !== 0 || length % 2 !== 0) throw new RangeError('flash reads must start and end on a word boundary');
    if (start + length > target.flash.size) throw new RangeError(`read past the end of flash (${target.flash.size} bytes)`);
    const out = new Uint8Array(length);
    const items = planReads(start, length, this.info.maxBlock);
    await this.pipelined('flash', 'read', items, (item) => [
      this.client.loadAddress(item.address >> 1),
      this.client.readPage(Memtype.FLASH, item.length),
    ], (item, data) => out.set(data, item.address - start), onProgress);
    return out;
  }

  private eepromAddress(address: number): number {
    if (this.info.eepromAddressing === 'byte') return address;
    if (address % 2 !== 0) throw new RangeError(`this programmer addresses EEPROM in words: cannot start at odd address 0x${address.toString(16)}`);
    return address >> 1;
  }

  async writeEeprom(target: IspTarget, start: number, data: Uint8Array, onProgress?: Progress): Promise<void> {
    if (start + data.length > target.eeprom.size) throw new RangeError(`write past the end of EEPROM (${target.eeprom.size} bytes)`);
    const block = Math.max(target.eeprom.pageSize, this.info.maxBlock - (this.info.maxBlock % target.eeprom.pageSize));
    const items = planReads(start, data.length, block);
    // Stock ArduinoISP writes EEPROM a byte at a time with a fixed 45 ms delay; ispkit polls RDY/BSY per page.
    const perByteMs = this.info.pollsReady ? (target.timing.eepromWriteUs / 1000) * 2 / target.eeprom.pageSize : 50;
    // EEPROM is small and slow to write, so it is not pipelined: each reply is read before the next request goes
    // out, as avrdude does (a simulator that infers "the host's turn" from traffic cannot stall on it).
    let done = 0;
    onProgress?.(0, data.length);
    for (const item of items) {
      try {
        await this.client.loadAddress(this.eepromAddress(item.address));
        await this.client.progPage(Memtype.EEPROM, data.subarray(item.address - start, item.address - start + item.length), this.client.timeoutMs + Math.ceil(item.length * perByteMs));
      } catch (err) {
        throw new TransferError('eeprom', 'write', item.address, done, err as Error);
      }
      done += item.length;
      onProgress?.(done, data.length);
    }
  }

  async readEeprom(target: IspTarget, start: number, length: number, onProgress?: Progress): Promise<Uint8Array> {
    if (start + length > target.eeprom.size) throw new RangeError(`read past the end of EEPROM (${target.eeprom.size} bytes)`);
    const out = new Uint8Array(length);
    const items = planReads(start, length, this.info.maxBlock);
    await this.pipelined('eeprom', 'read', items, (item) => [
      this.client.loadAddress(this.eepromAddress(item.address)),
      this.client.readPage(Memtype.EEPROM, item.length),
    ], (item, bytes) => out.set(bytes, item.address - start), onProgress);
    return out;
  }

  /**
   * Run transfer items with up to `pipelineDepth` in flight. Each item issues its exchanges synchronously (so
   * they are queued in order); the last exchange's data goes to `onData`. The first failure is reported as a
   * TransferError naming the block; everything queued behind it is discarded.
   */
  private async pipelined<T extends { address: number; length: number; block?: Block }>(
    memory: 'flash' | 'eeprom',
    operation: 'write' | 'read',
    items: readonly T[],
    issue: (item: T) => Promise<Uint8Array>[],
    onData: ((item: T, data: Uint8Array) => void) | undefined,
    onProgress: Progress | undefined,
  ): Promise<void> {
    const total = items.reduce((n, i) => n + i.length, 0);
    let done = 0;
    const inFlight: { item: T; result: Promise<Uint8Array[]> }[] = [];
    const settleOldest = async (): Promise<void> => {
      const head = inFlight.shift()!;
      let replies: Uint8Array[];
      try {
        replies = await head.result;
      } catch (err) {
        throw new TransferError(memory, operation, head.item.address, done, err as Error);
      }
      onData?.(head.item, replies[replies.length - 1]!);
      done += head.item.length;
      onProgress?.(done, total);
    };
    try {
      onProgress?.(0, total);
      for (const item of items) {
        const result = Promise.all(issue(item));
        result.catch(() => undefined); // observed in settleOldest; avoid unhandled rejections behind a failure
        inFlight.push({ item, result });
        if (inFlight.length >= this.pipelineDepth) await settleOldest();
      }
      while (inFlight.length > 0) await settleOldest();
    } finally {
      inFlight.length = 0;
    }
  }
}

function sameBytes(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
