import type { IspInstruction, IspTarget } from '../isp-target.js';

/**
 * An ATmega32U4 IspTarget encoded by hand from the datasheet's instruction table, so the protocol package's tests
 * do not depend on @ispkit/parts (the host uses `targetFromPart`).
 */
export function atmega32u4TestTarget(): IspTarget {
  return {
    name: 'ATmega32U4',
    signature: [0x1e, 0x95, 0x87],
    flash: { size: 32768, pageSize: 128 },
    eeprom: { size: 1024, pageSize: 4 },
    timing: { chipEraseUs: 9000, flashWriteUs: 4500, eepromWriteUs: 9000, fuseWriteUs: 4500 },
    fuseMasks: { low: 0xff, high: 0xff, ext: 0x0f },
    encode(op: IspInstruction, args: { address?: number; data?: number } = {}): Uint8Array {
      const a = args.address ?? 0;
      const d = args.data ?? 0;
      const table: Record<IspInstruction, number[]> = {
        programEnable: [0xac, 0x53, 0, 0],
        chipErase: [0xac, 0x80, 0, 0],
        pollReady: [0xf0, 0, 0, 0],
        readSignature: [0x30, 0, a & 3, 0],
        readLowFuse: [0x50, 0, 0, 0],
        readHighFuse: [0x58, 0x08, 0, 0],
        readExtFuse: [0x50, 0x08, 0, 0],
        writeLowFuse: [0xac, 0xa0, 0, d],
        writeHighFuse: [0xac, 0xa8, 0, d],
        writeExtFuse: [0xac, 0xa4, 0, d],
        readLock: [0x58, 0, 0, 0],
        writeLock: [0xac, 0xe0, 0, d],
        readCalibration: [0x38, 0, 0, 0],
      };
      return Uint8Array.from(table[op]);
    },
  };
}
