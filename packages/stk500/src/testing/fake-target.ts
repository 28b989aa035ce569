/**
 * In-memory model of an AVR target's serial-programming interface (ATmega32U4 by default), for unit tests of the
 * STK500 client and the host. It models what the host must get right: the AC 53 echo, page buffer semantics
 * (programming only clears bits), chip erase, EEPROM, fuses/lock, RDY/BSY (commands while busy are ignored and
 * counted), and SCK too fast for the target's clock (CKDIV8 latched at reset) garbling MISO.
 */
export interface FakeTargetOptions {
  signature?: readonly [number, number, number];
  flashSize?: number;
  pageSize?: number;
  eepromSize?: number;
  fuses?: { low: number; high: number; ext: number };
  lock?: number;
  crystalHz?: number;
  /** 'absent-high' / 'absent-low': nothing connected, MISO stuck at 1 / 0. */
  presence?: 'present' | 'absent-high' | 'absent-low';
  /** How many RDY/BSY polls report busy after a write/erase (default 1). */
  busyPolls?: number;
  /** Flip bit 0 of the flash byte at this address on every read (verify must catch it). */
  flipReadAt?: number;
}

export class FakeTarget {
  readonly signature: readonly [number, number, number];
  readonly flash: Uint8Array;
  readonly eeprom: Uint8Array;
  readonly pageSize: number;
  fuses: { low: number; high: number; ext: number };
  lock: number;
  readonly crystalHz: number;
  presence: 'present' | 'absent-high' | 'absent-low';
  flipReadAt: number | undefined;
  private readonly busyPolls: number;
  private pageBuffer: Map<number, number> = new Map();
  private eepromPage: Map<number, number> = new Map();
  private busy = 0;
  private inReset = false;
  private progEnabled = false;
  private latchedDiv8: boolean;
  readonly stats = { spiInstructions: 0, pageWrites: 0, chipErases: 0, busyViolations: 0, sckViolations: 0, fuseWrites: 0 };

  constructor(options: FakeTargetOptions = {}) {
    this.signature = options.signature ?? [0x1e, 0x95, 0x87];
    this.flash = new Uint8Array(options.flashSize ?? 32768).fill(0xff);
    this.eeprom = new Uint8Array(options.eepromSize ?? 1024).fill(0xff);
    this.pageSize = options.pageSize ?? 128;
    this.fuses = { ...(options.fuses ?? { low: 0x5e, high: 0x99, ext: 0xf3 }) };
    this.lock = options.lock ?? 0xff;
    this.crystalHz = options.crystalHz ?? 16_000_000;
    this.presence = options.presence ?? 'present';
    this.busyPolls = options.busyPolls ?? 1;
    this.flipReadAt = options.flipReadAt;
    this.latchedDiv8 = (this.fuses.low & 0x80) === 0;
  }

  /** Core clock now (the prescaler follows CKDIV8 as latched at the last reset). */
  get clockHz(): number {
    return this.latchedDiv8 ? this.crystalHz / 8 : this.crystalHz;
  }

  get programmingEnabled(): boolean {
    return this.progEnabled;
  }

  /** RESET asserted (true) or released (false). Releasing and asserting again re-latches CKDIV8. */
  setReset(asserted: boolean): void {
    if (asserted && !this.inReset) this.latchedDiv8 = (this.fuses.low & 0x80) === 0;
    if (!asserted) this.progEnabled = false;
    this.inReset = asserted;
  }

  /** One 4-byte serial-programming instruction at the given SCK; returns the 4 bytes shifted out on MISO. */
  transfer(bytes: ArrayLike<number>, sckHz: number): Uint8Array {
    if (this.presence === 'absent-high') return new Uint8Array(4).fill(0xff);
    if (this.presence === 'absent-low') return new Uint8Array(4);
    if (!this.inReset) return new Uint8Array(4).fill(0xff);
    const limit = this.clockHz >= 12_000_000 ? this.clockHz / 6 : this.clockHz / 4;
    if (sckHz >= limit) {
      this.stats.sckViolations++;
      return Uint8Array.from([0xff, 0xfe, 0x7f, 0xa5]); // garbled: nothing a host could take for a valid answer
    }
    this.stats.spiInstructions++;
    const [a, b, c, d] = [bytes[0]!, bytes[1]!, bytes[2]!, bytes[3]!];
    const out = Uint8Array.from([0, a, b, 0]);
    if (a === 0xac && b === 0x53) {
      this.progEnabled = true;
      out[2] = 0x53;
      return out;
    }
    if (!this.progEnabled) return out;
    if (a === 0xf0) {
      out[3] = this.busy > 0 ? 1 : 0;
      if (this.busy > 0) this.busy--;
      return out;
    }
    if (this.busy > 0) {
      this.stats.busyViolations++;
      return out;
    }
    const word = (b << 8) | c;
    switch (a) {
      case 0xac:
        if (b === 0x80) this.chipErase();
        else if (b === 0xa0) this.writeFuse('low', d);
        else if (b === 0xa8) this.writeFuse('high', d);
        else if (b === 0xa4) this.writeFuse('ext', d);
        else if (b === 0xe0) {
          this.lock &= d | 0xc0;
          this.stats.fuseWrites++;
          this.busy = this.busyPolls;
        }
        break;
      case 0x30:
        out[3] = this.signature[c & 3] ?? 0;
        break;
      case 0x38:
        out[3] = 0x5a;
        break;
      case 0x50:
        out[3] = b === 0x08 ? this.fuses.ext : this.fuses.low;
        break;
      case 0x58:
        out[3] = b === 0x08 ? this.fuses.high : this.lock;
        break;
      case 0x40:
      case 0x48:
        this.pageBuffer.set(((c & 0x3f) << 1) | (a === 0x48 ? 1 : 0), d);
        break;
      case 0x4c: {
        const pageStart = (word << 1) & ~(this.pageSize - 1);
        for (const [offset, value] of this.pageBuffer) {
          const addr = pageStart + (offset % this.pageSize);
          if (addr < this.flash.length) this.flash[addr]! &= value;
        }
        this.pageBuffer.clear();
        this.stats.pageWrites++;
        this.busy = this.busyPolls;
        break;
      }
      case 0x20:
      case 0x28: {
        const addr = (word << 1) | (a === 0x28 ? 1 : 0);
        let v = this.flash[addr] ?? 0xff;
        if (addr === this.flipReadAt) v ^= 1;
        out[3] = v;
        break;
      }
      case 0xa0:
        out[3] = this.eeprom[word % this.eeprom.length] ?? 0xff;
        break;
      case 0xc0:
        this.eeprom[word % this.eeprom.length] = d;
        this.busy = this.busyPolls;
        break;
      case 0xc1:
        this.eepromPage.set(c, d);
        break;
      case 0xc2: {
        for (const [addr, value] of this.eepromPage) {
          const eaddr = (word & ~3) | (addr & 3);
          this.eeprom[eaddr % this.eeprom.length] = value;
        }
        this.eepromPage.clear();
        this.busy = this.busyPolls;
        break;
      }
      default:
        break;
    }
    return out;
  }

  private chipErase(): void {
    this.flash.fill(0xff);
    if ((this.fuses.high & 0x08) !== 0) this.eeprom.fill(0xff); // EESAVE unprogrammed
    this.lock = 0xff;
    this.stats.chipErases++;
    this.busy = this.busyPolls;
  }

  private writeFuse(which: 'low' | 'high' | 'ext', value: number): void {
    this.fuses[which] = value;
    this.stats.fuseWrites++;
    this.busy = this.busyPolls;
  }
}
