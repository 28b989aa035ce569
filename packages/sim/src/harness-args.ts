import type { Fault } from './faults.js';
import { formatFuses, type FuseBytes } from './fuses.js';

/** What the harness needs to know about the target part (taken from @ispkit/parts). */
export interface TargetSpec {
  id: string;
  signature: readonly [number, number, number];
  flash: { size: number; pageSize: number };
  eeprom: { size: number; pageSize: number };
}

/** Everything `simharness run` is told, already resolved to concrete values. */
export interface RunConfig {
  firmware: string;
  fCpu: number;
  resetPin: string;
  link: string;
  target?: TargetSpec;
  fuses?: FuseBytes;
  lock?: number;
  dtr?: boolean;
  flashImage?: string;
  faults?: readonly Fault[];
  dumpFlash?: string;
  dumpEeprom?: string;
  results?: string;
  maxSimSeconds?: number;
}

const hex2 = (n: number) => n.toString(16).toLowerCase().padStart(2, '0');

/** The argv (after the binary) for `simharness run`; pure so it can be tested against the CLI contract. */
export function buildRunArgs(c: RunConfig): string[] {
  const args = ['run', '--firmware', c.firmware, '--f-cpu', String(c.fCpu), '--reset-pin', c.resetPin];
  if (c.target) {
    args.push(
      '--target', c.target.id,
      '--target-signature', c.target.signature.map(hex2).join(''),
      '--flash', `${c.target.flash.size}:${c.target.flash.pageSize}`,
      '--eeprom', `${c.target.eeprom.size}:${c.target.eeprom.pageSize}`,
    );
  }
  if (c.fuses) args.push('--fuses', formatFuses(c.fuses));
  if (c.lock !== undefined) args.push('--lock', hex2(c.lock).toUpperCase());
  if (c.dtr !== undefined) args.push('--dtr', c.dtr ? 'on' : 'off');
  args.push('--link', c.link);
  if (c.flashImage) args.push('--flash-image', c.flashImage);
  for (const f of c.faults ?? []) args.push('--fault', f);
  if (c.dumpFlash) args.push('--dump-flash', c.dumpFlash);
  if (c.dumpEeprom) args.push('--dump-eeprom', c.dumpEeprom);
  if (c.results) args.push('--results', c.results);
  if (c.maxSimSeconds !== undefined) args.push('--max-sim-seconds', String(c.maxSimSeconds));
  return args;
}

/** The argv for `simharness boot`. */
export function buildBootArgs(image: string, fuses: FuseBytes, timeoutMs?: number): string[] {
  const args = ['boot', '--image', image, '--fuses', formatFuses(fuses)];
  if (timeoutMs !== undefined) args.push('--timeout-ms', String(timeoutMs));
  return args;
}
