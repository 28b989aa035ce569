import { SimError } from './sim-error.js';

/** The three fuse bytes of an AVR as the harness takes and reports them. */
export interface FuseBytes {
  low: number;
  high: number;
  ext: number;
}

function checkByte(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 0 || value > 0xff) {
    throw new SimError('bad-option', `fuse ${name} must be a byte (0..255), got ${String(value)}`);
  }
  return value;
}

/** Parses "5E:99:F3" (low:high:ext, hex) or checks a {low,high,ext} object. */
export function parseFuses(input: string | FuseBytes): FuseBytes {
  if (typeof input !== 'string') {
    return { low: checkByte('low', input.low), high: checkByte('high', input.high), ext: checkByte('ext', input.ext) };
  }
  const parts = input.trim().split(':');
  if (parts.length !== 3 || parts.some((p) => !/^(0x)?[0-9a-f]{1,2}$/i.test(p))) {
    throw new SimError('bad-option', `fuses must look like LOW:HIGH:EXT in hex, e.g. 5E:99:F3; got "${input}"`);
  }
  const [low, high, ext] = parts.map((p) => parseInt(p, 16)) as [number, number, number];
  return { low, high, ext };
}

const hex2 = (n: number) => n.toString(16).toUpperCase().padStart(2, '0');

/** Formats fuses the way the harness CLI takes them: "5E:99:F3". */
export function formatFuses(f: FuseBytes): string {
  return `${hex2(f.low)}:${hex2(f.high)}:${hex2(f.ext)}`;
}
