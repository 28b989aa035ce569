/**
 * avrdude-style ISP instruction patterns.
 *
 * A pattern spells the 32 bits of one serial-programming instruction, most significant bit of the first byte
 * first. Separators `.`, `-` and spaces are ignored. Letters:
 * - `0` / `1`: a fixed bit;
 * - `x`: don't care, sent as 0;
 * - `a`: an address bit. In bytes 1 and 2 a lone `a` is numbered by position (byte 2 bit n = address bit n,
 *   byte 1 bit n = address bit 8 + n), so passing a full word address to `40 00 aa ii` keeps only the bits the
 *   instruction carries. For the load-extended-address instruction the numbering is shifted up by 16 (byte 2
 *   bit 0 = address bit 16), matching avrdude's reading of `load_ext_addr`;
 * - `i`: a data-in bit (bit n of the byte written), `o`: a data-out bit (bit n of the byte read back).
 */

export type IspPatternBitKind = '0' | '1' | 'x' | 'a' | 'i' | 'o';

export interface CompiledIspPattern {
  readonly pattern: string;
  /** 32 entries, index 0 = MSB of the first byte. `bit` is the address/data bit for a/i/o, else the fixed value. */
  readonly bits: readonly { readonly kind: IspPatternBitKind; readonly bit: number }[];
  readonly usesAddress: boolean;
  readonly usesData: boolean;
  readonly returnsData: boolean;
}

export interface IspPatternArgs {
  address?: number;
  data?: number;
}

const SEPARATORS = /[.\-\s]/g;

export function compileIspPattern(pattern: string, opts: { extendedAddress?: boolean } = {}): CompiledIspPattern {
  const letters = pattern.replace(SEPARATORS, '');
  if (letters.length !== 32 || !/^[01xaio]+$/.test(letters)) {
    throw new TypeError(`ISP pattern "${pattern}" must have 32 bits of 0/1/x/a/i/o (got ${letters.length})`);
  }
  const bits: { kind: IspPatternBitKind; bit: number }[] = [];
  for (let k = 0; k < 32; k++) {
    const kind = letters[k] as IspPatternBitKind;
    const position = 31 - k; // 0 = LSB of the last byte
    const byteIndex = k >> 3;
    let bit = position % 8;
    if (kind === '1') bit = 1;
    else if (kind === '0' || kind === 'x') bit = 0;
    else if (kind === 'a') {
      if (byteIndex !== 1 && byteIndex !== 2) {
        throw new TypeError(`ISP pattern "${pattern}": address bits belong in bytes 1 and 2, not byte ${byteIndex}`);
      }
      bit = opts.extendedAddress ? position + 8 : position - 8;
    }
    bits.push({ kind, bit });
  }
  return {
    pattern,
    bits,
    usesAddress: bits.some((b) => b.kind === 'a'),
    usesData: bits.some((b) => b.kind === 'i'),
    returnsData: bits.some((b) => b.kind === 'o'),
  };
}

function checkByte(name: string, value: number | undefined, pattern: string): number {
  if (value === undefined) throw new TypeError(`ISP instruction "${pattern}" needs ${name}`);
  if (!Number.isInteger(value) || value < 0 || value > 0xff) {
    throw new RangeError(`ISP ${name} must be a byte 0..255 (got ${value})`);
  }
  return value;
}

/** The 4 bytes of an instruction. Output (`o`) and don't-care (`x`) bits are sent as 0. */
export function encodeIspPattern(compiled: CompiledIspPattern, args: IspPatternArgs = {}): Uint8Array {
  let address = 0;
  if (compiled.usesAddress) {
    if (args.address === undefined) throw new TypeError(`ISP instruction "${compiled.pattern}" needs an address`);
    if (!Number.isInteger(args.address) || args.address < 0 || args.address > 0xffffff) {
      throw new RangeError(`ISP address must be an integer 0..0xFFFFFF (got ${args.address})`);
    }
    address = args.address;
  }
  const data = compiled.usesData ? checkByte('a data byte', args.data, compiled.pattern) : 0;
  const out = new Uint8Array(4);
  compiled.bits.forEach(({ kind, bit }, k) => {
    let value = 0;
    if (kind === '1') value = 1;
    else if (kind === 'a') value = Math.floor(address / 2 ** bit) & 1;
    else if (kind === 'i') value = (data >> bit) & 1;
    if (value) out[k >> 3]! |= 0x80 >> (k & 7);
  });
  return out;
}

/** The byte an instruction returns: its `o` bits picked out of the 4 reply bytes (0 when it has none). */
export function decodeIspPatternReply(compiled: CompiledIspPattern, reply: ArrayLike<number>): number {
  if (reply.length !== 4) throw new RangeError(`an ISP reply has 4 bytes (got ${reply.length})`);
  let value = 0;
  compiled.bits.forEach(({ kind, bit }, k) => {
    if (kind === 'o' && (reply[k >> 3]! & (0x80 >> (k & 7)))) value |= 1 << bit;
  });
  return value;
}
