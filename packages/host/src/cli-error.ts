/**
 * Exit codes of `ispkit` (documented in the README and `ispkit --help`):
 *   0 success · 1 failure (bad input file, operation failed) · 2 usage (unknown option/part/preset, missing argument)
 *   3 programmer not found / not responding / disconnected · 4 target problem (no target, wrong signature, busy)
 *   5 verify mismatch · 6 refused for safety (dangerous fuses without --force-dangerous-fuses) · 130 interrupted
 */
export const ExitCode = {
  OK: 0,
  FAILURE: 1,
  USAGE: 2,
  PROGRAMMER: 3,
  TARGET: 4,
  VERIFY: 5,
  REFUSED: 6,
  INTERRUPTED: 130,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

export const EXIT_CODE_HELP = `Exit codes:
  0    success
  1    failure (bad input file, operation failed)
  2    usage error (unknown option, part or preset; missing argument)
  3    programmer not found, not responding or disconnected
  4    target problem (no target, wrong signature, target busy)
  5    verify mismatch
  6    refused for safety (dangerous fuses without --force-dangerous-fuses)
  130  interrupted`;

/**
 * The one error type commands throw. `message` says what happened (lowercase sentence, no trailing period);
 * `hint` says what to do. Printed as one line: `ispkit: error: <message>; <hint>`.
 */
export class CliError extends Error {
  override readonly name = 'CliError';
  readonly exitCode: ExitCodeValue;
  readonly code: string;
  readonly hint: string | undefined;
  /** Extra machine-readable facts for --json. */
  readonly details: Record<string, unknown> | undefined;
  constructor(message: string, options: { exitCode?: ExitCodeValue; code?: string; hint?: string; details?: Record<string, unknown>; cause?: unknown } = {}) {
    super(message);
    this.exitCode = options.exitCode ?? ExitCode.FAILURE;
    this.code = options.code ?? 'failure';
    this.hint = options.hint;
    this.details = options.details;
    if (options.cause !== undefined) this.cause = options.cause;
  }
}

export function usageError(message: string, hint?: string): CliError {
  return new CliError(message, { exitCode: ExitCode.USAGE, code: 'usage', ...(hint ? { hint } : {}) });
}

/** Turn anything thrown into a CliError without losing its message; never exposes a stack. */
export function toCliError(err: unknown): CliError {
  if (err instanceof CliError) return err;
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    switch (err.name) {
      case 'ImageError':
      case 'MergeConflictError':
        return new CliError(err.message, { code: typeof code === 'string' ? `image-${code}` : 'image', hint: 'check the file (see `ispkit hex info <file>`)', cause: err });
      case 'UnknownPartError':
        return new CliError(err.message, { exitCode: ExitCode.USAGE, code: 'unknown-part', cause: err });
      case 'UnknownPresetError':
        return new CliError(err.message, { exitCode: ExitCode.USAGE, code: 'unknown-preset', hint: 'see `ispkit fuses presets`', cause: err });
      default:
        break;
    }
    if (typeof code === 'string' && (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR' || code === 'EEXIST')) {
      return new CliError(err.message.replace(/^\w+: /, ''), { code: code.toLowerCase(), cause: err });
    }
    return new CliError(err.message, { code: 'internal', hint: 'this looks like a bug in ispkit; rerun with -v and report it', cause: err });
  }
  return new CliError(String(err), { code: 'internal' });
}
