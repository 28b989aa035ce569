import { access } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { parseInput } from '@ispkit/core';
import { bootloaderCatalogue, getPart, recogniseBootloader, type CatalogueEntry } from '@ispkit/parts';
import { CliError } from './cli-error.js';
import { readInputBytes } from './files.js';

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

function sourceText(e: CatalogueEntry): string {
  return `github.com/${e.source.repo}${e.source.commit ? ` (commit ${e.source.commit.slice(0, 10)})` : ''}, ${e.source.path}`;
}

/**
 * `--bootloader <file or catalogue name>`: a path that exists is read as it is; a catalogue name (`ispkit
 * bootloaders`) is looked up by its usual file name in `dir` (`--bootloader-dir`), never downloaded, and its bytes
 * must be the catalogued ones.
 */
export async function resolveBootloader(cwd: string, arg: string, dir: string | undefined): Promise<{ name: string; bytes: Uint8Array }> {
  const asPath = resolve(cwd, arg);
  const entry = bootloaderCatalogue.find((e) => e.id === arg.trim().toLowerCase());
  if (!entry || (await exists(asPath))) return { name: basename(arg), bytes: await readInputBytes(cwd, arg) };
  if (!entry.fileName || !entry.digest) {
    throw new CliError(`"${entry.id}" (${entry.name}) has no single published image, so there is no file to look up`, {
      code: 'bootloader-not-prebuilt',
      hint: `${entry.replaceWith ? `flash --bootloader ${entry.replaceWith} in its place, or ` : ''}build it (${sourceText(entry)}) and pass the .hex path to --bootloader`,
    });
  }
  if (!dir) {
    throw new CliError(`"${entry.id}" is a catalogue name: ispkit does not download bootloaders`, {
      code: 'bootloader-dir-missing',
      hint: `get ${entry.fileName} from ${sourceText(entry)}, then add --bootloader-dir <folder holding it> (or give its path)`,
    });
  }
  const path = join(resolve(cwd, dir), entry.fileName);
  if (!(await exists(path))) {
    throw new CliError(`${entry.fileName} (${entry.id}) is not in ${dir}`, {
      code: 'bootloader-file-missing',
      hint: `get it from ${sourceText(entry)} into that folder`,
    });
  }
  const bytes = await readInputBytes(cwd, path);
  const found = recogniseBootloader(parseInput(bytes, entry.fileName), getPart(entry.part), [entry]);
  if (found?.kind !== 'known') {
    throw new CliError(`${join(dir, entry.fileName)} is not ${entry.name}: its flash bytes differ from the catalogued ones`, {
      code: 'bootloader-digest-mismatch',
      hint: `get the file again from ${sourceText(entry)}, or pass the file you mean by its path`,
    });
  }
  return { name: entry.fileName, bytes };
}

/** What `ispkit bootloaders --dir` reports per entry: present in the folder and matching the catalogue. */
export async function catalogueFileState(dir: string, e: CatalogueEntry): Promise<'ok' | 'missing' | 'differs' | 'source-only'> {
  if (!e.fileName || !e.digest) return 'source-only';
  const path = join(dir, e.fileName);
  if (!(await exists(path))) return 'missing';
  try {
    const image = parseInput(await readInputBytes(dir, e.fileName), e.fileName);
    return recogniseBootloader(image, getPart(e.part), [e])?.kind === 'known' ? 'ok' : 'differs';
  } catch {
    return 'differs';
  }
}

export { sourceText };
