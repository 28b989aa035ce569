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
  /** How the simulated host enumerates (harness default linux). */
  usbProfile?: UsbProfile;
  /** Mid-session host events, e.g. "reset@out:2000", "suspend:50@ms:300" (see UsbEventSpec). */
  usbEvents?: readonly string[];
  /** The programmer chip's ten signature-row serial bytes, 20 hex digits. */
  usbSerial?: string;
  /** A GET_STATUS every N simulated ms once configured, to measure how late EP0 is served (stats controlMaxMs). */
  usbPingMs?: number;
  /** Start the programmer as Caterina leaves the chip (USB on, detached, interrupts enabled and pending). */
  startDetached?: boolean;
  /** The programmer board's LEDs, which the harness reports and checks are dark while the host suspends the bus. */
  leds?: readonly { role: string; pin: string; activeLevel: 'high' | 'low' }[];
}

/** Host operating systems the harness can enumerate like. */
export type UsbProfile = 'linux' | 'windows' | 'macos';
export const usbProfiles: readonly UsbProfile[] = ['linux', 'windows', 'macos'];
/**
 * A mid-session USB host event: reset | set-config | set-interface | clear-halt:in | clear-halt:out |
 * clear-halt:notify | suspend:<ms> | unplug | probe, optionally with a trigger @out:<bytes>, @ms:<simulated ms>,
 * @write:<target writes> or @spi:<programmer SPI bytes> ('+N' = from now).
 */
export type UsbEventSpec = string;
const usbEventPattern =
  /^(reset|set-config|set-interface|clear-halt:(in|out|notify)|suspend:[1-9]\d*|unplug|probe|ping)(@(out|ms|write|spi):\+?\d+(\.\d+)?)?$/;

/** Checks a USB event spec; returns it, or throws a TypeError naming what is wrong. */
export function checkUsbEvent(spec: string): UsbEventSpec {
  if (!usbEventPattern.test(spec)) {
    throw new TypeError(
      `usb event "${spec}": expected reset, set-config, set-interface, clear-halt:in|out|notify, suspend:<ms>, unplug, probe or ping, optionally followed by @out:<bytes>, @ms:<ms>, @write:<writes> or @spi:<SPI bytes>`,
    );
  }
  return spec;
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
  if (c.usbProfile) args.push('--usb-profile', c.usbProfile);
  for (const e of c.usbEvents ?? []) args.push('--usb-event', checkUsbEvent(e));
  if (c.usbSerial) args.push('--usb-serial', c.usbSerial);
  if (c.usbPingMs !== undefined) args.push('--usb-ping-ms', String(c.usbPingMs));
  if (c.startDetached) args.push('--start-detached');
  for (const led of c.leds ?? []) args.push('--led', `${led.role}:${led.pin}:${led.activeLevel}`);
  return args;
}

/** The argv for `simharness boot`. */
export function buildBootArgs(image: string, fuses: FuseBytes, timeoutMs?: number): string[] {
  const args = ['boot', '--image', image, '--fuses', formatFuses(fuses)];
  if (timeoutMs !== undefined) args.push('--timeout-ms', String(timeoutMs));
  return args;
}
