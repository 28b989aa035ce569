import type { IspOpcodeTable } from './protocol-header.js';

/**
 * INTERIM: the ATmega32U4 serial-programming instructions the firmware uses, encoded with address 0 / data 0,
 * from the datasheet's "Serial Programming Instruction Set" table. To be replaced by `encodeIsp` from
 * @ispkit/parts as soon as that package exports it (then this file goes away and nothing here is retyped).
 */
export const atmega32u4IspOpcodes: IspOpcodeTable = {
  programEnable: [0xac, 0x53, 0x00, 0x00],
  chipErase: [0xac, 0x80, 0x00, 0x00],
  pollReady: [0xf0, 0x00, 0x00, 0x00],
  loadFlashLow: [0x40, 0x00, 0x00, 0x00],
  loadFlashHigh: [0x48, 0x00, 0x00, 0x00],
  writeFlashPage: [0x4c, 0x00, 0x00, 0x00],
  readFlashLow: [0x20, 0x00, 0x00, 0x00],
  readFlashHigh: [0x28, 0x00, 0x00, 0x00],
  readEeprom: [0xa0, 0x00, 0x00, 0x00],
  writeEeprom: [0xc0, 0x00, 0x00, 0x00],
  loadEepromPage: [0xc1, 0x00, 0x00, 0x00],
  writeEepromPage: [0xc2, 0x00, 0x00, 0x00],
  readSignature: [0x30, 0x00, 0x00, 0x00],
};
export const atmega32u4IspSource = 'the ATmega32U4 datasheet table in @ispkit/boards isp-opcodes.ts (interim)';
