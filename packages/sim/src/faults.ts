import { SimError } from './sim-error.js';

/**
 * Faults the harness injects on request (see tools/simharness):
 * - `no-target-high` / `no-target-low`: nothing on the ISP lines, MISO stuck high or low;
 * - `never-ready`: the target stays busy forever after its first write;
 * - `flip:<probability>`: each MISO bit flips with that probability (0..1);
 * - `disconnect:<sim-ms>`: USB unplugged at that simulated time;
 * - `locked`: the target's lock bits are set (reads give 0xFF-ish garbage, writes fail);
 * - wiring mistakes, modelled at the target and on the programmer's pins: `miso-open` (MISO not connected: reads
 *   high), `reset-open` (RESET not connected: the target never listens, nothing lifts the released RESET line),
 *   `sck-mosi-swapped` (it shifts out zeros), `unpowered` (VCC not connected: SCK, MOSI and MISO clamped low);
 * - `slow-clock:<hz>`: the target runs at that clock whatever its fuses say (an SCK too fast for it garbles);
 * - `supply:<volts>`: the target's supply; below what its clock needs (8 MHz at 2.7 V .. 16 MHz at 4.5 V) each bit
 *   it sends flips with probability 1 % (a 3.3 V programmer powering a keyboard fused for 16 MHz);
 * - `slow-master:<cycles>`: the programmer's own SPI takes that many CPU cycles more per byte than its clock table
 *   says (1..1024), so firmware that writes SPDR on a cycle count collides (WCOL) and must recover.
 */
export type Fault =
  | 'no-target-high'
  | 'no-target-low'
  | 'never-ready'
  | 'locked'
  | 'miso-open'
  | 'reset-open'
  | 'sck-mosi-swapped'
  | 'unpowered'
  | `flip:${number}`
  | `disconnect:${number}`
  | `slow-clock:${number}`
  | `supply:${number}`
  | `slow-master:${number}`;

const SIMPLE = new Set([
  'no-target-high',
  'no-target-low',
  'never-ready',
  'locked',
  'miso-open',
  'reset-open',
  'sck-mosi-swapped',
  'unpowered',
]);

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
  const slow = /^slow-clock:(\d+)$/.exec(fault);
  if (slow && Number(slow[1]) >= 1000 && Number(slow[1]) <= 20e6) return fault as Fault;
  const supply = /^supply:(\d(?:\.\d+)?)$/.exec(fault);
  if (supply && Number(supply[1]) >= 1.8 && Number(supply[1]) <= 5.5) return fault as Fault;
  const master = /^slow-master:(\d+)$/.exec(fault);
  if (master && Number(master[1]) >= 1 && Number(master[1]) <= 1024) return fault as Fault;
  throw new SimError(
    'bad-option',
    `unknown fault "${fault}"; use no-target-high, no-target-low, never-ready, locked, miso-open, reset-open, ` +
      'sck-mosi-swapped, unpowered, flip:<0..1>, disconnect:<sim-ms>, slow-clock:<1000..20000000 Hz>, supply:<1.8..5.5 V> ' +
      'or slow-master:<1..1024 cycles>',
  );
}
