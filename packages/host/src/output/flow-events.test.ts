import type { CoreEvent } from '@ispkit/core';
import { describe, expect, test } from 'vitest';
import type { RunContext } from '../command.js';
import { renderEvents } from './flow-events.js';
import { Reporter } from './reporter.js';

function run(options: { json?: boolean; verbose?: number } = {}) {
  const out = { stdout: '', stderr: '' };
  let t = 0;
  const reporter = new Reporter({
    json: options.json ?? false,
    verbose: options.verbose ?? 0,
    quiet: false,
    stdout: { write: (s) => void (out.stdout += s) },
    stderr: { write: (s) => void (out.stderr += s), isTTY: false },
    now: () => (t += 100),
  });
  const render = renderEvents({ out: reporter } as RunContext);
  return { render, out, reporter };
}

const flashEvents: CoreEvent[] = [
  { type: 'step', step: 'write', text: 'writing flash' },
  { type: 'message', level: 'info', text: 'erased the chip (0.10 s)' },
  { type: 'message', level: 'notice', text: 'programming at SCK 2 MHz' },
  { type: 'warning', text: 'the image has no bootloader' },
  { type: 'progress', phase: 'start', task: 'writing flash', done: 0, total: 2048 },
  { type: 'progress', phase: 'update', task: 'writing flash', done: 1024, total: 2048 },
  { type: 'progress', phase: 'update', task: 'writing flash', done: 2048, total: 2048 },
  { type: 'progress', phase: 'finish', task: 'writing flash', done: 2048, total: 2048 },
  { type: 'chip-state', state: { erased: true, flashBytesWritten: 2048, flashBytesPlanned: 2048, fusesWritten: [] }, text: 'all 2048 bytes are written but not verified good' },
  { type: 'result', command: 'flash', data: { bytesWritten: 2048 }, lines: ['flashed 2 KB to ATmega32U4 and verified'] },
];

describe('renderEvents (the CLI\'s view of the core\'s events)', () => {
  test('lines as the CLI always printed them: warnings prefixed, notices only with -v, progress quarters and a summary, the result on stdout; steps and chip states are not printed', () => {
    const { render, out } = run();
    for (const e of flashEvents) render(e);
    expect(out.stderr.split('\n').filter(Boolean)).toEqual([
      'erased the chip (0.10 s)',
      'ispkit: warning: the image has no bootloader',
      'writing flash: 1 KB of 2 KB (50%)',
      expect.stringMatching(/^writing flash: 2 KB in \d+\.\d\d s \(.*\/s\)$/),
    ]);
    expect(out.stdout).toBe('flashed 2 KB to ATmega32U4 and verified\n');
  });

  test('--json: the same events as JSON lines, progress with its rate, a failed task ends without a summary', () => {
    const { render, out } = run({ json: true, verbose: 1 });
    render({ type: 'progress', phase: 'start', task: 'verifying flash', done: 0, total: 1024 });
    render({ type: 'progress', phase: 'update', task: 'verifying flash', done: 512, total: 1024 });
    render({ type: 'progress', phase: 'abort', task: 'verifying flash', done: 512, total: 1024 });
    render({ type: 'message', level: 'trace', text: '> STK_GET_SYNC 30 20' });
    const lines = out.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toEqual([
      expect.objectContaining({ event: 'progress', task: 'verifying flash', done: 512, total: 1024, finished: false }),
      { event: 'message', level: 'trace', text: '> STK_GET_SYNC 30 20' },
    ]);
    expect(out.stderr).toBe('');
  });
});
