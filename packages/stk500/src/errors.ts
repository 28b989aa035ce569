/** Typed errors of the STK500 client. Each carries enough data for a one-line message and for tests. */

function hex(b: number): string {
  return '0x' + b.toString(16).padStart(2, '0');
}

export function hexBytes(bytes: ArrayLike<number>): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0').toUpperCase()).join(' ');
}

export type Stk500ErrorCode =
  | 'protocol'
  | 'timeout'
  | 'nosync'
  | 'unknown-command'
  | 'failed'
  | 'aborted'
  | 'no-target'
  | 'busy'
  | 'unsupported'
  | 'closed';

export class Stk500Error extends Error {
  override readonly name: string = 'Stk500Error';
  readonly code: Stk500ErrorCode;
  /** Name of the command that was exchanged, e.g. "STK_PROG_PAGE". */
  readonly command: string | undefined;
  constructor(code: Stk500ErrorCode, message: string, command?: string) {
    super(message);
    this.code = code;
    this.command = command;
  }
}

/** A reply byte differed from what the protocol requires at that position. */
export class ProtocolError extends Stk500Error {
  override readonly name = 'ProtocolError';
  readonly expected: number;
  readonly actual: number;
  constructor(command: string, what: string, expected: number, actual: number) {
    super('protocol', `${command}: protocol expects ${what} byte ${hex(expected)} but got ${hex(actual)}`, command);
    this.expected = expected;
    this.actual = actual;
  }
}

/** No (complete) reply within the exchange's time limit. */
export class TimeoutError extends Stk500Error {
  override readonly name = 'TimeoutError';
  readonly timeoutMs: number;
  readonly received: number;
  readonly expectedLength: number;
  constructor(command: string, timeoutMs: number, received: number, expectedLength: number) {
    super(
      'timeout',
      `${command}: no reply within ${timeoutMs} ms (got ${received} of ${expectedLength} bytes)`,
      command,
    );
    this.timeoutMs = timeoutMs;
    this.received = received;
    this.expectedLength = expectedLength;
  }
}

/** The programmer answered STK_NOSYNC: it lost the framing (or getSync ran out of attempts). */
export class NoSyncError extends Stk500Error {
  override readonly name = 'NoSyncError';
  readonly attempts: number;
  constructor(command: string, message: string, attempts = 0) {
    super('nosync', `${command}: ${message}`, command);
    this.attempts = attempts;
  }
}

/** STK_UNKNOWN: the programmer does not implement the command. */
export class UnknownCommandError extends Stk500Error {
  override readonly name = 'UnknownCommandError';
  constructor(command: string) {
    super('unknown-command', `${command}: the programmer does not know this command (STK_UNKNOWN)`, command);
  }
}

/** STK_FAILED: the programmer understood but could not do it (e.g. no target answered programming enable). */
export class FailedError extends Stk500Error {
  override readonly name = 'FailedError';
  constructor(command: string, detail = 'the programmer reported STK_FAILED') {
    super('failed', `${command}: ${detail}`, command);
  }
}

/** An exchange was not attempted because an earlier pipelined exchange failed; `cause` is that failure. */
export class AbortedError extends Stk500Error {
  override readonly name = 'AbortedError';
  constructor(command: string, cause: Error) {
    super('aborted', `${command}: not sent/read because an earlier exchange failed (${cause.message})`, command);
    this.cause = cause;
  }
}

/** The target did not answer (signature 00 00 00 / FF FF FF, programming enable failed). */
export class NoTargetError extends Stk500Error {
  override readonly name = 'NoTargetError';
  readonly signature: Uint8Array | undefined;
  constructor(message: string, signature?: Uint8Array) {
    super('no-target', message);
    this.signature = signature;
  }
}

/** The target stayed busy (RDY/BSY) longer than its datasheet time allows. */
export class TargetBusyError extends Stk500Error {
  override readonly name = 'TargetBusyError';
  constructor(operation: string, waitedMs: number) {
    super('busy', `${operation}: target still busy after ${waitedMs} ms`);
  }
}
