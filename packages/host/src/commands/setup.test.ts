import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { Reporter } from '../output/reporter.js';
import { renderUdevRules } from '../setup/udev-rule.js';
import { runCli } from '../test-support/run-cli.js';
import { runSetupUdev } from './setup.js';

function capture(): { out: Reporter; text: () => string } {
  let text = '';
  const sink = { write: (s: string) => void (text += s) };
  return { out: new Reporter({ json: false, verbose: 0, quiet: false, stdout: sink, stderr: sink }), text: () => text };
}

const tmp = (): string => mkdtempSync(join(tmpdir(), 'ispkit-setup-'));

describe('ispkit setup udev', () => {
  test('--print prints the rule and writes nothing', async () => {
    const r = await runCli(['setup', 'udev', '--print']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(renderUdevRules());
  });

  test('--yes --root writes the rule below the root and does not reload the system udev', async () => {
    const dir = tmp();
    const r = await runCli(['setup', 'udev', '--yes', '--root', dir]);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(dir, 'etc/udev/rules.d/60-ispkit.rules'), 'utf8')).toBe(renderUdevRules());
    expect(r.stdout).toMatch(/not reloading udev/);
  });

  test('without --yes and without a terminal it refuses (usage, exit 2) and writes nothing', async () => {
    const dir = tmp();
    const { out } = capture();
    await expect(runSetupUdev({ out, cwd: dir }, { root: dir }, { platform: 'linux', ask: undefined })).rejects.toMatchObject({
      exitCode: 2,
      message: expect.stringMatching(/only with consent/),
      hint: expect.stringMatching(/--yes.*--print/),
    });
    expect(existsSync(join(dir, 'etc'))).toBe(false);
  });

  test('asks on a terminal: yes writes and reloads udev, no writes nothing', async () => {
    const dir = tmp();
    const calls: string[][] = [];
    const { out, text } = capture();
    await expect(
      runSetupUdev({ out, cwd: dir }, { root: dir }, { platform: 'linux', ask: async () => false, udevadm: async (a) => void calls.push(a) }),
    ).rejects.toMatchObject({ message: 'not written (you said no)', hint: expect.stringMatching(/ispkit setup udev --print \| sudo tee/) });
    expect(existsSync(join(dir, 'etc'))).toBe(false);
    await runSetupUdev({ out, cwd: dir }, { root: dir }, { platform: 'linux', ask: async (q) => q.includes('60-ispkit.rules') });
    expect(existsSync(join(dir, 'etc/udev/rules.d/60-ispkit.rules'))).toBe(true);
    expect(calls).toEqual([]);
    expect(text()).toMatch(/wrote .*60-ispkit\.rules/);
  });

  test('a root it cannot write names the manual commands in one line', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'etc'), 'a file where the directory should be');
    const r = await runCli(['setup', 'udev', '--yes', '--root', dir]);
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n').filter(Boolean)).toHaveLength(1);
    expect(r.stderr).toMatch(/^ispkit: error: cannot write .*60-ispkit\.rules: .*; install it by hand: ispkit setup udev --print \| sudo tee/);
  });

  test('on macOS and Windows there is nothing to set up', async () => {
    const { out, text } = capture();
    await runSetupUdev({ out, cwd: '/' }, {}, { platform: 'darwin' });
    expect(text()).toMatch(/udev rules are for Linux; on macOS nothing needs setting up/);
  });
});
