import { StreamError } from './byte-stream.js';

interface PendingRead {
  length: number;
  resolve: (data: Uint8Array) => void;
  reject: (err: Error) => void;
  timer: ReturnType<typeof setTimeout>;
}

/**
 * The receiving half of the {@link ByteStream} contract, for every transport adapter (serialport, Web Serial, the
 * page's WebSocket bridge): chunks go in as the transport delivers them, `read(length, timeoutMs)` takes exactly
 * `length` bytes and leaves the rest, a timed-out read leaves what did arrive for the next one, one read may be
 * pending, and after `close(err)` the pending read and every later one reject with `err`. No I/O of its own.
 */
export class ReceiveQueue {
  private buffer = new Uint8Array(0);
  private pending: PendingRead | undefined;
  private closedBy: StreamError | undefined;

  /** `timeoutMessage` words the 'timeout' rejection (the transport knows what to call itself). */
  constructor(private readonly timeoutMessage: (length: number, timeoutMs: number, arrived: number) => string) {}

  /** Why the stream closed, once it has. */
  get closed(): StreamError | undefined {
    return this.closedBy;
  }

  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    const next = new Uint8Array(this.buffer.length + chunk.length);
    next.set(this.buffer);
    next.set(chunk, this.buffer.length);
    this.buffer = next;
    this.settle();
  }

  read(length: number, timeoutMs: number): Promise<Uint8Array> {
    if (this.closedBy) return Promise.reject(this.closedBy);
    if (this.pending) return Promise.reject(new Error('ByteStream: only one read may be pending'));
    if (this.buffer.length >= length) return Promise.resolve(this.take(length));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        if (this.pending?.timer !== timer) return;
        this.pending = undefined;
        reject(new StreamError('timeout', this.timeoutMessage(length, timeoutMs, this.buffer.length)));
      }, timeoutMs);
      this.pending = { length, resolve, reject, timer };
    });
  }

  /** Discards everything received and not yet read. */
  clear(): void {
    this.buffer = new Uint8Array(0);
  }

  /** The stream is gone: the pending read rejects with `err` now, later reads at once. The first reason stays. */
  close(err: StreamError): void {
    if (this.closedBy) return;
    this.closedBy = err;
    const p = this.pending;
    this.pending = undefined;
    if (p) {
      clearTimeout(p.timer);
      p.reject(err);
    }
  }

  private settle(): void {
    const p = this.pending;
    if (!p || this.buffer.length < p.length) return;
    this.pending = undefined;
    clearTimeout(p.timer);
    p.resolve(this.take(p.length));
  }

  private take(n: number): Uint8Array {
    const out = this.buffer.slice(0, n);
    this.buffer = this.buffer.slice(n);
    return out;
  }
}
