/** The shape of one AVR part record (data only; see `parts/` for the records). */

/** Every serial-programming instruction the parts know, named after what it does. */
export const ispOps = [
  'programEnable',
  'chipErase',
  'pollReady',
  'loadExtendedAddress',
  'loadFlashLow',
  'loadFlashHigh',
  'writeFlashPage',
  'readFlashLow',
  'readFlashHigh',
  'readEeprom',
  'writeEeprom',
  'loadEepromPage',
  'writeEepromPage',
  'readSignature',
  'readCalibration',
  'readLock',
  'writeLock',
  'readLowFuse',
  'readHighFuse',
  'readExtFuse',
  'writeLowFuse',
  'writeHighFuse',
  'writeExtFuse',
] as const;
export type IspOp = (typeof ispOps)[number];

/**
 * Instruction patterns (see isp-pattern.ts). Address units: flash ops take WORD addresses, EEPROM ops BYTE
 * addresses, readSignature the byte index 0..2, loadExtendedAddress the full word address (it sends bits 16..23).
 * loadExtendedAddress exists only on parts whose flash exceeds 128 KB (64 K words).
 */
export type IspInstructions = Readonly<Record<Exclude<IspOp, 'loadExtendedAddress'>, string>> & {
  readonly loadExtendedAddress?: string;
};

export type FuseName = 'low' | 'high' | 'ext';
export const fuseNames: readonly FuseName[] = ['low', 'high', 'ext'];

/** One named field of a fuse or lock byte (like avrdude's Configitem). Programmed bits read 0. */
export interface FuseField {
  readonly name: string;
  /** Bits of the byte this field occupies (contiguous). */
  readonly mask: number;
  readonly label: string;
  /** What a person needs to know about it. */
  readonly comment: string;
  /** Meaning of each field value (the value shifted down to bit 0), where the field has named values. */
  readonly values?: Readonly<Record<number, string>>;
}

export interface FuseByte {
  /** Value as the chip ships (see the part record for the source). */
  readonly factory: number;
  /** Bits that exist; the others read back as anything and are ignored when comparing. */
  readonly mask: number;
  readonly fields: readonly FuseField[];
}

export type ClockKind =
  | 'low-power-crystal'
  | 'full-swing-crystal'
  | 'low-frequency-crystal'
  | 'internal-rc'
  | 'internal-128khz'
  | 'external-clock'
  | 'reserved';

export interface ClockSource {
  /** CKSEL3..0 values (inclusive range) selecting this source. */
  readonly cksel: readonly [number, number];
  readonly kind: ClockKind;
  readonly label: string;
}

export interface BootSection {
  /** BOOTSZ1..0 field value. */
  readonly bootsz: number;
  /** Size in bytes. */
  readonly size: number;
}

export interface Part {
  /** Canonical id, lowercase chip name: 'atmega32u4'. */
  readonly id: string;
  /** As the datasheet writes it: 'ATmega32U4'. */
  readonly name: string;
  /** The id avrdude's `-p` takes. */
  readonly avrdudeId: string;
  /** Other accepted ids (lowercase). */
  readonly aliases: readonly string[];
  readonly signature: readonly [number, number, number];
  readonly flash: { readonly size: number; readonly pageSize: number };
  readonly eeprom: { readonly size: number; readonly pageSize: number };
  /** Boot sections, one per BOOTSZ value, smallest first; each sits at the top of flash. */
  readonly bootSections: readonly BootSection[];
  /** Write/erase times in µs (datasheet tWD_*); wait this long when RDY/BSY polling is not available. */
  readonly timing: {
    readonly chipEraseUs: number;
    readonly flashWriteUs: number;
    readonly eepromWriteUs: number;
    readonly fuseWriteUs: number;
  };
  readonly isp: IspInstructions;
  readonly fuses: { readonly low: FuseByte; readonly high: FuseByte; readonly ext: FuseByte };
  /** Same as fuses.*.mask, for read-back compares. */
  readonly fuseMasks: { readonly low: number; readonly high: number; readonly ext: number };
  readonly lock: FuseByte;
  /** CKSEL decoding. */
  readonly clockSources: readonly ClockSource[];
  /** BODLEVEL2..0 value → trigger voltage in volts, null = BOD disabled; missing = reserved. */
  readonly bodLevels: Readonly<Record<number, number | null>>;
  /** Where the facts came from, for anyone checking them. */
  readonly sources: readonly string[];
}
