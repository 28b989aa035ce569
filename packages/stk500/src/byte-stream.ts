/**
 * The only thing the STK500 client needs from a transport: a byte duplex. Implemented by the Node CLI over
 * `serialport`, by tests over an in-memory fake, later by a browser over Web Serial. Same shape as
 * @ispkit/loaders' ByteStream, so one serial adapter serves both.
 *
 * Contract (the client relies on every rule):
 * - `write(data)` queues the bytes in order and resolves once the transport accepted them (not necessarily
 *   delivered). Writes never interleave. Rejects with a {@link StreamError} of code 'closed' when the stream is closed
 *   or the device went away.
 * - `read(length, timeoutMs)` resolves with exactly `length` bytes. If they have not all arrived within `timeoutMs`
 *   it rejects with code 'timeout' and the bytes that did arrive stay buffered for the next read (nothing is lost).
 *   Only one read may be pending at a time; bytes arriving while none is pending are buffered.
 * - `drain()` (optional) discards everything received and not yet read.
 * - `close()` is idempotent. A read or write pending while the stream closes — by `close()` or because the device
 *   disappeared — rejects promptly with code 'closed'. That is how an operation is cancelled, and how an unplugged
 *   programmer is noticed within milliseconds instead of after a timeout.
 */
export interface ByteStream {
  write(data: Uint8Array): Promise<void>;
  read(length: number, timeoutMs: number): Promise<Uint8Array>;
  drain?(): Promise<void>;
  close(): Promise<void>;
}

export type StreamErrorCode = 'timeout' | 'closed';

/** What a ByteStream rejects with. Match on `code` (another package's class with the same codes works too). */
export class StreamError extends Error {
  override readonly name = 'StreamError';
  constructor(
    readonly code: StreamErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** The `code` of a ByteStream error, if `err` is one. */
export function streamErrorCode(err: unknown): StreamErrorCode | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'timeout' || code === 'closed' ? code : undefined;
}
