import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { workspaceRoot } from '@ispkit/sim/testing';

// `npm run demo` minus the setup step: the story must run to its end and say what a user should see.
test('the demo flashes a keyboard + bootloader onto a factory-fresh chip and the keyboard boots', async () => {
  const root = workspaceRoot();
  const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    execFile(process.execPath, [join(root, 'tools/scripts/demo.mjs')], { cwd: root, timeout: 120_000, killSignal: 'SIGKILL' }, (err, so, se) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout: String(so), stderr: String(se) }),
    );
  });
  expect(code, `${stdout}\n${stderr}`).toBe(0);
  const all = `${stdout}\n${stderr}`; // ispkit's own messages go to stderr, its results to stdout
  expect(stdout).toMatch(/identical to the committed firmware\/dist\/ispkit-teensy2-b0\.hex/);
  expect(all).toMatch(/fuses written and read back: ext FB, high D8, low FF/);
  expect(all).toMatch(/keyboard-with-bootloader\.hex: [\d.]+ KB match the chip/);
  expect(stdout).toMatch(/reset → 0x7000 \(the bootloader, as BOOTRST says\) → the keyboard firmware attached to USB as 0x1209:0x0001/);
  expect(stdout).toMatch(/ISP timing {2}0 violations/);
}, 150_000);
