import { ReceiveQueue, StreamError, type ByteStream } from '@ispkit/stk500';
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
  private readonly received: ReceiveQueue;

  private constructor(
    private readonly port: SerialPort,
    readonly path: string,
  ) {
    this.received = new ReceiveQueue((length, timeoutMs) => `no ${length} byte(s) from ${path} within ${timeoutMs} ms`);
    port.on('data', (chunk: Buffer) => this.received.push(chunk));
    port.on('close', (err?: { disconnected?: boolean }) => {
      this.received.close(new StreamError('closed', err?.disconnected ? `${path} disconnected` : `${path} closed`));
    });
    port.on('error', (err: Error) => this.received.close(new StreamError('closed', `${path}: ${err.message}`)));
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

  write(data: Uint8Array): Promise<void> {
    const closedBy = this.received.closed;
    if (closedBy) return Promise.reject(closedBy);
    return new Promise((resolve, reject) => {
      this.port.write(Buffer.from(data), (err) => {
        if (err) reject(this.received.closed ?? new StreamError('closed', `${this.path}: ${err.message}`));
        else resolve();
      });
    });
  }

  read(length: number, timeoutMs: number): Promise<Uint8Array> {
    return this.received.read(length, timeoutMs);
  }

  async drain(): Promise<void> {
    this.received.clear();
  }

  async close(): Promise<void> {
    const wasOpen = this.port.isOpen;
    this.received.close(new StreamError('closed', `${this.path} closed`));
    if (wasOpen) await new Promise<void>((resolve) => this.port.close(() => resolve()));
  }
}
