/**
 * The byte pipe a serial bootloader client talks through: a CDC-ACM port in the CLI, an in-memory model in tests.
 * Same shape as @ispkit/stk500's ByteStream so one adapter serves both.
 */
export interface ByteStream {
  /** Send bytes. Rejects (code 'closed') when the device has gone away. */
  write(data: Uint8Array): Promise<void>;
  /**
   * Resolve with exactly `length` bytes. Rejects with an error whose `code` is 'timeout' when they have not all
   * arrived within `timeoutMs`, or 'closed' when the device went away (or close() was called) while waiting.
   */
  read(length: number, timeoutMs: number): Promise<Uint8Array>;
  /** Throw away bytes received but not yet read. */
  drain?(): Promise<void>;
  close(): Promise<void>;
}

/** Error codes a ByteStream or HidDevice implementation uses (`err.code`). */
export type StreamErrorCode = 'timeout' | 'closed';

export class StreamError extends Error {
  override readonly name = 'StreamError';
  constructor(
    readonly code: StreamErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export function streamErrorCode(err: unknown): StreamErrorCode | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'timeout' || code === 'closed' ? code : undefined;
}
