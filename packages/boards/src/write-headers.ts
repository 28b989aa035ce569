import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BoardDefinition } from './board.js';
import { boardCode } from './board-list.js';
import { generateBoardHeader } from './board-header.js';
import { firmwareIspOpcodes, firmwareIspSource } from './isp-opcodes.js';
import { generateProtocolHeader } from './protocol-header.js';

export interface WrittenHeaders {
  readonly boardHeader: string;
  readonly protocolHeader: string;
  /** Files whose content changed (unchanged files are left alone so make does not rebuild). */
  readonly changed: readonly string[];
}

async function writeIfChanged(path: string, text: string): Promise<boolean> {
  const old = await readFile(path, 'utf8').catch(() => undefined);
  if (old === text) return false;
  await writeFile(path, text);
  return true;
}

/** Writes `board_config.h` and `protocol.h` for one board into `dir` (created if missing). */
export async function writeBoardHeaders(board: BoardDefinition, dir: string, opts: { source?: string } = {}): Promise<WrittenHeaders> {
  await mkdir(dir, { recursive: true });
  const boardHeader = join(dir, 'board_config.h');
  const protocolHeader = join(dir, 'protocol.h');
  const changed: string[] = [];
  const boardText = generateBoardHeader(board, { ...(opts.source ? { source: opts.source } : {}), boardCode: boardCode(board) });
  if (await writeIfChanged(boardHeader, boardText)) changed.push(boardHeader);
  const protocolText = generateProtocolHeader({ isp: firmwareIspOpcodes(), ispSource: firmwareIspSource });
  if (await writeIfChanged(protocolHeader, protocolText)) changed.push(protocolHeader);
  return { boardHeader, protocolHeader, changed };
}
