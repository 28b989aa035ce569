import { StreamError, type ByteStream } from '../byte-stream.js';
import { ReceiveQueue } from '../receive-queue.js';

/**
 * The host's end of an in-memory byte pipe, following the ByteStream contract exactly (exact-length reads, timeout
 * keeps partial bytes, close/loss rejects pending operations). `onWrite` receives what the host sends.
 */
export class MemoryStream implements ByteStream {
  private readonly received = new ReceiveQueue((length, timeoutMs) => `no ${length} byte(s) within ${timeoutMs} ms`);
  /** Every byte the host wrote, in order. */
  readonly written: number[] = [];

  constructor(private readonly onWrite: (bytes: Uint8Array) => void) {}

  get closed(): boolean {
    return this.received.closed !== undefined;
  }

  async write(data: Uint8Array): Promise<void> {
    const closedBy = this.received.closed;
    if (closedBy) throw closedBy;
    for (const b of data) this.written.push(b);
    this.onWrite(data.slice());
  }

  read(length: number, timeoutMs: number): Promise<Uint8Array> {
    return this.received.read(length, timeoutMs);
  }

  async drain(): Promise<void> {
    this.received.clear();
  }

  async close(): Promise<void> {
    this.received.close(new StreamError('closed', 'stream closed'));
  }

  /** Device side: deliver bytes to the host. */
  push(bytes: ArrayLike<number>): void {
    if (this.received.closed) return;
    this.received.push(Uint8Array.from(bytes));
  }

  /** Device side: the device went away (unplugged). */
  lose(): void {
    this.received.close(new StreamError('closed', 'the device went away'));
  }
}
