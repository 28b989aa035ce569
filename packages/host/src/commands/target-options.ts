import type { TargetOptions } from '@ispkit/core';
import type { RunContext } from '../command.js';

/** `-p <part>` as the core's target options. */
export function targetOptions(run: RunContext): TargetOptions {
  return run.global.part ? { part: run.global.part } : {};
}
