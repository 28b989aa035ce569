/**
 * @ispkit/stk500's ByteStream over a Web Serial port: the browser twin of the CLI's serialport adapter. The port
 * is read continuously into a buffer, so `read(n, timeout)` takes exactly n bytes and keeps the rest; when the
 * device goes away the pending read or write rejects at once with code 'closed' (that is how an unplugged
 * programmer is noticed in milliseconds, as the ByteStream contract requires).
 */
import { ReceiveQueue, StreamError, type ByteStream } from '@ispkit/stk500';

export interface WebSerialStreamOptions {
  baudRate: number;
  /** Called once when the port stops working on its own (unplugged), not on close(). */
  onLost?: (reason: string) => void;
}

export class WebSerialStream implements ByteStream {
  private readonly received = new ReceiveQueue(
    (length, timeoutMs, arrived) => `no reply within ${timeoutMs} ms (${arrived} of ${length} bytes arrived)`,
  );
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
          if (value && value.length) this.received.push(value);
        }
      } catch (err) {
        if (!this.closed) this.lost((err as Error).message || String(err));
      }
    })();
  }

  private lost(reason: string): void {
    if (this.lostReason !== undefined) return;
    this.lostReason = reason;
    this.received.close(new StreamError('closed', `the serial port was lost (${reason})`));
    this.opts.onLost?.(reason);
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
    return this.received.read(length, timeoutMs);
  }

  async drain(): Promise<void> {
    this.received.clear();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.received.close(new StreamError('closed', 'the serial port is closed'));
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
