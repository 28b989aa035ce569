/** The one way to build an ISP instruction for a part: its pattern table fed to the pattern encoder. */
import {
  compileIspPattern,
  decodeIspPatternReply,
  encodeIspPattern,
  type CompiledIspPattern,
  type IspPatternArgs,
} from './isp-pattern.js';
import type { IspOp, Part } from './part.js';

const cache = new Map<string, CompiledIspPattern>();

function compiled(part: Part, op: IspOp): CompiledIspPattern {
  const pattern = part.isp[op];
  if (pattern === undefined) {
    throw new RangeError(`${part.name} has no ${op} instruction (only parts with more than 128 KB flash need it)`);
  }
  const extendedAddress = op === 'loadExtendedAddress';
  const key = `${extendedAddress ? 'e' : 'n'}${pattern}`;
  let c = cache.get(key);
  if (!c) {
    c = compileIspPattern(pattern, { extendedAddress });
    cache.set(key, c);
  }
  return c;
}

/** Upper bound (exclusive) of the address an op takes, in the op's own unit. */
function addressLimit(part: Part, op: IspOp): { limit: number; unit: string } | undefined {
  switch (op) {
    case 'loadFlashLow':
    case 'loadFlashHigh':
    case 'writeFlashPage':
    case 'readFlashLow':
    case 'readFlashHigh':
    case 'loadExtendedAddress':
      return { limit: part.flash.size / 2, unit: 'flash word address' };
    case 'readEeprom':
    case 'writeEeprom':
    case 'loadEepromPage':
    case 'writeEepromPage':
      return { limit: part.eeprom.size, unit: 'EEPROM byte address' };
    case 'readSignature':
      return { limit: 3, unit: 'signature byte index' };
    default:
      return undefined;
  }
}

/**
 * The 4 bytes to send for `op`. Flash ops take WORD addresses, EEPROM ops BYTE addresses, readSignature the index
 * 0..2; ops with data take `data` (0..255). Throws RangeError on an address outside the part's memory.
 */
export function encodeIsp(part: Part, op: IspOp, args: IspPatternArgs = {}): Uint8Array {
  const c = compiled(part, op);
  const range = addressLimit(part, op);
  if (c.usesAddress && range && args.address !== undefined && (args.address < 0 || args.address >= range.limit)) {
    const hex = (n: number) => `0x${n.toString(16).toUpperCase()}`;
    throw new RangeError(`${op}: ${range.unit} ${hex(args.address)} is outside ${part.name} (0..${hex(range.limit - 1)})`);
  }
  return encodeIspPattern(c, args);
}

/** The byte an instruction's reply carries (its `o` bits), e.g. the signature byte or, for pollReady, 1 = busy. */
export function decodeIspReply(part: Part, op: IspOp, reply: ArrayLike<number>): number {
  return decodeIspPatternReply(compiled(part, op), reply);
}

/** Whether `op` returns a byte, takes an address, takes data. */
export function ispOpShape(part: Part, op: IspOp): { address: boolean; data: boolean; returns: boolean } {
  const c = compiled(part, op);
  return { address: c.usesAddress, data: c.usesData, returns: c.returnsData };
}
