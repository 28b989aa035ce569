import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BoardDefinition } from './board.js';
import { validateBoard } from './validate-board.js';

/**
 * Loads and validates a custom board: a `.json` file, or an ES module (`.mjs`/`.js`) whose default export is the
 * definition. Throws BoardError (every problem listed) or the file system / JSON error.
 */
export async function loadBoardFile(path: string): Promise<BoardDefinition> {
  if (path.endsWith('.json')) {
    let data: unknown;
    try {
      data = JSON.parse(await readFile(path, 'utf8')) as unknown;
    } catch (e) {
      throw new Error(`cannot read board file ${path}: ${e instanceof Error ? e.message : String(e)}`);
    }
    return validateBoard(data);
  }
  const mod = (await import(pathToFileURL(resolve(path)).href)) as { default?: unknown };
  return validateBoard(mod.default);
}
