import type { Part } from './part.js';
import { atmega2560, atmega328p } from './parts/other-megas.js';
import { at90usb1286, at90usb646, atmega16u4, atmega32u4 } from './parts/usb-megas.js';

/** Every known part; ATmega32U4 (the keyboard chip) first. */
export const parts: readonly Part[] = [atmega32u4, atmega16u4, at90usb646, at90usb1286, atmega328p, atmega2560];

export class UnknownPartError extends Error {
  readonly code = 'unknown-part';
  constructor(
    readonly requested: string,
    readonly known: readonly string[],
  ) {
    super(`unknown part "${requested}"; known parts: ${known.join(', ')}`);
    this.name = 'UnknownPartError';
  }
}

/** By id, avrdude id or alias, case-insensitive ('atmega32u4', 'm32u4', 'ATmega32U4'). */
export function getPart(idOrAlias: string): Part {
  const key = idOrAlias.trim().toLowerCase();
  const part = parts.find((p) => p.id === key || p.avrdudeId === key || p.aliases.includes(key));
  if (!part) throw new UnknownPartError(idOrAlias, parts.map((p) => p.id));
  return part;
}

export function findPartBySignature(sig: ArrayLike<number>): Part | undefined {
  if (sig.length !== 3) return undefined;
  return parts.find((p) => p.signature.every((b, i) => b === sig[i]));
}

export function formatSignature(sig: ArrayLike<number>): string {
  return Array.from(sig, (b) => b.toString(16).toUpperCase().padStart(2, '0')).join(' ');
}
