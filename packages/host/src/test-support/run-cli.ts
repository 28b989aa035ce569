import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DeviceEnv } from '../device/device-env.js';
import { main } from '../main.js';
import type { OutputEvent } from '../output/reporter.js';

let backupDir: string | undefined;

/** Where automatic backups of CLI runs in tests go (one temp folder per test process, never the user's data dir). */
export function testBackupDir(): string {
  backupDir ??= mkdtempSync(join(tmpdir(), 'ispkit-test-backups-'));
  return backupDir;
}

/** Run the CLI in-process with captured output (unit tests). */
export async function runCli(argv: string[], cwd = process.cwd(), device?: DeviceEnv): Promise<{ code: number; stdout: string; stderr: string; json: OutputEvent[] }> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: { write: (s) => void (stdout += s) }, stderr: { write: (s) => void (stderr += s) }, cwd, env: { ...process.env, ISPKIT_BACKUP_DIR: process.env['ISPKIT_BACKUP_DIR'] ?? testBackupDir() }, ...(device ? { device } : {}) });
  const json = argv.includes('--json')
    ? stdout
        .split('\n')
        .filter((l) => l.trim())
        .map((l) => JSON.parse(l) as OutputEvent)
    : [];
  return { code, stdout, stderr, json };
}
