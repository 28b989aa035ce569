/** Why a simulator call failed; `code` is stable for tests and callers, `message` is one line for a person. */
export type SimErrorCode =
  | 'harness-missing'
  | 'firmware-missing'
  | 'bad-option'
  | 'start-failed'
  | 'start-timeout'
  | 'exited'
  | 'command-failed'
  | 'command-timeout';

export class SimError extends Error {
  override readonly name = 'SimError';
  constructor(
    readonly code: SimErrorCode,
    message: string,
    /** The harness's last stderr lines, when it said something before failing. */
    readonly detail?: string,
  ) {
    super(message);
  }
}
