/**
 * The CLI's view of the core's errors: the same class and exit codes (documented in the README and
 * `ispkit --help`), named as the CLI always has.
 */
export {
  ExitCode,
  IspkitError as CliError,
  toIspkitError as toCliError,
  usageError,
  type ExitCodeValue,
} from '@ispkit/core';

export const EXIT_CODE_HELP = `Exit codes:
  0    success
  1    failure (bad input file, operation failed)
  2    usage error (unknown option, part or preset; missing argument)
  3    programmer not found, not responding or disconnected
  4    target problem (no target, wrong signature, target busy)
  5    verify mismatch
  6    refused for safety (dangerous fuses without --force-dangerous-fuses)
  130  interrupted`;
