import { StreamError, type ByteStream } from '@ispkit/stk500';
import { SerialPort } from 'serialport';

export interface OpenSerialOptions {
  baudRate?: number;
  /** Called when setting DTR/RTS fails (e.g. the simulator's pty has no modem lines): we carry on. */
  onControlLineFailure?: (message: string) => void;
}

/**
 * ByteStream over `serialport` (see @ispkit/stk500's contract). DTR/RTS are raised when the port allows it — stock
 * ArduinoISP on a Leonardo only sends while DTR is up — and ignored when it does not (a pty cannot).
 */
export class SerialStream implements ByteStream {
  private buffer: Buffer = Buffer.alloc(0);
  private pending: { length: number; resolve: (b: Uint8Array) => void; reject: (e: Error) => void; timer: NodeJS.Timeout } | undefined;
  private closedBy: StreamError | undefined;

  private constructor(
    private readonly port: SerialPort,
    readonly path: string,
  ) {
    port.on('data', (chunk: Buffer) => this.onData(chunk));
    port.on('close', (err?: { disconnected?: boolean }) => {
      this.end(new StreamError('closed', err?.disconnected ? `${path} disconnected` : `${path} closed`));
    });
    port.on('error', (err: Error) => this.end(new StreamError('closed', `${path}: ${err.message}`)));
  }

  static async open(path: string, options: OpenSerialOptions = {}): Promise<SerialStream> {
    const port = new SerialPort({ path, baudRate: options.baudRate ?? 115200, autoOpen: false, hupcl: false });
    await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
    const stream = new SerialStream(port, path);
    await new Promise<void>((resolve) => {
      port.set({ dtr: true, rts: true }, (err) => {
        if (err) options.onControlLineFailure?.(`cannot set DTR/RTS on ${path} (${err.message}); continuing without them`);
        resolve();
      });
    });
    return stream;
  }

  private onData(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    const p = this.pending;
    if (p && this.buffer.length >= p.length) {
      this.pending = undefined;
      clearTimeout(p.timer);
      p.resolve(this.take(p.length));
    }
  }

  private take(n: number): Uint8Array {
    const out = new Uint8Array(this.buffer.subarray(0, n));
    this.buffer = this.buffer.subarray(n);
    return out;
  }

  write(data: Uint8Array): Promise<void> {
    if (this.closedBy) return Promise.reject(this.closedBy);
    return new Promise((resolve, reject) => {
      this.port.write(Buffer.from(data), (err) => {
        if (err) reject(this.closedBy ?? new StreamError('closed', `${this.path}: ${err.message}`));
        else resolve();
      });
    });
  }

  read(length: number, timeoutMs: number): Promise<Uint8Array> {
    if (this.closedBy) return Promise.reject(this.closedBy);
    if (this.pending) return Promise.reject(new Error('SerialStream: a read is already pending'));
    if (this.buffer.length >= length) return Promise.resolve(this.take(length));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending = undefined;
        reject(new StreamError('timeout', `no ${length} byte(s) from ${this.path} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending = { length, resolve, reject, timer };
    });
  }

  async drain(): Promise<void> {
    this.buffer = Buffer.alloc(0);
  }

  async close(): Promise<void> {
    const wasOpen = this.port.isOpen;
    this.end(new StreamError('closed', `${this.path} closed`));
    if (wasOpen) await new Promise<void>((resolve) => this.port.close(() => resolve()));
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
