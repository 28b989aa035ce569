import { mkdir, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import type { BackupSink } from '@ispkit/core';
import { CliError } from './cli-error.js';
import type { RunContext } from './command.js';
import { backupFileName, defaultBackupDir } from './backup-dir.js';
import { VERSION } from './version.js';

/** `--no-backup` (→ backup: false) and `--backup-dir`, on every command that erases or overwrites the chip. */
export interface BackupFlags {
  backup?: boolean;
  backupDir?: string;
}

export function addBackupOptions(cmd: Command): Command {
  return cmd
    .option('--no-backup', 'skip reading the whole chip into a backup file first (what is on it now cannot be restored then)')
    .option('--backup-dir <dir>', 'folder for the automatic backup (default $ISPKIT_BACKUP_DIR, else ~/.local/share/ispkit/backups or the OS equivalent)');
}

function quoteArg(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

function where(path: string): { location: string; restore: string } {
  return { location: path, restore: `\`ispkit restore ${quoteArg(path)}\`` };
}

function saveFailed(target: string, err: unknown): CliError {
  const why = (err as NodeJS.ErrnoException).code === 'EACCES' ? 'permission denied' : (err as Error).message;
  return new CliError(`cannot save the backup in ${target}: ${why}; nothing was changed`, {
    code: 'backup-write',
    hint: 'give a writable folder with --backup-dir <dir> (or --no-backup to go without one)',
  });
}

/** The backup folder of this run: --backup-dir, else $ISPKIT_BACKUP_DIR, else the OS's per-user data folder. */
export function backupDirFor(run: RunContext, flags: BackupFlags): string {
  return resolve(run.cwd, flags.backupDir ?? defaultBackupDir(run.env, process.platform, homedir()));
}

/** A sink that writes each backup as a new file `<part>-<date>-<time>.elf` in `dir` (never overwriting one). */
export function folderSink(dir: string): BackupSink {
  return {
    tool: `ispkit ${VERSION}`,
    async save(backup, bytes) {
      try {
        await mkdir(dir, { recursive: true });
        const base = backupFileName(backup.part, new Date(backup.date)).replace(/\.elf$/, '');
        for (let n = 1; ; n++) {
          const path = join(dir, `${base}${n === 1 ? '' : `-${n}`}.elf`);
          try {
            await writeFile(path, bytes, { flag: 'wx' });
            return where(path);
          } catch (err) {
            if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || n > 999) throw err;
          }
        }
      } catch (err) {
        throw saveFailed(dir, err);
      }
    },
  };
}

/** A sink that writes the backup to `path` (ispkit backup -o). */
export function fileSink(run: RunContext, path: string): BackupSink {
  const full = resolve(run.cwd, path);
  return {
    tool: `ispkit ${VERSION}`,
    async save(_backup, bytes) {
      try {
        await writeFile(full, bytes);
      } catch (err) {
        throw saveFailed(full, err);
      }
      return where(full);
    },
  };
}

/** The automatic backup of a chip-changing command, or none with --no-backup. */
export function backupSink(run: RunContext, flags: BackupFlags): { backup?: BackupSink } {
  return flags.backup === false ? {} : { backup: folderSink(backupDirFor(run, flags)) };
}
