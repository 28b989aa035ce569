#!/usr/bin/env node
/**
 * ispkit-board-header --board <id> | --board-file <file.json|file.mjs> --out <dir>
 * Writes board_config.h and protocol.h for the firmware build. One-line errors, exit code 1.
 */
import { basename } from 'node:path';
import { loadBoardFile } from './board-file.js';
import { getBoard } from './board-list.js';
import { writeBoardHeaders } from './write-headers.js';
import type { BoardDefinition } from './board.js';

function usage(msg: string): never {
  process.stderr.write(`ispkit-board-header: ${msg}\nusage: ispkit-board-header (--board <id> | --board-file <file>) --out <dir>\n`);
  process.exit(1);
}

async function main(argv: string[]): Promise<void> {
  let id: string | undefined;
  let file: string | undefined;
  let out: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = argv[i + 1];
    if (a === '--board' && v) { id = v; i++; }
    else if (a === '--board-file' && v) { file = v; i++; }
    else if (a === '--out' && v) { out = v; i++; }
    else usage(`unexpected argument ${JSON.stringify(a)}`);
  }
  if (!out) usage('--out <dir> is required');
  if ((id === undefined) === (file === undefined)) usage('give exactly one of --board and --board-file');
  const board = id !== undefined ? getBoard(id) : await loadBoardFile(file!);
  const source = id !== undefined ? `boards/${board.id}.ts` : basename(file!);
  const res = await writeBoardHeaders(board, out, { source });
  process.stdout.write(`${board.id}: ${res.changed.length ? `wrote ${res.changed.join(', ')}` : 'headers up to date'}\n`);
}

main(process.argv.slice(2)).catch((e: unknown) => {
  process.stderr.write(`ispkit-board-header: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
