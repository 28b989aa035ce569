import type { BoardDefinition } from './board.js';
import { proMicro3v3 } from './boards/pro-micro-3v3.js';
import { proMicro } from './boards/pro-micro.js';
import { teensy2 } from './boards/teensy2.js';

/** The built-in boards, in the order of their board codes (code = index + 1; 0 is a custom board). */
export const boards: readonly BoardDefinition[] = [teensy2, proMicro, proMicro3v3];

/** A built-in board by id; throws with the list of known ids. */
export function getBoard(id: string): BoardDefinition {
  const board = boards.find((b) => b.id === id);
  if (!board) throw new Error(`unknown board "${id}" (known: ${boards.map((b) => b.id).join(', ')})`);
  return board;
}

/** The code the firmware reports for a board (ISPKIT_BOARD parameter): built-ins 1..n, custom boards 0. */
export function boardCode(board: BoardDefinition): number {
  const i = boards.findIndex((b) => b.id === board.id);
  return i < 0 ? 0 : i + 1;
}
