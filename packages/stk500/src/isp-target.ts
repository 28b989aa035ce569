/**
 * What the ISP operations need to know about the target chip. Built from an `@ispkit/parts` Part by
 * `targetFromPart`; tests can build one by hand.
 */
export type IspInstruction =
  | 'programEnable'
  | 'chipErase'
  | 'pollReady'
  | 'readSignature'
  | 'readLowFuse'
  | 'readHighFuse'
  | 'readExtFuse'
  | 'writeLowFuse'
  | 'writeHighFuse'
  | 'writeExtFuse'
  | 'readLock'
  | 'writeLock'
  | 'readCalibration';

export interface IspTarget {
  /** Human name, e.g. "ATmega32U4". */
  name: string;
  signature: readonly [number, number, number];
  flash: { size: number; pageSize: number };
  eeprom: { size: number; pageSize: number };
  /** Datasheet worst-case times in µs. */
  timing: { chipEraseUs: number; flashWriteUs: number; eepromWriteUs: number; fuseWriteUs: number };
  /** Bits that exist in each fuse byte (compare read-back under these). */
  fuseMasks: { low: number; high: number; ext: number };
  /** The 4-byte serial-programming instruction for `op`. */
  encode(op: IspInstruction, args?: { address?: number; data?: number }): Uint8Array;
}

export type FuseName = 'low' | 'high' | 'ext';

export interface FuseValues {
  low: number;
  high: number;
  ext: number;
}
