/**
 * @ispkit/stk500's ByteStream over a Web Serial port: the browser twin of the CLI's serialport adapter. The port
 * is read continuously into a buffer, so `read(n, timeout)` takes exactly n bytes and keeps the rest; when the
 * device goes away the pending read or write rejects at once with code 'closed' (that is how an unplugged
 * programmer is noticed in milliseconds, as the ByteStream contract requires).
 */
import { StreamError, type ByteStream } from '@ispkit/stk500';

export interface WebSerialStreamOptions {
  baudRate: number;
  /** Called once when the port stops working on its own (unplugged), not on close(). */
  onLost?: (reason: string) => void;
}

interface PendingRead {
  length: number;
  resolve: (data: Uint8Array) => void;
  reject: (err: Error) => void;
  timer: ReturnType<typeof setTimeout>;
}

export class WebSerialStream implements ByteStream {
  private buffer = new Uint8Array(0);
  private pending: PendingRead | undefined;
  private closed = false;
  private lostReason: string | undefined;
  private reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  private writer: WritableStreamDefaultWriter<Uint8Array> | undefined;
  private readLoop: Promise<void> = Promise.resolve();

  private constructor(
    readonly port: SerialPort,
    private readonly opts: WebSerialStreamOptions,
  ) {}

  /** Opens `port` (rejects with the browser's reason: in use, lost, no permission). */
  static async open(port: SerialPort, opts: WebSerialStreamOptions): Promise<WebSerialStream> {
    await port.open({ baudRate: opts.baudRate, bufferSize: 4096 });
    const s = new WebSerialStream(port, opts);
    s.start();
    return s;
  }

  private start(): void {
    if (!this.port.readable || !this.port.writable) throw new StreamError('closed', 'the serial port has no streams');
    this.reader = this.port.readable.getReader();
    this.writer = this.port.writable.getWriter();
    const reader = this.reader;
    this.readLoop = (async () => {
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          if (value && value.length) this.push(value);
        }
      } catch (err) {
        if (!this.closed) this.lost((err as Error).message || String(err));
      }
    })();
  }

  private push(chunk: Uint8Array): void {
    const next = new Uint8Array(this.buffer.length + chunk.length);
    next.set(this.buffer);
    next.set(chunk, this.buffer.length);
    this.buffer = next;
    this.settle();
  }

  private settle(): void {
    const p = this.pending;
    if (!p || this.buffer.length < p.length) return;
    this.pending = undefined;
    clearTimeout(p.timer);
    const out = this.buffer.slice(0, p.length);
    this.buffer = this.buffer.slice(p.length);
    p.resolve(out);
  }

  private lost(reason: string): void {
    if (this.lostReason !== undefined) return;
    this.lostReason = reason;
    this.failPending(`the serial port was lost (${reason})`);
    this.opts.onLost?.(reason);
  }

  private failPending(message: string): void {
    const p = this.pending;
    if (!p) return;
    this.pending = undefined;
    clearTimeout(p.timer);
    p.reject(new StreamError('closed', message));
  }

  private gone(): string | undefined {
    if (this.closed) return 'the serial port is closed';
    if (this.lostReason !== undefined) return `the serial port was lost (${this.lostReason})`;
    return undefined;
  }

  async write(data: Uint8Array): Promise<void> {
    const why = this.gone();
    if (why || !this.writer) throw new StreamError('closed', why ?? 'the serial port is closed');
    try {
      await this.writer.write(data);
    } catch (err) {
      const reason = (err as Error).message || String(err);
      if (!this.closed) this.lost(reason);
      throw new StreamError('closed', `the serial port was lost (${reason})`);
    }
  }

  read(length: number, timeoutMs: number): Promise<Uint8Array> {
    const why = this.gone();
    if (why) return Promise.reject(new StreamError('closed', why));
    if (this.pending) return Promise.reject(new Error('ByteStream: only one read may be pending'));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        if (this.pending?.timer !== timer) return;
        this.pending = undefined;
        reject(new StreamError('timeout', `no reply within ${timeoutMs} ms (${this.buffer.length} of ${length} bytes arrived)`));
      }, timeoutMs);
      this.pending = { length, resolve, reject, timer };
      this.settle();
    });
  }

  async drain(): Promise<void> {
    this.buffer = new Uint8Array(0);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.failPending('the serial port is closed');
    try {
      await this.reader?.cancel();
    } catch {
      // a lost port cannot be cancelled; closing below still releases it
    }
    await this.readLoop;
    this.reader?.releaseLock();
    try {
      await this.writer?.close();
    } catch {
      // lost ports reject close(); nothing was left to flush
    }
    this.writer?.releaseLock();
    try {
      await this.port.close();
    } catch {
      // already closed by the browser (device lost)
    }
  }
}
