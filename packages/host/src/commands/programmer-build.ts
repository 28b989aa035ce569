/**
 * `ispkit programmer build --board <id> | --board-file <file> [--reset-pin <pin>] [-o out.hex]`: regenerate a
 * programmer hex from the TS board table. It runs the firmware's own build (firmware/scripts/build.mjs: board
 * headers from @ispkit/boards, then make with avr-gcc) in a scratch directory, so a built-in board gives exactly
 * the committed firmware/dist hex, and prints the size and the pins to wire.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { applicationLimit, firmwareName, pinLabel, spiPins, validateBoard, type BoardDefinition, type PinName } from '@ispkit/boards';
import { parseIntelHex } from '@ispkit/ihex';
import { CliError, usageError } from '../cli-error.js';
import type { RunContext } from '../command.js';
import { readInputBytes, writeOutputFile } from '../files.js';
import { installHint, missingToolchainCommand } from '../tool-hints.js';
import { firmwareDir, firmwareDirExists, programmerBoard } from './programmer-board.js';

export interface ProgrammerBuildOptions {
  board?: string;
  boardFile?: string;
  resetPin?: string;
  output?: string;
}

export interface ProgrammerBuildResult {
  board: string;
  output: string;
  bytes: number;
  limit: number;
  pins: { resetPin: PinName; sck: PinName; mosi: PinName; miso: PinName };
}

function checked(input: unknown): BoardDefinition {
  try {
    return validateBoard(input);
  } catch (err) {
    if (err instanceof Error && err.name === 'BoardError') throw usageError(err.message, 'fix the board definition (see packages/boards/src/board.ts)');
    throw err;
  }
}

async function loadBoardFile(cwd: string, file: string): Promise<BoardDefinition> {
  if (file.endsWith('.json')) {
    const text = new TextDecoder().decode(await readInputBytes(cwd, file));
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      throw usageError(`${file} is not valid JSON: ${(err as Error).message}`);
    }
    return checked(parsed);
  }
  const mod = (await import(pathToFileURL(resolve(cwd, file)).href)) as { default?: unknown };
  return checked(mod.default);
}

/** Which board to build: a built-in one, a custom file, either with the target RESET moved. */
export async function resolveBuildBoard(cwd: string, opts: ProgrammerBuildOptions): Promise<{ board: BoardDefinition; builtIn: boolean }> {
  if ((opts.board === undefined) === (opts.boardFile === undefined)) {
    throw usageError('give exactly one of --board <id> and --board-file <file>', 'see `ispkit programmer build --help`');
  }
  let board = opts.board !== undefined ? programmerBoard(opts.board) : await loadBoardFile(cwd, opts.boardFile!);
  let builtIn = opts.board !== undefined;
  if (opts.resetPin !== undefined) {
    const pin = opts.resetPin.toUpperCase();
    if (pin !== board.targetReset) {
      board = checked({ ...board, targetReset: pin });
      builtIn = false;
    }
  }
  return { board, builtIn };
}

export function pinSummary(board: BoardDefinition): string {
  const cell = (pin: PinName): string => {
    const label = pinLabel(board, pin);
    return label === pin ? pin : `${label} (${pin})`;
  };
  return (
    `wire ${board.name} → target: RESET ← ${cell(board.targetReset)}, SCK ← ${cell(spiPins.sck)}, ` +
    `MOSI ← ${cell(spiPins.mosi)}, MISO → ${cell(spiPins.miso)}, ${board.voltage === 5 ? '5V' : '3.3V'} and GND`
  );
}

function runNode(args: string[], cwd: string): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    execFile(process.execPath, args, { cwd, maxBuffer: 4 << 20 }, (err, stdout, stderr) => {
      if (err) {
        const last = `${stderr}`.trim().split('\n').filter(Boolean).at(-1) ?? err.message;
        reject(new CliError(`firmware build failed: ${last.replace(/^firmware build: /, '')}`, {
          code: 'firmware-build',
          hint: 'check that avr-gcc and avr-libc are installed (pnpm setup) and that `pnpm build` ran',
        }));
        return;
      }
      resolvePromise({ stdout: `${stdout}`, stderr: `${stderr}` });
    });
  });
}

/** Build one board's hex into `outFile`; returns what was built. The firmware dir is injectable for tests. */
export async function buildProgrammerHex(board: BoardDefinition, builtIn: boolean, fwDir: string): Promise<{ hex: string; sizeLine: string }> {
  if (!firmwareDirExists(join(fwDir, 'scripts', 'build.mjs'))) {
    throw new CliError(`cannot find the firmware sources (${fwDir}): the npm package carries only the prebuilt hex files`, {
      code: 'no-firmware-tree',
      hint: 'run `ispkit programmer build` in a clone of the ispkit repository (`npm run setup` there), or set ISPKIT_FIRMWARE_DIR to its firmware/',
    });
  }
  const scratch = await mkdtemp(join(tmpdir(), 'ispkit-programmer-build-'));
  try {
    const args = [join(fwDir, 'scripts', 'build.mjs'), '--out-dir', join(scratch, 'out'), '--build-dir', join(scratch, 'build')];
    if (builtIn) {
      args.push('--board', board.id);
    } else {
      const file = join(scratch, `${board.id}.json`);
      await writeFile(file, JSON.stringify(board, null, 2));
      args.push('--board-file', file);
    }
    const { stdout } = await runNode(args, fwDir);
    const hex = await readFile(join(scratch, 'out', `${firmwareName(board)}.hex`), 'utf8');
    return { hex, sizeLine: stdout.trim().split('\n').at(-1) ?? '' };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

export async function runProgrammerBuild(
  { out, cwd }: Pick<RunContext, 'out' | 'cwd'>,
  opts: ProgrammerBuildOptions,
  env: Record<string, string | undefined> = process.env,
): Promise<void> {
  const { board, builtIn } = await resolveBuildBoard(cwd, opts);
  const missing = missingToolchainCommand(env);
  if (missing !== undefined) {
    throw new CliError(`programmer build needs the AVR toolchain (avr-gcc, avr-libc, make) and ${missing} is not on PATH`, {
      code: 'toolchain-missing',
      hint: `${installHint('avr-toolchain')}; \`ispkit programmer install\` needs none of it (the prebuilt hex is included)`,
    });
  }
  out.info(`building the programmer firmware for ${board.name} (target RESET on ${board.targetReset})`);
  const { hex } = await buildProgrammerHex(board, builtIn, firmwareDir(env));
  const image = parseIntelHex(hex, { source: `${firmwareName(board)}.hex` });
  const limit = applicationLimit(board);
  const output = opts.output ?? `${firmwareName(board)}.hex`;
  await writeOutputFile(cwd, output, hex);
  const result: ProgrammerBuildResult = {
    board: board.id,
    output,
    bytes: image.byteCount,
    limit,
    pins: { resetPin: board.targetReset, sck: spiPins.sck, mosi: spiPins.mosi, miso: spiPins.miso },
  };
  out.result('programmer build', result, [
    `${basename(output)}: ${image.byteCount} bytes of ${limit} below the ${board.bootloader.kind === 'none' ? 'end of flash' : 'bootloader'} (${((100 * image.byteCount) / limit).toFixed(1)}%)`,
    pinSummary(board),
  ]);
}
