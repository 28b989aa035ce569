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
}

export function resolveBoard(id: BoardId): BoardClock {
  let board;
  try {
    board = getBoard(id);
  } catch (err) {
    throw new SimError('bad-option', (err as Error).message);
  }
  return { id: board.id, fCpu: board.fCpu, resetPin: board.targetReset, firmwareName: firmwareName(board) };
}
