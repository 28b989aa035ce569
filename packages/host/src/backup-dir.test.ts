import { describe, expect, test } from 'vitest';
import { backupFileName, defaultBackupDir } from './backup-dir.js';

describe('defaultBackupDir', () => {
  test('ISPKIT_BACKUP_DIR wins everywhere', () => {
    expect(defaultBackupDir({ ISPKIT_BACKUP_DIR: '/srv/b' }, 'linux', '/home/u')).toBe('/srv/b');
    expect(defaultBackupDir({ ISPKIT_BACKUP_DIR: 'D:\\b' }, 'win32', 'C:\\Users\\u')).toBe('D:\\b');
  });
  test('the per-user data directory of each OS', () => {
    expect(defaultBackupDir({}, 'linux', '/home/u')).toBe('/home/u/.local/share/ispkit/backups');
    expect(defaultBackupDir({ XDG_DATA_HOME: '/data' }, 'linux', '/home/u')).toBe('/data/ispkit/backups');
    expect(defaultBackupDir({ XDG_DATA_HOME: '' }, 'freebsd', '/home/u')).toBe('/home/u/.local/share/ispkit/backups');
    expect(defaultBackupDir({}, 'darwin', '/Users/u')).toBe('/Users/u/Library/Application Support/ispkit/backups');
    expect(defaultBackupDir({ LOCALAPPDATA: 'C:\\Users\\u\\AppData\\Local' }, 'win32', 'C:\\Users\\u')).toBe('C:\\Users\\u\\AppData\\Local\\ispkit\\backups');
    expect(defaultBackupDir({}, 'win32', 'C:\\Users\\u')).toBe('C:\\Users\\u\\AppData\\Local\\ispkit\\backups');
  });
});

describe('backupFileName', () => {
  test('part and sortable local time', () => {
    expect(backupFileName('atmega32u4', new Date(2026, 11, 3, 9, 5, 7))).toBe('atmega32u4-20261203-090507.elf');
  });
});
