#!/usr/bin/env node
/**
 * Builds the programmer firmware for each board: generates the board headers with @ispkit/boards, runs make,
 * checks the image fits below the board's bootloader and writes a size report.
 *
 *   node scripts/build.mjs [--board <id>]... [--board-file <file.json|file.mjs>] [--out-dir <dir>] [--build-dir <dir>]
 *
 * Defaults: every built-in board, hex files into dist/, objects and generated headers into build/.
 * Errors are one line on stderr and exit code 1.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { applicationLimit, boards, firmwareName, getBoard } from '@ispkit/boards';
import { loadBoardFile, writeBoardHeaders } from '@ispkit/boards/node';

const firmwareDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const RAM_SIZE = 2560;

function fail(msg) {
  process.stderr.write(`firmware build: ${msg}\n`);
  process.exit(1);
}

function parseArgs(argv) {
  const opts = { ids: [], files: [], outDir: join(firmwareDir, 'dist'), buildDir: join(firmwareDir, 'build') };
  for (let i = 0; i < argv.length; i++) {
    const [a, v] = [argv[i], argv[i + 1]];
    if (v === undefined) fail(`${a} needs a value`);
    if (a === '--board') opts.ids.push(v);
    else if (a === '--board-file') opts.files.push(v);
    else if (a === '--out-dir') opts.outDir = resolve(v);
    else if (a === '--build-dir') opts.buildDir = resolve(v);
    else fail(`unknown argument ${JSON.stringify(a)}`);
    i++;
  }
  return opts;
}

function sectionSizes(elf) {
  const text = execFileSync('avr-size', ['-A', elf], { encoding: 'utf8' });
  const size = (name) => Number(new RegExp(`^\\${name}\\s+(\\d+)`, 'm').exec(text)?.[1] ?? 0);
  return { flash: size('.text') + size('.data'), ram: size('.data') + size('.bss') };
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const list = [];
  try {
    for (const id of opts.ids) list.push({ board: getBoard(id), source: `boards/${id}.ts` });
    for (const f of opts.files) list.push({ board: await loadBoardFile(f), source: basename(f) });
  } catch (e) {
    fail(e instanceof Error ? e.message : String(e));
  }
  if (list.length === 0) for (const b of boards) list.push({ board: b, source: `boards/${b.id}.ts` });

  mkdirSync(opts.outDir, { recursive: true });
  const report = [];
  for (const { board, source } of list) {
    const work = join(opts.buildDir, board.id);
    const gen = join(work, 'gen');
    await writeBoardHeaders(board, gen, { source });
    const out = join(opts.outDir, firmwareName(board));
    try {
      execFileSync('make', ['-s', '-C', firmwareDir, `GEN_DIR=${gen}`, `OBJ_DIR=${join(work, 'obj')}`, `OUT=${out}`],
        { stdio: ['ignore', 'inherit', 'inherit'] });
    } catch {
      fail(`make failed for board ${board.id}`);
    }
    const { flash, ram } = sectionSizes(`${out}.elf`);
    const limit = applicationLimit(board);
    const line = `${basename(out)}.hex  flash ${flash} / ${limit} B (${((100 * flash) / limit).toFixed(1)}%)  `
      + `static RAM ${ram} / ${RAM_SIZE} B`;
    process.stdout.write(`${line}\n`);
    report.push(line);
    if (flash > limit) fail(`${board.id}: image is ${flash} B but the board has ${limit} B below its bootloader`);
  }
  if (opts.ids.length === 0 && opts.files.length === 0) {
    writeFileSync(join(opts.outDir, 'size-report.txt'), `${report.join('\n')}\n`);
  }
}

main().catch((e) => fail(e instanceof Error ? e.message : String(e)));
