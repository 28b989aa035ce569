/**
 * `ispkit programmer install --board pro-micro|teensy2 [--hex <file>] [-P <port>]`: put ispkit's programmer firmware
 * on a Pro Micro (through Caterina) or a Teensy 2.0 (through HalfKay) and check it answers as an ISP programmer.
 * The flow lives in @ispkit/loaders (installProgrammer, tested against bootloader models); this file maps options,
 * progress and errors.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { firmwareName, usbIdentity, type BoardDefinition } from '@ispkit/boards';
import { installProgrammer, LoaderError, type Clock, type InstallDevices, type LoaderErrorCode, type ProgrammerBoard } from '@ispkit/loaders';
import { CliError, ExitCode, usageError, type ExitCodeValue } from '../cli-error.js';
import type { RunContext } from '../command.js';
import { linkTarget, normalizePortName } from '../serial/port-name.js';
import { loadImageFile } from '../files.js';
import type { ProgressHandle } from '../output/reporter.js';
import { firmwareDir, programmerBoard } from './programmer-board.js';
import { nodeInstallDevices } from './programmer-install-devices.js';

export interface ProgrammerInstallOptions {
  board: string;
  hex?: string;
}

const EXIT: Record<LoaderErrorCode, ExitCodeValue> = {
  timeout: ExitCode.PROGRAMMER,
  disconnected: ExitCode.PROGRAMMER,
  protocol: ExitCode.PROGRAMMER,
  unsupported: ExitCode.FAILURE,
  'image-too-big': ExitCode.FAILURE,
  'verify-failed': ExitCode.VERIFY,
  'no-board': ExitCode.PROGRAMMER,
  'no-bootloader': ExitCode.PROGRAMMER,
  permission: ExitCode.PROGRAMMER,
  'sign-on-failed': ExitCode.PROGRAMMER,
};

export function loaderCliError(err: LoaderError): CliError {
  return new CliError(err.message, {
    exitCode: EXIT[err.code],
    code: err.code,
    ...(err.address !== undefined ? { details: { address: err.address } } : {}),
    cause: err,
  });
}

export function installTarget(board: BoardDefinition): ProgrammerBoard {
  if (board.bootloader.kind === 'none') {
    throw usageError(`board ${board.id} has no USB bootloader to install through`, 'program it with another ISP programmer');
  }
  return {
    id: board.id,
    name: board.name,
    bootloader: board.bootloader.kind,
    bootloaderStart: board.bootloader.address,
    firmwareUsb: {
      vendorId: usbIdentity.vendorId,
      productId: usbIdentity.productId,
      manufacturer: usbIdentity.manufacturer,
      product: board.usbProduct,
    },
  };
}

/**
 * -P for the install: COM names and macOS cu. normalised, but a symlink (/dev/serial/by-id/…) is kept as the path
 * to open and to confirm the new firmware on — it follows the board across re-enumeration, where the ttyACM
 * number may change — with its current target given for matching the USB listing.
 */
function installPort(out: RunContext['out'], typed: string | undefined): { port?: string; portTarget?: string } {
  if (typed === undefined) return {};
  const { path, note } = normalizePortName(typed, process.platform, undefined, { resolveLinks: false });
  if (note) out.info(note);
  const target = process.platform === 'win32' ? undefined : linkTarget(path);
  return target === undefined ? { port: path } : { port: path, portTarget: target };
}

/** What tests swap out: the USB devices, the clock, the environment. */
export interface ProgrammerInstallDeps {
  devices?: InstallDevices;
  clock?: Clock;
  env?: Record<string, string | undefined>;
}

/** The command body. */
export async function runProgrammerInstall(
  { out, global, cwd, signal }: Pick<RunContext, 'out' | 'global' | 'cwd'> & { signal?: AbortSignal },
  opts: ProgrammerInstallOptions,
  deps: ProgrammerInstallDeps = {},
): Promise<void> {
  const env = deps.env ?? process.env;
  const board = programmerBoard(opts.board);
  const target = installTarget(board);
  const hexPath = opts.hex ?? join(firmwareDir(env), 'dist', `${firmwareName(board)}.hex`);
  if (opts.hex === undefined && !existsSync(hexPath)) {
    throw new CliError(`no prebuilt programmer firmware for ${board.id} at ${hexPath}`, {
      code: 'no-firmware',
      hint: `build one with \`ispkit programmer build --board ${board.id}\` and pass it with --hex`,
    });
  }
  const image = await loadImageFile(cwd, hexPath);
  out.notice(`installing ${hexPath} (${image.byteCount} bytes) on the ${board.name}`);

  let bar: { phase: string; handle: ProgressHandle } | undefined;
  const endBar = (ok: boolean): void => {
    if (!bar) return;
    if (ok) bar.handle.finish();
    else bar.handle.abort();
    bar = undefined;
  };
  try {
    const result = await installProgrammer({
      board: target,
      image,
      ...installPort(out, global.port),
      devices: deps.devices ?? nodeInstallDevices(),
      ...(deps.clock ? { clock: deps.clock } : {}),
      ...(signal ? { signal } : {}),
      onEvent: (e) => {
        if (e.type === 'step') out.info(e.message);
        else if (e.type === 'action') out.warning(e.message);
        else if (e.type === 'trace') out.trace(e.message);
        else if (e.progress.phase === 'erase') {
          if (e.progress.done === 0) out.info('erasing the application flash');
        } else {
          if (bar?.phase !== e.progress.phase) {
            endBar(true);
            bar = { phase: e.progress.phase, handle: out.progress(e.progress.phase === 'write' ? 'writing' : 'verifying', e.progress.total) };
          }
          bar.handle.update(e.progress.done);
        }
      },
    });
    endBar(true);
    out.result(
      'programmer install',
      { board: board.id, ...result },
      [
        `ispkit programmer ready: ${board.name} on ${result.programmerPort} (signs on as "${result.signOn}")` +
          (result.readBack ? ', firmware verified by read-back' : ''),
      ],
    );
  } catch (err) {
    endBar(false);
    if (err instanceof LoaderError) throw loaderCliError(err);
    throw err;
  }
}
