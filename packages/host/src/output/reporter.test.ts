import { describe, expect, test } from 'vitest';
import { CliError, ExitCode } from '../cli-error.js';
import { Reporter, type ProgressBar } from './reporter.js';

function capture(options: Partial<ConstructorParameters<typeof Reporter>[0]> = {}) {
  const out = { stdout: '', stderr: '' };
  let t = 0;
  const r = new Reporter({
    json: false,
    verbose: 0,
    quiet: false,
    stdout: { write: (s) => void (out.stdout += s) },
    stderr: { write: (s) => void (out.stderr += s), isTTY: false },
    now: () => (t += 250),
    ...options,
  });
  return { r, out };
}

describe('Reporter', () => {
  test('levels: error/warning prefixed, info plain, notice and trace only with -v', () => {
    const { r, out } = capture();
    r.error('bad thing');
    r.warning('careful');
    r.info('hello');
    r.notice('detail');
    r.trace('> 30 20');
    expect(out.stderr).toBe('ispkit: error: bad thing\nispkit: warning: careful\nhello\n');
    const v = capture({ verbose: 1 });
    v.r.notice('detail');
    v.r.trace('> 30 20');
    expect(v.out.stderr).toBe('  detail\n    > 30 20\n');
  });

  test('--json: every event is one JSON line on stdout, nothing on stderr', () => {
    const { r, out } = capture({ json: true });
    r.info('hello');
    r.result('x', { a: 1 }, ['human']);
    r.fail(new CliError('broken', { exitCode: ExitCode.TARGET, code: 'no-target', hint: 'check wiring' }));
    expect(out.stderr).toBe('');
    expect(out.stdout.trim().split('\n').map((l) => JSON.parse(l))).toEqual([
      { event: 'message', level: 'info', text: 'hello' },
      { event: 'result', command: 'x', data: { a: 1 } },
      { event: 'error', exitCode: 4, code: 'no-target', message: 'broken', hint: 'check wiring' },
    ]);
  });

  test('failure is one line with the hint', () => {
    const { r, out } = capture();
    r.fail(new CliError('no target answered', { hint: 'check the wiring' }));
    expect(out.stderr).toBe('ispkit: error: no target answered; check the wiring\n');
  });

  test('progress without a TTY: a line per quarter and a summary with the rate', () => {
    const { r, out } = capture();
    const p = r.progress('writing flash', 4096);
    for (let d = 0; d <= 4096; d += 512) p.update(d);
    p.finish();
    expect(out.stderr.split('\n').filter(Boolean)).toEqual([
      'writing flash: 0 B of 4 KB (0%)',
      'writing flash: 1 KB of 4 KB (25%)',
      'writing flash: 2 KB of 4 KB (50%)',
      'writing flash: 3 KB of 4 KB (75%)',
      expect.stringMatching(/^writing flash: 4 KB in \d+\.\d\d s \(\d+(\.\d)? (KB|B)\/s\)$/),
    ]);
  });

  test('progress on a TTY draws a bar and no quarter lines', () => {
    const updates: number[] = [];
    let stopped = false;
    const bar: ProgressBar = { update: (d) => void updates.push(d), stop: () => void (stopped = true) };
    const { r, out } = capture({ stderr: { write: (s) => void (out.stderr += s), isTTY: true }, createBar: () => bar });
    const p = r.progress('reading flash', 1000);
    p.update(500);
    p.update(1000);
    p.finish();
    expect(updates).toEqual([500, 1000]);
    expect(stopped).toBe(true);
    expect(out.stderr).toMatch(/^reading flash: 1000 B in/);
  });
});
