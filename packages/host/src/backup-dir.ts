import { join, win32 } from 'node:path';

/**
 * Where backups go when `--backup-dir` is not given (documented in the README): $ISPKIT_BACKUP_DIR if set, else the
 * OS's per-user data directory — Linux and other Unixes: $XDG_DATA_HOME/ispkit/backups (default
 * ~/.local/share/ispkit/backups); macOS: ~/Library/Application Support/ispkit/backups; Windows:
 * %LOCALAPPDATA%\ispkit\backups. Pure: the environment, platform and home directory are passed in.
 */
export function defaultBackupDir(env: Record<string, string | undefined>, platform: string, home: string): string {
  const set = (v: string | undefined): v is string => typeof v === 'string' && v.trim() !== '';
  if (set(env['ISPKIT_BACKUP_DIR'])) return env['ISPKIT_BACKUP_DIR'];
  if (platform === 'win32') {
    const base = set(env['LOCALAPPDATA']) ? env['LOCALAPPDATA'] : win32.join(home, 'AppData', 'Local');
    return win32.join(base, 'ispkit', 'backups');
  }
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'ispkit', 'backups');
  const data = set(env['XDG_DATA_HOME']) ? env['XDG_DATA_HOME'] : join(home, '.local', 'share');
  return join(data, 'ispkit', 'backups');
}

/** `atmega32u4-20261203-223015.elf` (local time, sortable); `-2`, `-3`… are added by the writer on a clash. */
export function backupFileName(partId: string, date: Date): string {
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  const stamp = `${date.getFullYear()}${p(date.getMonth() + 1)}${p(date.getDate())}-${p(date.getHours())}${p(date.getMinutes())}${p(date.getSeconds())}`;
  return `${partId}-${stamp}.elf`;
}
