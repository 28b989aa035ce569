import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { parseIntelHex } from '@ispkit/ihex';
import { runAvrdude, workspaceRoot } from '@ispkit/sim/testing';
import { fixtureDir, firstDifference, writeRandomHex } from './fixtures.js';

// `ispkit sim` as a person uses it: start it, point avrdude at the printed port, Ctrl-C, get the dump.
const fx = fixtureDir('ispkit-sim');
afterAll(() => fx.remove());

interface Result {
  event: string;
  command?: string;
  data?: { state: string; port?: string; resetPin?: string; stats?: { pageWrites: number } };
}

test('ispkit sim serves avrdude on the printed port and writes the target flash to --dump on Ctrl-C', async () => {
  const { path, data } = writeRandomHex(fx.dir, 'app.hex', 2048, 0x51);
  const dump = join(fx.dir, 'dump.hex');
  const cli = join(workspaceRoot(), 'packages/host/dist/cli.js');
  const child = spawn(process.execPath, [cli, '--json', 'sim', '--board', 'pro-micro', '--dump', dump], { stdio: ['ignore', 'pipe', 'pipe'] });
  const events: Result[] = [];
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const ready = await new Promise<Result>((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(new Error(`no ready result from ispkit sim: ${stderr}`)), 60_000);
    child.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      let nl;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const e = JSON.parse(buf.slice(0, nl)) as Result;
        buf = buf.slice(nl + 1);
        events.push(e);
        if (e.event === 'result' && e.data?.state === 'ready') {
          clearTimeout(timer);
          resolve(e);
        }
      }
    });
    void exited.then(() => reject(new Error(`ispkit sim exited before it was ready: ${stderr}`)));
  });
  try {
    expect(ready.data?.resetPin).toBe('B6');
    const port = ready.data!.port!;
    const run = await runAvrdude({ port, args: ['-U', `flash:w:${path}:i`] });
    expect(run.code, run.stderr).toBe(0);
  } finally {
    child.kill('SIGINT');
  }
  expect(await exited).toBe(0);
  const stopped = events.find((e) => e.event === 'result' && e.data?.state === 'stopped');
  expect(stopped?.data?.stats?.pageWrites).toBe(2048 / 128);
  expect(existsSync(ready.data!.port!)).toBe(false); // the harness removed its port link
  const image = parseIntelHex(readFileSync(dump, 'utf8'));
  expect(firstDifference(image.read(0, 2048), data)).toBe('equal');
});

test('ispkit sim with an unknown board is a usage error, not a hang', async () => {
  const cli = join(workspaceRoot(), 'packages/host/dist/cli.js');
  const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [cli, 'sim', '--board', 'teensy9'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('close', (c) => resolve({ code: c, stderr: err }));
  });
  expect(code).toBe(2);
  expect(stderr.trim()).toBe('ispkit: error: unknown board "teensy9" (known: teensy2, pro-micro, pro-micro-3v3); see `ispkit sim --help`');
});
