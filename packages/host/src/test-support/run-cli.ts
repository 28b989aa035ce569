import type { DeviceEnv } from '../device/device-env.js';
import { main } from '../main.js';
import type { OutputEvent } from '../output/reporter.js';

/** Run the CLI in-process with captured output (unit tests). */
export async function runCli(argv: string[], cwd = process.cwd(), device?: DeviceEnv): Promise<{ code: number; stdout: string; stderr: string; json: OutputEvent[] }> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: { write: (s) => void (stdout += s) }, stderr: { write: (s) => void (stderr += s) }, cwd, ...(device ? { device } : {}) });
  const json = argv.includes('--json')
    ? stdout
        .split('\n')
        .filter((l) => l.trim())
        .map((l) => JSON.parse(l) as OutputEvent)
    : [];
  return { code, stdout, stderr, json };
}
