import { firmwareName, getBoard } from '@ispkit/boards';
import { SimError } from './sim-error.js';

export type BoardId = 'teensy2' | 'pro-micro' | (string & {});

/** What the harness needs about a programmer board, taken from the board table. */
export interface BoardClock {
  id: string;
  fCpu: number;
  /** Port pin driving the target's RESET, e.g. "B0". */
  resetPin: string;
  /** Base name of the board's committed firmware (firmware/dist/<name>.hex). */
  firmwareName: string;
  /** The board's LEDs by role (status, and activity where the board has one), as the harness watches them. */
  leds: BoardLed[];
}

/** One LED of the programmer board: its role, pin and the level that lights it (from the board table). */
export interface BoardLed {
  role: 'status' | 'activity';
  pin: string;
  activeLevel: 'high' | 'low';
}

export function resolveBoard(id: BoardId): BoardClock {
  let board;
  try {
    board = getBoard(id);
  } catch (err) {
    throw new SimError('bad-option', (err as Error).message);
  }
  const leds: BoardLed[] = [{ role: 'status', pin: board.leds.status.pin, activeLevel: board.leds.status.activeLevel }];
  if (board.leds.activity) leds.push({ role: 'activity', pin: board.leds.activity.pin, activeLevel: board.leds.activity.activeLevel });
  return { id: board.id, fCpu: board.fCpu, resetPin: board.targetReset, firmwareName: firmwareName(board), leds };
}
