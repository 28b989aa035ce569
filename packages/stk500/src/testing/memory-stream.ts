import { StreamError, type ByteStream } from '../byte-stream.js';

/**
 * The host's end of an in-memory byte pipe, following the ByteStream contract exactly (exact-length reads, timeout
 * keeps partial bytes, close/loss rejects pending operations). `onWrite` receives what the host sends.
 */
export class MemoryStream implements ByteStream {
  private buffer: number[] = [];
  private pending: { length: number; resolve: (b: Uint8Array) => void; reject: (e: Error) => void; timer: ReturnType<typeof setTimeout> } | undefined;
  private closedBy: StreamError | undefined;
  /** Every byte the host wrote, in order. */
  readonly written: number[] = [];

  constructor(private readonly onWrite: (bytes: Uint8Array) => void) {}

  get closed(): boolean {
    return this.closedBy !== undefined;
  }

  async write(data: Uint8Array): Promise<void> {
    if (this.closedBy) throw this.closedBy;
    for (const b of data) this.written.push(b);
    this.onWrite(data.slice());
  }

  read(length: number, timeoutMs: number): Promise<Uint8Array> {
    if (this.closedBy) return Promise.reject(this.closedBy);
    if (this.pending) return Promise.reject(new Error('MemoryStream: a read is already pending (the contract allows one)'));
    if (this.buffer.length >= length) return Promise.resolve(Uint8Array.from(this.buffer.splice(0, length)));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending = undefined;
        reject(new StreamError('timeout', `no ${length} byte(s) within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending = { length, resolve, reject, timer };
    });
  }

  async drain(): Promise<void> {
    this.buffer = [];
  }

  async close(): Promise<void> {
    this.end(new StreamError('closed', 'stream closed'));
  }

  /** Device side: deliver bytes to the host. */
  push(bytes: ArrayLike<number>): void {
    if (this.closedBy) return;
    for (let i = 0; i < bytes.length; i++) this.buffer.push(bytes[i]!);
    const p = this.pending;
    if (p && this.buffer.length >= p.length) {
      this.pending = undefined;
      clearTimeout(p.timer);
      p.resolve(Uint8Array.from(this.buffer.splice(0, p.length)));
    }
  }

  /** Device side: the device went away (unplugged). */
  lose(): void {
    this.end(new StreamError('closed', 'the device went away'));
  }

  private end(err: StreamError): void {
    if (this.closedBy) return;
    this.closedBy = err;
    const p = this.pending;
    this.pending = undefined;
    if (p) {
      clearTimeout(p.timer);
      p.reject(err);
    }
  }
}
