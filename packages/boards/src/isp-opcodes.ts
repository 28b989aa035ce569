import { encodeIsp, getPart } from '@ispkit/parts';
import { firmwareIspOps, type FirmwareIspOp, type IspOpcodeTable } from './protocol-header.js';

/** The part the programmer firmware's fast paths are written for (any classic AVR shares these opcodes). */
export const firmwareTargetPartId = 'atmega32u4';

/**
 * The ISP instructions the firmware issues itself, taken from @ispkit/parts' pattern table (never retyped):
 * each encoded with address 0 and data 0; the firmware fills in address and data bytes.
 */
export function firmwareIspOpcodes(partId = firmwareTargetPartId): IspOpcodeTable {
  const part = getPart(partId);
  const table = {} as Record<FirmwareIspOp, Uint8Array>;
  for (const op of firmwareIspOps) table[op] = encodeIsp(part, op, { address: 0, data: 0 });
  return table;
}

export const firmwareIspSource = `@ispkit/parts (${firmwareTargetPartId})`;
