import { atmega32u4Pins, spiPins, type BoardDefinition, type PinName } from './board.js';

/** A board definition that cannot be built; `problems` lists every reason, one sentence each. */
export class BoardError extends Error {
  readonly boardId: string;
  readonly problems: readonly string[];
  constructor(boardId: string, problems: readonly string[]) {
    super(`board "${boardId}": ${problems.join('; ')}`);
    this.name = 'BoardError';
    this.boardId = boardId;
    this.problems = problems;
  }
}

const FLASH_SIZE = 32768;
const SRAM_START = 0x0100;
const SRAM_END = 0x0aff;
const spiPinSet = new Set<string>([spiPins.sck, spiPins.mosi, spiPins.miso]);

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function hex(n: number): string {
  return `0x${n.toString(16).toUpperCase()}`;
}

/**
 * Checks a board definition (from a board file or parsed JSON) and returns it typed. Throws BoardError listing
 * every problem: unknown or missing fields, a pin the ATmega32U4 does not have, a pin used twice, the target
 * RESET on an SPI pin, an LED without polarity, PB0 (SPI SS) left floating, a bootloader outside flash.
 */
export function validateBoard(input: unknown): BoardDefinition {
  const problems: string[] = [];
  if (!isRecord(input)) throw new BoardError('?', ['a board definition must be an object']);
  const id = typeof input.id === 'string' ? input.id : '?';
  const need = (cond: boolean, msg: string): void => {
    if (!cond) problems.push(msg);
  };

  need(typeof input.id === 'string' && /^[a-z0-9][a-z0-9-]{0,31}$/.test(input.id),
    'id must be 1-32 characters of a-z, 0-9 and "-" (it names the hex file)');
  need(typeof input.name === 'string' && input.name.length > 0, 'name must be a non-empty string');
  need(input.mcu === 'atmega32u4', `mcu must be "atmega32u4" (got ${JSON.stringify(input.mcu)}): only the ATmega32U4 USB stack exists`);
  need(input.fCpu === 16_000_000 || input.fCpu === 8_000_000,
    `fCpu must be 16000000 or 8000000 (got ${JSON.stringify(input.fCpu)}): USB needs a 16 or 8 MHz crystal`);
  need(input.voltage === 5 || input.voltage === 3.3, `voltage must be 5 or 3.3 (got ${JSON.stringify(input.voltage)})`);
  need(typeof input.usbProduct === 'string' && /^[\x20-\x7e]{1,60}$/.test(input.usbProduct),
    'usbProduct must be 1-60 printable ASCII characters');

  const used = new Map<string, string>();
  const checkPin = (role: string, pin: unknown): pin is PinName => {
    if (typeof pin !== 'string' || !(atmega32u4Pins as readonly string[]).includes(pin)) {
      problems.push(`${role} pin ${JSON.stringify(pin)} does not exist on the ATmega32U4 (pins: ${atmega32u4Pins.join(' ')})`);
      return false;
    }
    const other = used.get(pin);
    if (other !== undefined) problems.push(`pin ${pin} is used twice: ${other} and ${role}`);
    else used.set(pin, role);
    return true;
  };

  if (checkPin('target RESET', input.targetReset) && spiPinSet.has(input.targetReset)) {
    problems.push(`target RESET cannot be ${input.targetReset}: B1/B2/B3 are the SPI pins SCK/MOSI/MISO`);
  }
  for (const [role, pin] of [['SCK', spiPins.sck], ['MOSI', spiPins.mosi], ['MISO', spiPins.miso]] as const) {
    if (!used.has(pin)) used.set(pin, role);
  }

  let ssUsed = input.targetReset === spiPins.ss;
  if (!isRecord(input.leds) || !isRecord(input.leds.status)) {
    problems.push('leds.status is required: { pin, activeLevel: "high" | "low" }');
  } else {
    for (const role of ['status', 'activity'] as const) {
      const led = input.leds[role];
      if (led === undefined && role === 'activity') continue;
      if (!isRecord(led)) {
        problems.push(`leds.${role} must be { pin, activeLevel }`);
        continue;
      }
      if (checkPin(`${role} LED`, led.pin) && led.pin === spiPins.ss) ssUsed = true;
      if (led.activeLevel !== 'high' && led.activeLevel !== 'low') {
        problems.push(`leds.${role}.activeLevel is missing: say "high" (lit when the pin is 1) or "low" (lit when 0)`);
      }
    }
    for (const key of Object.keys(input.leds)) {
      if (key !== 'status' && key !== 'activity') problems.push(`leds.${key} is not a known LED (status, activity)`);
    }
  }

  if (!ssUsed) {
    if (input.unusedSs !== 'drive-high' && input.unusedSs !== 'pull-up') {
      problems.push('PB0 (SPI SS) is neither the target RESET nor an LED: set unusedSs to "drive-high" or "pull-up", '
        + 'or SPI master mode drops out when PB0 floats low');
    }
  } else if (input.unusedSs !== undefined) {
    problems.push('unusedSs applies only when PB0 is neither the target RESET nor an LED; remove it');
  }

  const bl = input.bootloader;
  if (!isRecord(bl)) {
    problems.push('bootloader is required: { kind: "halfkay" | "caterina", address, size } or { kind: "none" }');
  } else if (bl.kind === 'halfkay' || bl.kind === 'caterina') {
    const { address, size } = bl;
    if (typeof address !== 'number' || typeof size !== 'number' || !Number.isInteger(address) || !Number.isInteger(size)
      || size <= 0 || address + size !== FLASH_SIZE || address % 128 !== 0) {
      problems.push(`bootloader must end at the top of flash (${hex(FLASH_SIZE)}) on a page boundary `
        + `(got address ${JSON.stringify(address)}, size ${JSON.stringify(size)})`);
    }
    if (bl.kind === 'caterina') {
      const key = bl.bootKey;
      if (!isRecord(key) || typeof key.address !== 'number' || typeof key.value !== 'number'
        || key.address < SRAM_START || key.address > SRAM_END - 1 || key.value < 0 || key.value > 0xffff) {
        problems.push(`caterina bootloader needs bootKey { address (RAM ${hex(SRAM_START)}..${hex(SRAM_END - 1)}), value (16 bit) }`);
      }
    }
  } else if (bl.kind !== 'none') {
    problems.push(`bootloader.kind ${JSON.stringify(bl.kind)} is unknown (halfkay, caterina, none)`);
  }

  if (input.labels !== undefined) {
    if (!isRecord(input.labels)) problems.push('labels must map pin names to strings');
    else for (const [pin, label] of Object.entries(input.labels)) {
      if (!(atmega32u4Pins as readonly string[]).includes(pin)) problems.push(`labels: ${pin} is not an ATmega32U4 pin`);
      if (typeof label !== 'string' || label.length === 0) problems.push(`labels.${pin} must be a non-empty string`);
    }
  }

  const known = new Set(['id', 'name', 'mcu', 'fCpu', 'voltage', 'targetReset', 'labels', 'leds', 'bootloader', 'unusedSs', 'usbProduct']);
  for (const key of Object.keys(input)) if (!known.has(key)) problems.push(`unknown field "${key}"`);

  if (problems.length > 0) throw new BoardError(id, problems);
  return input as unknown as BoardDefinition;
}
