import { SimError } from './sim-error.js';

/**
 * Faults the harness injects on request (see tools/simharness):
 * - `no-target-high` / `no-target-low`: nothing on the ISP lines, MISO stuck high or low;
 * - `never-ready`: the target stays busy forever after its first write;
 * - `flip:<probability>`: each MISO bit flips with that probability (0..1);
 * - `disconnect:<sim-ms>`: USB unplugged at that simulated time;
 * - `locked`: the target's lock bits are set (reads give 0xFF-ish garbage, writes fail).
 */
export type Fault =
  | 'no-target-high'
  | 'no-target-low'
  | 'never-ready'
  | 'locked'
  | `flip:${number}`
  | `disconnect:${number}`;

const SIMPLE = new Set(['no-target-high', 'no-target-low', 'never-ready', 'locked']);

/** Checks a fault spec up front so a typo is an error here, not a harness exit later. */
export function checkFault(fault: string): Fault {
  if (SIMPLE.has(fault)) return fault as Fault;
  const flip = /^flip:(\d*\.?\d+(?:e-?\d+)?)$/i.exec(fault);
  if (flip) {
    const p = Number(flip[1]);
    if (p >= 0 && p <= 1) return fault as Fault;
  }
  const disc = /^disconnect:(\d+(?:\.\d+)?)$/.exec(fault);
  if (disc) return fault as Fault;
  throw new SimError(
    'bad-option',
    `unknown fault "${fault}"; use no-target-high, no-target-low, never-ready, locked, flip:<0..1> or disconnect:<sim-ms>`,
  );
}
