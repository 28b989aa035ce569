/**
 * Exit codes of ispkit, shared by every front end (the CLI exits with them, the page shows them with the message):
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

export interface IspkitErrorOptions {
  exitCode?: ExitCodeValue;
  code?: string;
  hint?: string;
  details?: Record<string, unknown>;
  cause?: unknown;
}

/**
 * The one error type the rescue core throws. `message` says what happened (lowercase sentence, no trailing period);
 * `hint` says what to do. A front end shows it as one line: `<message>; <hint>` (the CLI prefixes `ispkit: error: `).
 */
export class IspkitError extends Error {
  override readonly name: string = 'IspkitError';
  readonly exitCode: ExitCodeValue;
  readonly code: string;
  readonly hint: string | undefined;
  /** Extra machine-readable facts (the CLI's --json, the page's details). */
  readonly details: Record<string, unknown> | undefined;
  constructor(message: string, options: IspkitErrorOptions = {}) {
    super(message);
    this.exitCode = options.exitCode ?? ExitCode.FAILURE;
    this.code = options.code ?? 'failure';
    this.hint = options.hint;
    this.details = options.details;
    if (options.cause !== undefined) this.cause = options.cause;
  }
}

export function usageError(message: string, hint?: string): IspkitError {
  return new IspkitError(message, { exitCode: ExitCode.USAGE, code: 'usage', ...(hint ? { hint } : {}) });
}

/** Turn anything thrown into an IspkitError without losing its message; never exposes a stack. */
export function toIspkitError(err: unknown, checkFile = 'check the file (see `ispkit hex info <file>`)'): IspkitError {
  if (err instanceof IspkitError) return err;
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    switch (err.name) {
      case 'ImageError':
      case 'MergeConflictError':
        return new IspkitError(err.message, { code: typeof code === 'string' ? `image-${code}` : 'image', hint: checkFile, cause: err });
      case 'UnknownPartError':
        return new IspkitError(err.message, { exitCode: ExitCode.USAGE, code: 'unknown-part', cause: err });
      case 'UnknownPresetError':
        return new IspkitError(err.message, { exitCode: ExitCode.USAGE, code: 'unknown-preset', hint: 'see `ispkit fuses presets`', cause: err });
      default:
        break;
    }
    if (typeof code === 'string' && (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR' || code === 'EEXIST')) {
      return new IspkitError(err.message.replace(/^\w+: /, ''), { code: code.toLowerCase(), cause: err });
    }
    return new IspkitError(err.message, { code: 'internal', hint: 'this looks like a bug in ispkit; rerun with -v and report it', cause: err });
  }
  return new IspkitError(String(err), { code: 'internal' });
}
