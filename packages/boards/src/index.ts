export {
  applicationLimit,
  atmega32u4Pins,
  firmwareName,
  pinLabel,
  spiPins,
  usbIdentity,
  type BoardDefinition,
  type BootloaderDefinition,
  type LedDefinition,
  type LedPolarity,
  type PinName,
  type UnusedSsMode,
} from './board.js';
export { boards, boardCode, getBoard } from './board-list.js';
export { BoardError, validateBoard } from './validate-board.js';
export { generateBoardHeader, type BoardHeaderOptions } from './board-header.js';
export {
  firmwareIspOps,
  generateProtocolHeader,
  type FirmwareIspOp,
  type IspOpcodeTable,
  type ProtocolHeaderOptions,
} from './protocol-header.js';
export { firmwareIspOpcodes, firmwareIspSource, firmwareTargetPartId } from './isp-opcodes.js';
export { renderWiringTable } from './wiring-table.js';
// Node-only (files): writeBoardHeaders, loadBoardFile are on '@ispkit/boards/node', so this entry loads in a browser.
export { renderWiringSvg, wiringSvgName, wiringTitle, wiringNotes, programmerPinFor, ispHeaderPinout } from './wiring-svg.js';
