import { readFile, writeFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { isBinaryName, parseInput, placeBootloaderBinary, type OutputFile } from '@ispkit/core';
import type { MemoryImage } from '@ispkit/ihex';
import type { Part } from '@ispkit/parts';
import { CliError } from './cli-error.js';

function fsMessage(err: unknown, path: string, verb: string): CliError {
  const code = (err as { code?: string }).code;
  const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'it is a directory' : (err as Error).message;
  return new CliError(`cannot ${verb} ${path}: ${why}`, { code: `file-${(code ?? 'error').toLowerCase()}`, hint: 'check the path' });
}

export async function readInputBytes(cwd: string, path: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(resolve(cwd, path)));
  } catch (err) {
    throw fsMessage(err, path, 'read');
  }
}

/** Load a firmware image file (.hex, .elf, .bin at 0). */
export async function loadImageFile(cwd: string, path: string): Promise<MemoryImage> {
  return parseInput(await readInputBytes(cwd, path), basename(path));
}

/** Load a bootloader image; a raw .bin is placed at the boot section its size matches. */
export async function loadBootloaderFile(cwd: string, path: string, part: Part): Promise<MemoryImage> {
  const image = await loadImageFile(cwd, path);
  return isBinaryName(path) ? placeBootloaderBinary(image, basename(path), part) : image;
}

export async function writeOutputFile(cwd: string, path: string, text: string | Uint8Array): Promise<void> {
  try {
    await writeFile(resolve(cwd, path), text);
  } catch (err) {
    throw fsMessage(err, path, 'write');
  }
}

/** A file the core's read flows save their Intel HEX into. */
export function outputFile(cwd: string, path: string): OutputFile {
  return { name: path, save: (text) => writeOutputFile(cwd, path, text) };
}
